/**
 * docs looks up the upstream descriptions of API types and fields
 * (descriptions.json, extracted from @kubernetes/client-node's model
 * declarations by extract-descriptions.ts). OpenAPI documents and Table
 * column definitions use them so `kubectl explain` and `-o json` Tables read
 * like a real server's.
 */
import descriptions from './descriptions.json' with { type: 'json' };
import { modelAttributes, referencedModels, shortName } from './models.ts';
import { refDescriptions, standardDescription } from './ref-descriptions.ts';

interface ModelDoc {
  d?: string;
  f?: Record<string, string>;
  r?: string[];
}

const docs = descriptions as Record<string, ModelDoc>;

/** typeDescription is a model's own description (`Pod is a collection of containers…`). */
export function typeDescription(model: string): string | undefined {
  return docs[model]?.d;
}

/**
 * fieldDescription is the description of one field of a model, as the real
 * OpenAPI has it. Model-typed fields lost theirs in client-node; they get the
 * upstream text from ref-descriptions.ts, else the referenced type's description.
 */
export function fieldDescription(model: string, field: string): string {
  const own = docs[model]?.f?.[field] ?? refDescriptions[`${model}.${field}`];
  if (own) return own;
  const attr = modelAttributes(model)?.find((a) => a.baseName === field);
  if (!attr) return '';
  const ref = referencedModels(attr.type)[0];
  if (!ref) return '';
  return standardDescription(model, field, shortName(model)) ?? typeDescription(ref) ?? '';
}

/** requiredFields lists the fields the upstream schema marks required. */
export function requiredFields(model: string): readonly string[] {
  return docs[model]?.r ?? [];
}
