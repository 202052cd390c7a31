/**
 * format holds the cell formatting helpers of the real server-side printers
 * (kubernetes pkg/printers/internalversion/printers.go and the apimachinery
 * helpers it calls): ages, quantities, access modes, labels and selectors.
 */

/**
 * humanDuration is apimachinery pkg/util/duration.HumanDuration: `5s`,
 * `119s`, `3m20s`, `179m`, `5h3m`, `47h`, `2d3h`, `30d`, `2y10d`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** translateTimestampSince is printers.go's age cell: `<unknown>` for a missing timestamp. */
export function translateTimestampSince(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/** rfc3339 formats a timestamp the way Go's time.RFC3339 does in UTC (`2026-01-02T03:04:05Z`), for `Created At` cells. */
export function rfc3339(timestamp: unknown): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '0001-01-01T00:00:00Z';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const accessModeShort: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** accessModesAsString is core/helper GetAccessModesAsString: deduplicated, fixed order RWO,ROX,RWX,RWOP. */
export function accessModesAsString(modes: unknown): string {
  const list = Array.isArray(modes) ? modes : [];
  return accessModeShort.filter(([long]) => list.includes(long)).map(([, short]) => short).join(',');
}

const binarySuffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const decimalSuffixes: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const suffixExponent: Record<string, [base: 2 | 10, exp: number]> = {
  Ki: [2, 10], Mi: [2, 20], Gi: [2, 30], Ti: [2, 40], Pi: [2, 50], Ei: [2, 60],
  n: [10, -9], u: [10, -6], m: [10, -3], '': [10, 0], k: [10, 3], M: [10, 6], G: [10, 9], T: [10, 12], P: [10, 15], E: [10, 18],
};

/**
 * canonicalQuantity is resource.Quantity's String() of a parsed quantity:
 * `1024Mi` → `1Gi`, `1.5Gi` → `1536Mi`, `1.5G` → `1500M`, `0.5Ki` → `512`.
 * Values are kept exactly as BigInt nano-units; unparsable input is returned as is.
 */
export function canonicalQuantity(input: unknown): string {
  if (typeof input === 'number') input = String(input);
  if (typeof input !== 'string') return '0';
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/.exec(input.trim());
  if (!m) return input;
  const [, sign, num, suffix = ''] = m;
  const [intPart, frac = ''] = num!.split('.');
  let value = BigInt((intPart || '0') + frac) * 10n ** 9n; // nano units, scaled by 10^frac.length
  let divisor = 10n ** BigInt(frac.length);
  let format: 'BinarySI' | 'DecimalSI' | 'DecimalExponent' = 'DecimalSI';
  if (/^[eE]/.test(suffix)) {
    format = 'DecimalExponent';
    const e = Number(suffix.slice(1));
    if (e >= 0) value *= 10n ** BigInt(e);
    else divisor *= 10n ** BigInt(-e);
  } else {
    const [base, exp] = suffixExponent[suffix]!;
    if (base === 2) {
      format = 'BinarySI';
      value *= 2n ** BigInt(exp);
    } else if (exp >= 0) value *= 10n ** BigInt(exp);
    else divisor *= 10n ** BigInt(-exp);
  }
  // Quantities are precise to nano units; round up like inf.Dec RoundUp.
  let nanos = value / divisor + (value % divisor === 0n ? 0n : 1n);
  const negative = sign === '-' && nanos !== 0n;
  if (negative) nanos = -nanos;
  const abs = nanos < 0n ? -nanos : nanos;
  const unit = 10n ** 9n;
  if (format === 'BinarySI' && (abs < 1024n * unit || abs % unit !== 0n)) format = 'DecimalSI';
  const prefix = negative ? '-' : '';
  if (format === 'BinarySI') {
    let n = abs / unit;
    let i = 0;
    while (i < binarySuffixes.length - 1 && n % 1024n === 0n) {
      n /= 1024n;
      i++;
    }
    return `${prefix}${n}${binarySuffixes[i]}`;
  }
  if (abs === 0n) return '0';
  // Canonical decimal form: round up to milli, then the largest exponent (multiple of 3) with an integer mantissa.
  const milliDiv = 10n ** 6n;
  let mantissa = abs / milliDiv + (abs % milliDiv === 0n ? 0n : 1n);
  let exponent = -3;
  while (mantissa % 1000n === 0n && exponent < 18) {
    mantissa /= 1000n;
    exponent += 3;
  }
  if (format === 'DecimalExponent') return `${prefix}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  return `${prefix}${mantissa}${decimalSuffixes[exponent]}`;
}

/** formatLabels is labels.FormatLabels: sorted `k=v` joined by commas, `<none>` when empty. */
export function formatLabels(labels: unknown): string {
  const entries = labels && typeof labels === 'object' ? Object.entries(labels as Record<string, unknown>) : [];
  if (entries.length === 0) return '<none>';
  return entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

interface LabelSelectorRequirement {
  key?: string;
  operator?: string;
  values?: string[];
}

/** selectorString is labels.Selector.String() of metav1.LabelSelectorAsSelector: requirements sorted by key. */
export function selectorString(selector: unknown): string {
  if (!selector || typeof selector !== 'object') return '';
  const s = selector as { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirement[] };
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of s.matchExpressions ?? []) {
    const key = e.key ?? '';
    const values = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In':
        reqs.push({ key, text: `${key} in (${values})` });
        break;
      case 'NotIn':
        reqs.push({ key, text: `${key} notin (${values})` });
        break;
      case 'Exists':
        reqs.push({ key, text: key });
        break;
      case 'DoesNotExist':
        reqs.push({ key, text: `!${key}` });
        break;
    }
  }
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}

/** formatLabelSelector is metav1.FormatLabelSelector: the selector string, `<none>` when it selects everything or is unset. */
export function formatLabelSelector(selector: unknown): string {
  return selectorString(selector) || '<none>';
}

/** intOrString is intstr.IntOrString.String(). */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
}
