/**
 * Result formats of the mysql client (client/mysql.cc):
 *
 * - formatBox: print_table_data — `+----+` borders, one space of padding,
 *   numbers right-aligned, NULL printed as `NULL`;
 * - formatTabs: print_tab_data, the batch format when output is not a
 *   terminal — a header line, then tab-separated values with tab, newline,
 *   backslash and NUL escaped (`\t`, `\n`, `\\`, `\0`);
 * - formatVertical: print_table_data_vertically, `\G` / `-E`.
 */
import type { ResultColumn } from './engine.ts';

type Cell = string | null;

function cellText(v: Cell): string {
  return v === null ? 'NULL' : v;
}

/** width is how many terminal cells a value takes (mysql counts characters, not bytes). */
function width(s: string): number {
  return [...s].length;
}

function pad(s: string, n: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, n - width(s)));
  return right ? fill + s : s + fill;
}

export function formatBox(columns: ResultColumn[], rows: Cell[][]): string {
  const widths = columns.map((c, i) => Math.max(width(c.name), c.nullable ? 4 : 0, ...rows.map((r) => width(cellText(r[i] ?? null)))));
  const border = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+\n';
  let out = border;
  out += '|' + columns.map((c, i) => ` ${pad(c.name, widths[i]!, false)} `).join('|') + '|\n';
  out += border;
  for (const r of rows) out += '|' + columns.map((c, i) => ` ${pad(cellText(r[i] ?? null), widths[i]!, c.numeric)} `).join('|') + '|\n';
  if (rows.length > 0) out += border;
  return out;
}

function escapeTab(v: Cell): string {
  if (v === null) return 'NULL';
  return v.replace(/[\\\t\n\0]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\0'));
}

export function formatTabs(columns: ResultColumn[], rows: Cell[][], header: boolean): string {
  let out = header ? columns.map((c) => c.name).join('\t') + '\n' : '';
  for (const r of rows) out += columns.map((_, i) => escapeTab(r[i] ?? null)).join('\t') + '\n';
  return out;
}

export function formatVertical(columns: ResultColumn[], rows: Cell[][]): string {
  const w = Math.max(...columns.map((c) => width(c.name)));
  let out = '';
  rows.forEach((r, n) => {
    out += `${'*'.repeat(27)} ${n + 1}. row ${'*'.repeat(27)}\n`;
    columns.forEach((c, i) => (out += `${pad(c.name, w, true)}: ${cellText(r[i] ?? null)}\n`));
  });
  return out;
}

/** rowsInSet is the summary line after a result in interactive mode. */
export function rowsInSet(n: number, seconds: string): string {
  if (n === 0) return `Empty set (${seconds} sec)`;
  return `${n} ${n === 1 ? 'row' : 'rows'} in set (${seconds} sec)`;
}

/** queryOk is the summary after a statement without a result set. */
export function queryOk(affected: number, warnings: number, seconds: string): string {
  const w = warnings ? `, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : '';
  return `Query OK, ${affected} ${affected === 1 ? 'row' : 'rows'} affected${w} (${seconds} sec)`;
}
