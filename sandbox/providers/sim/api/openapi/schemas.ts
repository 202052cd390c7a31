/**
 * schemas builds the OpenAPI v3 component schemas of every served kind the
 * way kube-apiserver publishes them (`io.k8s.api.core.v1.Pod`, properties in
 * upstream v3 style: model references wrapped in `allOf` next to their
 * description, `x-kubernetes-group-version-kind` on kinds, patch tags on
 * lists), from client-node's model metadata (models.ts), the upstream
 * descriptions (docs.ts) and patch tags (patch-meta.ts).
 */
import { fieldDescription, requiredFields, typeDescription } from './docs.ts';
import { modelAttributes, modelEntry, modelForKind, rootModels, schemaNames, type ModelAttribute } from './models.ts';
import { patchMetaTable, quantityFields } from './patch-meta.ts';

/** Schema is an OpenAPI v3 schema object (the subset the server emits). */
export interface Schema {
  description?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  items?: Schema;
  required?: string[];
  allOf?: Schema[];
  $ref?: string;
  default?: unknown;
  'x-kubernetes-group-version-kind'?: { group: string; kind: string; version: string }[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-unions'?: unknown[];
  oneOf?: Schema[];
  enum?: string[];
}

export const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
export const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const FIELDS_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1';
export const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
export const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';

/** scalarComponents are the apimachinery types with custom JSON forms, as upstream publishes them. */
const scalarComponents: Record<string, Schema> = {
  [TIME]: {
    description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.',
    type: 'string',
    format: 'date-time',
  },
  [MICRO_TIME]: { description: 'MicroTime is version of Time with microsecond level precision.', type: 'string', format: 'date-time' },
  [INT_OR_STRING]: {
    description: 'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
    format: 'int-or-string',
    // OpenAPIV3OneOfTypes: no single `type`, so `kubectl explain` prints `<IntOrString>` like a real server.
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  [QUANTITY]: {
    description:
      "Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.\n\nThe serialization format is:\n\n``` <quantity>        ::= <signedNumber><suffix>\n\n\t(Note that <suffix> may be empty, from the \"\" case in <decimalSI>.)\n\n<digit>           ::= 0 | 1 | ... | 9 <digits>          ::= <digit> | <digit><digits> <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits> <sign>            ::= \"+\" | \"-\" <signedNumber>    ::= <number> | <sign><number> <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI> <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei\n\n\t(International System of units; See: http://physics.nist.gov/cuu/Units/binary.html)\n\n<decimalSI>       ::= m | \"\" | k | M | G | T | P | E\n\n\t(Note that 1024 = 1Ki but 1000 = 1k; I didn't choose the capitalization.)\n\n<decimalExponent> ::= \"e\" <signedNumber> | \"E\" <signedNumber> ```\n\nNo matter which of the three exponent forms is used, no quantity may represent a number greater than 2^63-1 in magnitude, nor may it have more than 3 decimal places. Numbers larger or more precise will be capped or rounded up. (E.g.: 0.1m will rounded up to 1m.) This may be extended in the future if we require larger or smaller quantities.\n\nWhen a Quantity is parsed from a string, it will remember the type of suffix it had, and will use the same type again when it is serialized.\n\nBefore serializing, Quantity will be put in \"canonical form\". This means that Exponent/suffix will be adjusted up or down (with a corresponding increase or decrease in Mantissa) such that:\n\n- No precision is lost - No fractional digits will be emitted - The exponent (or suffix) is as large as possible.\n\nThe sign will be omitted unless the number is negative.\n\nExamples:\n\n- 1.5 will be serialized as \"1500m\" - 1.5Gi will be serialized as \"1536Mi\"\n\nNote that the quantity will NEVER be internally represented by a floating point number. That is the whole point of this exercise.\n\nNon-canonical values will still parse as long as they are well formed, but will be re-emitted in their canonical form. (So always use canonical form, or don't diff.)\n\nThis format is intended to make it difficult to use these numbers without writing some sort of special handling code in the hopes that that will cause implementors to also use a fixed point implementation.",
    // Quantity.OpenAPIV3OneOfTypes: `kubectl explain` prints `<map[string]Quantity>`.
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  [FIELDS_V1]: {
    description: "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.\n\nEach key is either a '.' representing the field itself, and will always map to an empty set, or a string representing a sub-field or item. The string will follow one of these four formats: 'f:<name>', where <name> is the name of a field in a struct, or key in a map 'v:<value>', where <value> is the exact json formatted value of a list item 'i:<index>', where <index> is position of a item in a list 'k:<keys>', where <keys> is a map of  a list item's key fields to their unique values If a key maps to an empty Fields value, the field that key represents is part of the set.\n\nThe exact format is defined in sigs.k8s.io/structured-merge-diff",
    type: 'object',
  },
  [RAW_EXTENSION]: {
    description: 'RawExtension is used to hold extensions in external versions.\n\nTo use this, make a field which has RawExtension as its type in your external version struct, and Object in your internal struct. You also need to register your various plugin types.',
    type: 'object',
  },
  [PATCH]: { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.', type: 'object' },
};

function ref(name: string): Schema {
  return { $ref: `#/components/schemas/${name}` };
}

/** valueSchema maps a client-node type string to a schema (no description). */
function valueSchema(model: string, attr: ModelAttribute, type: string): Schema {
  const names = schemaNames();
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    const items = valueSchema(model, attr, array[1]!);
    return { type: 'array', items: items.$ref ? { allOf: [items], default: {} } : items };
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    const inner = quantityFields.has(`${model}.${attr.baseName}`) ? ref(QUANTITY) : valueSchema(model, attr, map[1]!);
    return { type: 'object', additionalProperties: inner.$ref ? { allOf: [inner], default: {} } : inner };
  }
  switch (type) {
    case 'string':
      if (quantityFields.has(`${model}.${attr.baseName}`)) return ref(QUANTITY);
      return attr.format === 'byte' ? { type: 'string', format: 'byte' } : { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return attr.format === 'double' || attr.format === 'float' ? { type: 'number', format: 'double' } : { type: 'integer', format: attr.format || 'int32' };
    case 'Date':
      return ref(TIME);
    case 'V1MicroTime':
      return ref(MICRO_TIME);
    case 'IntOrString':
      return ref(INT_OR_STRING);
    case 'any':
      if (attr.baseName === 'fieldsV1') return ref(FIELDS_V1);
      return ref(RAW_EXTENSION);
  }
  const target = names.get(type);
  return target ? ref(target) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
}

function propertySchema(model: string, attr: ModelAttribute): Schema {
  const value = valueSchema(model, attr, attr.type);
  const description = fieldDescription(model, attr.baseName) || undefined;
  let schema: Schema;
  if (value.$ref) {
    // OpenAPI 3.0 ignores siblings of $ref, so upstream wraps it in allOf to keep the description.
    schema = { allOf: [value] };
    if (description) schema.description = description;
    if (attr.baseName === 'metadata') schema.default = {};
  } else {
    schema = description ? { description, ...value } : value;
  }
  // Enum-typed strings list their values, which `kubectl explain` prints under ENUM.
  const values = modelEntry(model)?.e?.[attr.baseName];
  if (Array.isArray(values) && schema.type === 'string') schema.enum = values;
  else if (values && !Array.isArray(values) && schema.items?.type === 'string') schema.items = { ...schema.items, enum: values.items };
  const meta = patchMetaTable[model]?.[attr.baseName];
  if (meta) {
    if (meta.mapKeys) schema['x-kubernetes-list-map-keys'] = meta.mapKeys;
    if (meta.listType) schema['x-kubernetes-list-type'] = meta.listType;
    if (meta.mapType) schema['x-kubernetes-map-type'] = meta.mapType;
    if (meta.mergeKey) schema['x-kubernetes-patch-merge-key'] = meta.mergeKey;
    if (meta.strategy) schema['x-kubernetes-patch-strategy'] = meta.strategy;
  }
  return schema;
}

function modelSchema(model: string): Schema {
  const schema: Schema = {};
  const description = typeDescription(model);
  if (description) schema.description = description;
  schema.type = 'object';
  const required = requiredFields(model);
  if (required.length) schema.required = [...required];
  schema.properties = {};
  for (const attr of modelAttributes(model) ?? []) schema.properties[attr.baseName] = propertySchema(model, attr);
  const rt = rootModels().get(model);
  if (rt) schema['x-kubernetes-group-version-kind'] = [{ group: rt.group, kind: rt.kind, version: rt.version }];
  else {
    // List kinds carry their own GVK too.
    for (const root of rootModels().values()) {
      if (modelForKind(root.group, root.version, root.listKind) === model) {
        schema['x-kubernetes-group-version-kind'] = [{ group: root.group, kind: root.listKind, version: root.version }];
      }
    }
  }
  return schema;
}

let components: Map<string, Schema> | undefined;

/** componentSchemas is every component the server publishes, keyed by upstream name; built once (the API is static). */
export function componentSchemas(): ReadonlyMap<string, Schema> {
  if (components) return components;
  const out = new Map<string, Schema>();
  for (const [name, schema] of Object.entries(scalarComponents)) out.set(name, schema);
  for (const [model, name] of schemaNames()) out.set(name, modelSchema(model));
  components = out;
  return out;
}

/** schemaNameForKind is the component name of a served kind (`io.k8s.api.core.v1.Pod`). */
export function schemaNameForKind(group: string, version: string, kind: string): string | undefined {
  const model = modelForKind(group, version, kind);
  return model ? schemaNames().get(model) : undefined;
}

/** referencedComponents is the closure of component names reachable from `start`. */
export function referencedComponents(start: Iterable<string>): Set<string> {
  const all = componentSchemas();
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const text = JSON.stringify(all.get(name) ?? {});
    for (const m of text.matchAll(/#\/components\/schemas\/([^"]+)/g)) if (!seen.has(m[1]!)) stack.push(m[1]!);
  }
  return seen;
}
