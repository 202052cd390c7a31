/**
 * tables turns objects into the meta.k8s.io/v1 Table that `kubectl get`
 * asks for (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), with the
 * columns and cells a real 1.33 apiserver prints (printers.ts, pod.ts).
 * `rows[].object` follows `includeObject`: `Metadata` (the default) gives a
 * PartialObjectMetadata, which kubectl needs for `-A` and `--show-labels`.
 */
import type { KObject } from '../../store/types.ts';
import { toStorage } from '../convert.ts';
import type { ResourceType } from '../resources.ts';
import type { TableColumnDefinition } from './columns.ts';
import type { Cell, RowCondition } from './printer.ts';
import { defaultPrinter, printers } from './printers.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  includeObject?: IncludeObject;
  now?: Date;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface TableRow {
  cells: Cell[];
  conditions?: RowCondition[];
  object: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** tableColumns is the column set a resource type prints with. */
export function tableColumns(rt: ResourceType): TableColumnDefinition[] {
  return (printers[`${rt.group}/${rt.kind}`] ?? defaultPrinter).columns;
}

function rowObject(obj: KObject, include: IncludeObject): unknown {
  if (include === 'None') return null;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** toTable renders objects (in the version `rt` serves) as a Table. */
export function toTable(rt: ResourceType, objects: KObject[], options: TableOptions = {}): Table {
  const printer = printers[`${rt.group}/${rt.kind}`] ?? defaultPrinter;
  const now = options.now ?? new Date();
  const include = options.includeObject ?? 'Metadata';
  const isNewEvent = rt.group === 'events.k8s.io' && rt.kind === 'Event';
  const rows = objects.map((obj): TableRow => {
    // events.k8s.io Events print from their core/v1 form, like the real (internal-type) printer.
    const printed = printer.row(isNewEvent ? toStorage(rt, obj) : obj, now);
    // Key order as the real server writes TableRow: cells, conditions, object.
    return printed.conditions
      ? { cells: printed.cells, conditions: printed.conditions, object: rowObject(obj, include) }
      : { cells: printed.cells, object: rowObject(obj, include) };
  });
  const metadata: Table['metadata'] = {};
  if (options.resourceVersion !== undefined) metadata.resourceVersion = options.resourceVersion;
  if (options.continue) metadata.continue = options.continue;
  if (options.remainingItemCount !== undefined) metadata.remainingItemCount = options.remainingItemCount;
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: printer.columns, rows };
}
