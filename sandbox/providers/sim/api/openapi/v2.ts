/**
 * v2 serves `/openapi/v2`, the Swagger 2.0 document of the whole API.
 * kubectl 1.27 and 1.28 need it for every `-f` command and for `explain`
 * (they fetch it before anything else and fail with `the server could not
 * find the requested resource` without it), and they accept only gnostic's
 * protobuf encoding (`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`,
 * decoded into openapi_v2.Document and read by kube-openapi pkg/util/proto).
 * The document is converted from the v3 components and paths, so both
 * versions always describe the same schemas; plain JSON is served to other clients.
 */
import { createHash } from 'node:crypto';
import protobuf from 'protobufjs';
import { stringify } from 'yaml';
import { servedGroups } from '../resources.ts';
import descriptorJson from './openapi-v2-descriptor.json' with { type: 'json' };
import { groupVersionApi, infoVersion } from './index.ts';
import { INT_OR_STRING, QUANTITY, componentSchemas, referencedComponents, type Schema } from './schemas.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Swagger and gnostic objects are loosely typed JSON */
type Json = any;

/**
 * openapiV2ProtobufType is the Content-Type of the protobuf answer. Clients ask
 * with `…spec.v2@v1.0+protobuf`, but Go's mime parser rejects the `@`, so the
 * reply (like kube-openapi's handler) spells it `…spec.v2.v1.0+protobuf`.
 */
export const openapiV2ProtobufType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const { source: _source, ...descriptorRoot } = descriptorJson as { source: string } & protobuf.INamespace;
const documentType = protobuf.Root.fromJSON(descriptorRoot).lookupType('openapi.v2.Document');

function v2Ref(ref: string): string {
  return ref.replace('#/components/schemas/', '#/definitions/');
}

/** toV2Schema rewrites a v3 schema the way the v2 document spells it: `$ref` with sibling description, no oneOf. */
function toV2Schema(s: Schema, name?: string): Json {
  if (name === INT_OR_STRING) return { description: s.description, type: 'string', format: 'int-or-string' };
  if (name === QUANTITY) return { description: s.description, type: 'string' };
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    switch (k) {
      case '$ref':
        out.$ref = v2Ref(v as string);
        break;
      case 'allOf': {
        const [only] = v as Schema[];
        if (only?.$ref) out.$ref = v2Ref(only.$ref);
        else out.allOf = (v as Schema[]).map((x) => toV2Schema(x));
        break;
      }
      case 'default':
        if (!s.allOf) out.default = v;
        break;
      case 'properties':
        out.properties = Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([p, x]) => [p, toV2Schema(x)]));
        break;
      case 'items':
      case 'additionalProperties':
        out[k] = toV2Schema(v as Schema);
        break;
      case 'oneOf':
        break;
      default:
        out[k] = v;
    }
  }
  return out;
}

function toV2Operation(op: Json): Json {
  const parameters: Json[] = (op.parameters ?? []).map((p: Json) => ({ description: p.description, in: p.in, name: p.name, ...(p.required ? { required: true } : {}), type: p.schema?.type, uniqueItems: true }));
  let consumes: string[] | undefined;
  if (op.requestBody) {
    const content = op.requestBody.content as Record<string, { schema: Schema }>;
    consumes = Object.keys(content);
    const schema = Object.values(content)[0]!.schema;
    parameters.unshift({ in: 'body', name: 'body', required: true, schema: toV2Schema(schema) });
  }
  const responses: Json = {};
  for (const [code, r] of Object.entries<Json>(op.responses ?? {})) {
    const schema = r.content ? (Object.values(r.content)[0] as { schema: Schema }).schema : undefined;
    responses[code] = { description: r.description, ...(schema ? { schema: toV2Schema(schema) } : {}) };
  }
  return {
    consumes: consumes ?? ['*/*'],
    description: op.description,
    operationId: op.operationId,
    parameters,
    produces: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
    responses,
    schemes: ['https'],
    tags: op.tags,
    'x-kubernetes-action': op['x-kubernetes-action'],
    'x-kubernetes-group-version-kind': op['x-kubernetes-group-version-kind'],
  };
}

/** swaggerDocument is the whole API as Swagger 2.0 JSON. */
function swaggerDocument(): Json {
  const paths: Json = {};
  const roots = new Set<string>();
  for (const g of servedGroups()) {
    for (const v of g.versions) {
      const api = groupVersionApi(g.group, v);
      for (const r of api.roots) roots.add(r);
      for (const [path, item] of Object.entries<Json>(api.paths)) {
        const out: Json = {};
        for (const [method, op] of Object.entries<Json>(item)) {
          if (method === 'parameters') out.parameters = op.map((p: Json) => ({ description: p.description, in: p.in, name: p.name, ...(p.required ? { required: true } : {}), type: p.schema?.type, uniqueItems: true }));
          else out[method] = toV2Operation(op);
        }
        paths[path] = out;
      }
    }
  }
  const all = componentSchemas();
  const definitions: Json = {};
  for (const name of [...referencedComponents(roots)].sort()) definitions[name] = toV2Schema(all.get(name)!, name);
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: infoVersion },
    paths,
    definitions,
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    security: [{ BearerToken: [] }],
  };
}

