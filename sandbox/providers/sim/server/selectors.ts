/**
 * Label and field selectors as list/watch/deletecollection take them in the
 * `labelSelector` / `fieldSelector` query parameters. The grammar follows
 * k8s.io/apimachinery pkg/labels/selector.go (=, ==, !=, in, notin, exists,
 * !key, gt/lt) and pkg/fields/selector.go (an unordered AND of `k=v`, `k==v`,
 * `k!=v` terms, `\,` escapes); the supported field labels per resource follow
 * each registry's GetAttrs / field label conversion funcs (kubectl describe
 * sends its terms in random order, so order never matters).
 */
import type { KObject } from '../store/types.ts';
import { badRequest } from '../api/status.ts';

type LabelRequirement =
  | { op: 'exists' | '!'; key: string }
  | { op: '=' | '!='; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'gt' | 'lt'; key: string; value: number };

/** LabelSelector matches an object's labels. */
export interface LabelSelector {
  matches(labels: Record<string, string> | undefined): boolean;
  readonly empty: boolean;
}

const everything: LabelSelector = { matches: () => true, empty: true };

/** parseLabelSelector parses the string form; an error is a 400 like the apiserver's. */
export function parseLabelSelector(text: string | null | undefined): LabelSelector {
  if (!text || !text.trim()) return everything;
  const reqs: LabelRequirement[] = [];
  for (const term of splitTopLevel(text)) {
    const t = term.trim();
    if (!t) throw badRequest(`unable to parse requirement: found '', expected: identifier`);
    reqs.push(parseRequirement(t));
  }
  return {
    empty: false,
    matches(labels) {
      const l = labels ?? {};
      return reqs.every((r) => {
        const has = Object.prototype.hasOwnProperty.call(l, r.key);
        const v = l[r.key];
        switch (r.op) {
          case 'exists':
            return has;
          case '!':
            return !has;
          case '=':
            return has && v === r.value;
          case '!=':
            return !has || v !== r.value;
          case 'in':
            return has && r.values.includes(v!);
          case 'notin':
            return !has || !r.values.includes(v!);
          case 'gt':
            return has && Number.isInteger(Number(v)) && Number(v) > r.value;
          case 'lt':
            return has && Number.isInteger(Number(v)) && Number(v) < r.value;
        }
      });
    },
  };
}

/** splitTopLevel splits on commas that are not inside `( … )`. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const keyPattern = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): string {
  if (!keyPattern.test(key)) {
    throw badRequest(`unable to parse requirement: values[0][${key}]: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`);
  }
  return key;
}

function checkValue(value: string): string {
  if (!valuePattern.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: values[0][${value}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`);
  }
  return value;
}

function parseRequirement(t: string): LabelRequirement {
  if (t.startsWith('!')) return { op: '!', key: checkKey(t.slice(1).trim()) };
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(t);
  if (set) {
    const values = set[3]!.split(',').map((v) => checkValue(v.trim()));
    return { op: set[2] as 'in' | 'notin', key: checkKey(set[1]!), values };
  }
  const m = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(t);
  if (m) {
    const key = checkKey(m[1]!);
    const value = m[3]!.trim();
    if (m[2] === '>' || m[2] === '<') {
      const n = Number(value);
      if (!Number.isInteger(n)) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
      return { op: m[2] === '>' ? 'gt' : 'lt', key, value: n };
    }
    return { op: m[2] === '!=' ? '!=' : '=', key, value: checkValue(value) };
  }
  return { op: 'exists', key: checkKey(t) };
}

/** FieldTerm is one `field=value` or `field!=value` term of a field selector. */
export interface FieldTerm {
  field: string;
  value: string;
  negate: boolean;
}

/** FieldSelector matches an object by the fields its resource exposes. */
export interface FieldSelector {
  terms: FieldTerm[];
  matches(obj: KObject): boolean;
  /** exactName is the name a `metadata.name=` term pins (single-object watches use it). */
  exactName?: string;
}

/** parseFieldSelector parses and checks the terms against the resource's supported field labels. */
export function parseFieldSelector(text: string | null | undefined, resource: string, group: string): FieldSelector {
  const terms: FieldTerm[] = [];
  if (text && text.trim()) {
    for (const raw of splitUnescaped(text)) {
      const t = raw.trim();
      if (!t) continue;
      const m = /^(.*?)(!=|==|=)(.*)$/s.exec(t);
      if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${t}'`);
      const field = m[1]!.trim();
      const value = unescape(m[3]!.trim());
      terms.push({ field, value, negate: m[2] === '!=' });
    }
  }
  const fields = supportedFields(resource, group);
  for (const t of terms) {
    if (!fields.has(t.field)) throw badRequest(`field label not supported: ${t.field}`);
  }
  const exact = terms.find((t) => t.field === 'metadata.name' && !t.negate);
  return {
    terms,
    exactName: exact?.value,
    matches(obj) {
      return terms.every((t) => {
        const v = fieldValue(obj, t.field, resource);
        return t.negate ? v !== t.value : v === t.value;
      });
    },
  };
}

function splitUnescaped(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      cur += ch + text[i + 1];
      i++;
    } else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function unescape(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

const commonFields = ['metadata.name', 'metadata.namespace'];

/** supportedFieldsByResource lists the extra field labels each registry accepts (pkg/registry/<group>/<resource>/strategy.go GetAttrs). */
const supportedFieldsByResource: Record<string, string[]> = {
  '/pods': [
    'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork',
    'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName',
  ],
  '/events': [
    'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
    'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath',
    'reason', 'reportingComponent', 'source', 'type',
  ],
  'events.k8s.io/events': [
    'regarding.kind', 'regarding.namespace', 'regarding.name', 'regarding.uid', 'regarding.apiVersion',
    'regarding.resourceVersion', 'regarding.fieldPath', 'reason', 'reportingController', 'type',
  ],
  '/nodes': ['spec.unschedulable'],
  '/namespaces': ['status.phase'],
  '/secrets': ['type'],
  '/replicationcontrollers': ['status.replicas'],
  'apps/replicasets': ['status.replicas'],
  'batch/jobs': ['status.successful'],
  'certificates.k8s.io/certificatesigningrequests': ['spec.signerName'],
};

function supportedFields(resource: string, group: string): Set<string> {
  return new Set([...commonFields, ...(supportedFieldsByResource[`${group}/${resource}`] ?? [])]);
}

/** fieldValue reads a field label from an object the way the registries' field sets do. */
function fieldValue(obj: KObject, field: string, resource: string): string {
  const o = obj as Record<string, any>;
  switch (field) {
    case 'metadata.name':
      return obj.metadata.name ?? '';
    case 'metadata.namespace':
      return obj.metadata.namespace ?? '';
    case 'source':
      return o.source?.component ?? o.reportingController ?? '';
    case 'reportingComponent':
      return o.reportingComponent ?? '';
    case 'spec.unschedulable':
      return String(Boolean(o.spec?.unschedulable));
    case 'spec.hostNetwork':
      return String(Boolean(o.spec?.hostNetwork));
    case 'status.podIPs':
      return o.status?.podIPs?.[0]?.ip ?? '';
    case 'status.replicas':
    case 'status.successful':
      return String(o.status?.[field.slice(7)] ?? 0);
  }
  if (resource === 'events' && field.startsWith('regarding.') && o.involvedObject) {
    return String(o.involvedObject[field.slice('regarding.'.length)] ?? '');
  }
  let cur: any = o;
  for (const part of field.split('.')) cur = cur?.[part];
  return cur === undefined || cur === null ? '' : String(cur);
}
