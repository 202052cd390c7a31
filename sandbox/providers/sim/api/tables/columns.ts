/**
 * columns defines Table columns the way printers.go's AddHandlers does:
 * name, type, format ("name" for the NAME column, which kubectl prefixes
 * with `pod/` when several kinds print together), description and priority
 * (1 = shown only with `-o wide`).
 */
import { fieldDescription } from '../openapi/docs.ts';

/** TableColumnDefinition is meta/v1 TableColumnDefinition; every field is always present in real output. */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** column builds a definition; `doc` is `[model, field]` to reuse the upstream field description. */
export function column(name: string, type: string, description: string | [model: string, field: string], opts: { priority?: number; format?: string } = {}): TableColumnDefinition {
  const text = typeof description === 'string' ? description : fieldDescription(description[0], description[1]);
  return { name, type, format: opts.format ?? '', description: text, priority: opts.priority ?? 0 };
}

/** wide marks a column as `-o wide` only. */
export function wide(name: string, type: string, description: string | [string, string]): TableColumnDefinition {
  return column(name, type, description, { priority: 1 });
}

/** nameColumn is the NAME column every printer starts with. */
export const nameColumn = column('Name', 'string', ['V1ObjectMeta', 'name'], { format: 'name' });
/** ageColumn is the AGE column (creationTimestamp through translateTimestampSince). */
export const ageColumn = column('Age', 'string', ['V1ObjectMeta', 'creationTimestamp']);
/** createdAtColumn is the `Created At` date column of the default table convertor and the RBAC role printers. */
export const createdAtColumn = column('Created At', 'date', ['V1ObjectMeta', 'creationTimestamp']);
export const containersColumn = wide('Containers', 'string', 'Names of each container in the template.');
export const imagesColumn = wide('Images', 'string', 'Images referenced by each container in the template.');
