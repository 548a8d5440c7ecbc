/**
 * resource.Quantity, as far as quota messages need it: parse "500m", "1.5", "512Mi", "1G", and
 * print a value the way Quantity.String() does (the largest suffix that keeps an integer), so
 * "used: requests.memory=1536Mi" reads as a real server writes it.
 */

export interface Quantity {
  /** In base units (cores, bytes); kept in thousandths so "100m" + "200m" is exact. */
  milli: number;
  format: 'DecimalSI' | 'BinarySI';
}

const binary: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const decimal: Record<string, number> = { m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

export function parseQuantity(text: unknown): Quantity | undefined {
  const value = typeof text === 'number' ? String(text) : text;
  if (typeof value !== 'string') return undefined;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|m|k|M|G|T|P|E)?$/.exec(
    value.trim(),
  );
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = match[2] ?? '';
  if (suffix in binary)
    return { milli: Math.round(number * 1024 ** binary[suffix] * 1000), format: 'BinarySI' };
  const exponent = suffix in decimal ? decimal[suffix] : Number(suffix.slice(1));
  return { milli: Math.round(number * 10 ** (exponent + 3)), format: 'DecimalSI' };
}

export function formatQuantity(q: Quantity): string {
  if (q.milli === 0) return '0';
  const sign = q.milli < 0 ? '-' : '';
  const milli = Math.abs(q.milli);
  // Binary values print with a binary suffix only from 1Ki up and when they divide evenly.
  if (q.format === 'BinarySI' && milli % 1000 === 0 && milli >= 1024 * 1000) {
    const bytes = milli / 1000;
    for (const [suffix, power] of Object.entries(binary).reverse()) {
      if (bytes % 1024 ** power === 0) return `${sign}${bytes / 1024 ** power}${suffix}`;
    }
  }
  for (const [suffix, exponent] of Object.entries(decimal).sort((a, b) => b[1] - a[1])) {
    const unit = 10 ** (exponent + 3);
    if (milli % unit === 0) return `${sign}${milli / unit}${suffix}`;
  }
  return `${sign}${milli}m`;
}

export function addQuantities(a: Quantity | undefined, b: Quantity): Quantity {
  return a ? { milli: a.milli + b.milli, format: a.format } : { ...b };
}
