/** printer holds the shapes shared by the per-kind printers. */
import type { KObject } from '../../store/types.ts';
import type { TableColumnDefinition } from './columns.ts';

/** Cell is one Table cell as JSON: printers emit strings, integers and booleans. */
export type Cell = string | number | boolean | null;

/** RowCondition is meta/v1 TableRowCondition (pods mark Succeeded/Failed rows `Completed`). */
export interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface PrintedRow {
  cells: Cell[];
  conditions?: RowCondition[];
}

/** Printer is one kind's column set plus its row function; rows always carry the wide cells (the server prints wide). */
export interface Printer {
  columns: TableColumnDefinition[];
  row(obj: KObject, now: Date): PrintedRow;
}
