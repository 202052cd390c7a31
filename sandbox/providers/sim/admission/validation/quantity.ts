/**
 * quantity parses Kubernetes resource quantities (`1Gi`, `500M`, `250m`, `1e3`)
 * into numbers, enough to compare sizes the way resource.Quantity.Cmp does
 * (apimachinery pkg/api/resource). Returns undefined for text that is not a
 * quantity.
 */
const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const quantityRe = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

export function parseQuantity(text: string): number | undefined {
  const m = quantityRe.exec(String(text).trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in binary) return n * binary[suffix];
  if (suffix in decimal) return n * decimal[suffix];
  return n * 10 ** Number(suffix.slice(1));
}

/** compareQuantity: -1, 0 or 1 like Quantity.Cmp, or undefined when either side doesn't parse. */
export function compareQuantity(a: string, b: string): number | undefined {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (x === undefined || y === undefined) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}

const decimalSuffixes: [number, string][] = [
  [18, 'E'], [15, 'P'], [12, 'T'], [9, 'G'], [6, 'M'], [3, 'k'], [0, ''], [-3, 'm'], [-6, 'u'], [-9, 'n'],
];
const binarySuffixes: [bigint, string][] = [
  [1n << 60n, 'Ei'], [1n << 50n, 'Pi'], [1n << 40n, 'Ti'], [1n << 30n, 'Gi'], [1n << 20n, 'Mi'], [1n << 10n, 'Ki'],
];

/**
 * canonicalQuantity prints a quantity the way resource.Quantity.String does for the common cases: binary
 * quantities keep the largest exact binary suffix (1024Mi → 1Gi), decimal ones the largest exact SI
 * suffix (0.1 → 100m, 2000 → 2k). Unparsable text is returned unchanged.
 */
export function canonicalQuantity(text: string): string {
  const m = quantityRe.exec(String(text).trim());
  if (!m) return text;
  const suffix = m[2] ?? '';
  const nanos = toNanos(m[1], suffix);
  if (nanos === undefined) return text;
  const neg = nanos < 0n;
  const abs = neg ? -nanos : nanos;
  const sign = neg ? '-' : '';
  if (suffix in binary && abs % 1_000_000_000n === 0n) {
    const whole = abs / 1_000_000_000n;
    if (whole >= 1024n) for (const [size, s] of binarySuffixes) if (whole % size === 0n) return `${sign}${whole / size}${s}`;
  }
  if (abs === 0n) return '0';
  for (const [exp, s] of decimalSuffixes) {
    const unit = 10n ** BigInt(exp + 9);
    if (abs % unit === 0n) return `${sign}${abs / unit}${s}`;
  }
  return text;
}

/** toNanos converts mantissa+suffix to an exact count of 1e-9 units (undefined when not exact). */
function toNanos(mantissa: string, suffix: string): bigint | undefined {
  const [intPart, fracPart = ''] = mantissa.replace(/^\+/, '').split('.');
  const digits = BigInt((intPart || '0').replace('-', '') + fracPart || '0');
  const negative = mantissa.startsWith('-');
  let value = digits * 1_000_000_000n; // scaled by 10^fracLen
  const fracLen = fracPart.length;
  if (suffix in binary) value *= BigInt(binary[suffix]);
  else {
    const exp = suffix in decimal ? Math.round(Math.log10(decimal[suffix])) : Number(suffix.slice(1));
    if (exp >= 0) value *= 10n ** BigInt(exp);
    else {
      const div = 10n ** BigInt(-exp);
      if (value % div !== 0n) return undefined;
      value /= div;
    }
  }
  const scale = 10n ** BigInt(fracLen);
  if (value % scale !== 0n) return undefined;
  value /= scale;
  return negative ? -value : value;
}
