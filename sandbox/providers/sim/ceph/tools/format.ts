/**
 * Output helpers shared by the simulated `ceph` and `rbd` commands: Ceph's
 * byte units (`1 GiB`, `449 KiB`, `9.5 GiB` — src/include/types.h byte_u_t),
 * its ages (`42m`, `3h`, `2d` as `ceph -s` prints them), the C `ctime()`
 * timestamps `rbd info` shows, and TextTable (src/common/TextTable.h) column
 * layout: two spaces between columns, each column left or right aligned.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** formatBytes is byte_u_t: the largest binary unit with a value ≥ 1; whole numbers stay whole, small fractions keep one decimal. */
export function formatBytes(n: number): string {
  let index = 0;
  let value = n;
  while (value >= 1024 && index < UNITS.length - 1) {
    value /= 1024;
    index++;
  }
  if (index === 0 || Number.isInteger(value)) return `${value} ${UNITS[index]}`;
  const text = value < 10 ? value.toFixed(1) : String(Math.round(value));
  return `${text.replace(/\.0$/, '')} ${UNITS[index]}`;
}

/** formatAge is the compact age `ceph -s` shows after `age`/`since`: the largest unit that fits, one unit only. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 14) return `${d}d`;
  return `${Math.floor(d / 7)}w`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** formatCtime is ctime(3) without its newline, in UTC (the lab's clock zone): `Wed Nov 25 20:05:11 2026`. */
export function formatCtime(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** formatCephTime is Ceph's utime_t in the mon map: `2026-11-25T19:20:11.123456+0000`. */
export function formatCephTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000+0000');
}

export type Align = 'left' | 'right';

/**
 * TableColumn is TextTable::define_column(heading, hd_align, col_align): the
 * heading and the cells can align differently (rbd's SIZE heading is left,
 * its sizes right); headerAlign defaults to align.
 */
export interface TableColumn {
  name: string;
  align: Align;
  headerAlign?: Align;
}

/** formatTable lays out rows as TextTable does: header, then rows, columns two spaces apart, no trailing spaces. */
export function formatTable(headers: TableColumn[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.name.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (c: string, i: number, align: Align) => (align === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!));
  const line = (cells: string[], header: boolean) =>
    headers
      .map((h, i) => pad(cells[i] ?? '', i, header ? (h.headerAlign ?? h.align) : h.align))
      .join('  ')
      .replace(/\s+$/, '');
  return [line(headers.map((h) => h.name), true), ...rows.map((r) => line(r, false))].map((l) => l + '\n').join('');
}
