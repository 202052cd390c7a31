/**
 * docs looks up the upstream descriptions of API types and fields and the
 * required fields (models.json, extracted from @kubernetes/client-node's and
 * kubernetes-models' declarations by extract-models.ts). OpenAPI documents
 * and Table column definitions use them so `kubectl explain` and `-o json`
 * Tables read like a real server's.
 */
import { modelAttributes, modelEntry, referencedModels } from './models.ts';

/** typeDescription is a model's own description (`Pod is a collection of containers…`). */
export function typeDescription(model: string): string | undefined {
  return modelEntry(model)?.d;
}

/**
 * fieldDescription is the description of one field of a model, as the real
 * OpenAPI has it. The few fields newer than the description sources (client-node
 * 1.4 models a 1.34 API) fall back to their type's description.
 */
export function fieldDescription(model: string, field: string): string {
  const own = modelEntry(model)?.f?.[field];
  if (own) return own;
  const attr = modelAttributes(model)?.find((a) => a.baseName === field);
  const ref = attr ? referencedModels(attr.type)[0] : undefined;
  return (ref && typeDescription(ref)) || '';
}

/** requiredFields lists the fields the upstream schema marks required. */
export function requiredFields(model: string): readonly string[] {
  return modelEntry(model)?.r ?? [];
}