/** vendorExtensions turns `x-…` members into gnostic NamedAny values (YAML text, as gnostic stores them). */
function vendorExtensions(o: Json): Json[] | undefined {
  const ext = Object.entries(o).filter(([k, v]) => k.startsWith('x-') && v !== undefined);
  return ext.length ? ext.map(([name, value]) => ({ name, value: { yaml: stringify(value) } })) : undefined;
}

function gnosticSchema(s: Json): Json {
  const out: Json = {};
  if (s.$ref) out._ref = s.$ref;
  if (s.format) out.format = s.format;
  if (s.description) out.description = s.description;
  if (s.default !== undefined) out.default = { yaml: stringify(s.default) };
  if (s.required) out.required = s.required;
  if (s.type) out.type = { value: [s.type] };
  if (s.items) out.items = { schema: [gnosticSchema(s.items)] };
  if (s.additionalProperties) out.additional_properties = { schema: gnosticSchema(s.additionalProperties) };
  if (s.allOf) out.all_of = s.allOf.map(gnosticSchema);
  if (s.properties) out.properties = { additional_properties: Object.entries<Json>(s.properties).map(([name, value]) => ({ name, value: gnosticSchema(value) })) };
  const ext = vendorExtensions(s);
  if (ext) out.vendor_extension = ext;
  return out;
}

function gnosticParameter(p: Json): Json {
  if (p.in === 'body') return { parameter: { body_parameter: { name: p.name, in: 'body', required: !!p.required, schema: gnosticSchema(p.schema) } } };
  const sub = { required: !!p.required, in: p.in, description: p.description, name: p.name, type: p.type, unique_items: !!p.uniqueItems };
  return { parameter: { non_body_parameter: p.in === 'path' ? { path_parameter_sub_schema: sub } : { query_parameter_sub_schema: sub } } };
}

function gnosticOperation(op: Json): Json {
  return {
    tags: op.tags,
    description: op.description,
    operation_id: op.operationId,
    produces: op.produces,
    consumes: op.consumes,
    parameters: op.parameters.map(gnosticParameter),
    responses: {
      response_code: Object.entries<Json>(op.responses).map(([name, r]) => ({ name, value: { response: { description: r.description, ...(r.schema ? { schema: { schema: gnosticSchema(r.schema) } } : {}) } } })),
    },
    schemes: op.schemes,
    vendor_extension: vendorExtensions(op),
  };
}

/** gnosticDocument converts Swagger JSON into an openapi.v2.Document message object. */
function gnosticDocument(doc: Json): Json {
  return {
    swagger: doc.swagger,
    info: doc.info,
    paths: {
      path: Object.entries<Json>(doc.paths).map(([name, item]) => {
        const value: Json = {};
        for (const [method, op] of Object.entries<Json>(item)) value[method] = method === 'parameters' ? op.map(gnosticParameter) : gnosticOperation(op);
        return { name, value };
      }),
    },
    definitions: { additional_properties: Object.entries<Json>(doc.definitions).map(([name, value]) => ({ name, value: gnosticSchema(value) })) },
  };
}

interface Rendered {
  json: string;
  protobuf: Uint8Array;
  etag: string;
}

let rendered: Rendered | undefined;

function render(): Rendered {
  if (rendered) return rendered;
  const doc = swaggerDocument();
  const json = JSON.stringify(doc);
  const message = documentType.fromObject(gnosticDocument(doc));
  const bytes = documentType.encode(message).finish();
  rendered = { json, protobuf: bytes, etag: `"${createHash('sha512').update(json).digest('hex').toUpperCase()}"` };
  return rendered;
}

/** OpenAPIV2Response is what the server writes for `/openapi/v2`. */
export interface OpenAPIV2Response {
  status: number;
  contentType: string;
  body: string | Uint8Array;
  etag: string;
}

/**
 * openapiV2 answers `GET /openapi/v2`: gnostic protobuf when the Accept
 * header asks for it (kubectl ≤1.28 always does), JSON otherwise.
 */
export function openapiV2(accept: string | undefined): OpenAPIV2Response {
  const r = render();
  const wantsProtobuf = /application\/com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/.test(accept ?? '');
  return wantsProtobuf
    ? { status: 200, contentType: openapiV2ProtobufType, body: r.protobuf, etag: r.etag }
    : { status: 200, contentType: 'application/json', body: r.json, etag: r.etag };
}
