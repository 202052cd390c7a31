/**
 * StatusError is an API error the simulated kube-apiserver returns as a
 * metav1.Status body. Shapes and wording follow the real server (see
 * shared/research/kubectl-wire-protocol.md §7 and apimachinery
 * pkg/api/errors/errors.go); kubectl builds its messages from these fields,
 * so they must match exactly.
 */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
  }

  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) body.details = this.details;
    return body;
  }
}

/** GroupResource names a resource the way error messages do: `persistentvolumeclaims` or `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function details(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = { name, kind: gr.resource };
  if (gr.group) d.group = gr.group;
  return d;
}

/** notFound: `persistentvolumeclaims "x" not found` (404). */
export function notFound(gr: GroupResource, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, details(gr, name));
}

/** alreadyExists: `configmaps "x" already exists` (409). */
export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, details(gr, name));
}

/** conflict: the optimistic-concurrency failure (409). */
export function conflict(gr: GroupResource, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): StatusError {
  return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, details(gr, name));
}

/** FieldError is one validation failure; `type` picks the cause reason and the message prefix. */
export interface FieldError {
  type: 'Required' | 'Invalid' | 'NotSupported' | 'Forbidden' | 'Duplicate' | 'TooLong' | 'TooMany' | 'NotFound';
  field: string;
  /** value is the offending value (quoted in the message for Invalid/NotSupported/Duplicate/NotFound). */
  value?: unknown;
  /**
   * rendered, when set, is the value exactly as the Go server prints it and wins over `value`:
   * kube-apiserver 1.33 prints maps and structs with `%#v`, e.g. `map[string]string{"app":"x"}`.
   */
  rendered?: string;
  detail?: string;
  /** supported lists the allowed values for NotSupported. */
  supported?: string[];
}

const causeReason: Record<FieldError['type'], string> = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  Duplicate: 'FieldValueDuplicate',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  NotFound: 'FieldValueNotFound',
};

/** formatValue renders a value like apimachinery field.Error does (strings quoted, numbers bare, objects as JSON). */
function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** fieldErrorMessage is the cause message without the field path, e.g. `Required value` or `Invalid value: "X": detail`. */
export function fieldErrorMessage(e: FieldError): string {
  switch (e.type) {
    case 'Required':
      return e.detail ? `Required value: ${e.detail}` : 'Required value';
    case 'Forbidden':
      return e.detail ? `Forbidden: ${e.detail}` : 'Forbidden';
    case 'Invalid':
      return `Invalid value: ${e.rendered ?? formatValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'NotSupported': {
      const list = (e.supported ?? []).map((s) => JSON.stringify(s)).join(', ');
      return `Unsupported value: ${e.rendered ?? formatValue(e.value)}${list ? `: supported values: ${list}` : ''}`;
    }
    case 'Duplicate':
      return `Duplicate value: ${e.rendered ?? formatValue(e.value)}`;
    case 'NotFound':
      return `Not found: ${e.rendered ?? formatValue(e.value)}`;
    case 'TooLong':
      return e.detail ? `Too long: ${e.detail}` : 'Too long';
    case 'TooMany':
      return e.detail ? `Too many: ${e.detail}` : 'Too many';
  }
}

/**
 * invalid is the 422 a failed validation returns:
 * `PersistentVolumeClaim "x" is invalid: spec.resources[storage]: Required value`,
 * several errors joined as `[a, b]` like apimachinery's NewInvalid.
 */
export function invalid(kind: string, name: string, errors: FieldError[], group = ''): StatusError {
  const causes = errors.map((e) => ({ reason: causeReason[e.type], message: fieldErrorMessage(e), field: e.field }));
  // ErrorList.ToAggregate drops repeated messages from the summary (the causes keep them all).
  const parts = [...new Set(causes.map((c) => `${c.field}: ${c.message}`))];
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const d: StatusDetails = { name, kind, causes };
  if (group) d.group = group;
  return new StatusError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${joined}`, d);
}

/** badRequest: 400 with a free-form message. */
export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

/** forbidden: 403, e.g. creating in a namespace being terminated. */
export function forbidden(gr: GroupResource, name: string, why: string): StatusError {
  const what = name ? `${qualified(gr)} "${name}"` : qualified(gr);
  return new StatusError(403, 'Forbidden', `${what} is forbidden: ${why}`, details(gr, name));
}

/** methodNotSupported: 405 for a verb the resource does not serve. */
export function methodNotSupported(gr: GroupResource, verb: string): StatusError {
  return new StatusError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualified(gr)}"`, { kind: gr.resource, group: gr.group || undefined });
}

/** unauthorized: 401; kubectl prints `error: You must be logged in to the server (Unauthorized)`. */
export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

/** gone: 410 for a watch from a resourceVersion older than the kept history. */
export function gone(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

/** pageNotFound: 404 for a path the server doesn't serve (no resource type). */
export function pageNotFound(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource');
}
