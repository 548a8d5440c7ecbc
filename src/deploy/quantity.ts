/**
 * Kubernetes resource quantities (`500m`, `1.5`, `512Mi`, `1G`), as far as the plan's quota
 * check needs them: parsed to thousandths of the base unit, so `100m` + `200m` is exact, and
 * printed the way Quantity.String() prints them (the largest suffix that keeps an integer, in
 * the binary or decimal family the quantity was written in).
 */

export interface Quantity {
  milli: number;
  binary: boolean;
}

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

export function parseQuantity(text: unknown): Quantity | undefined {
  const value = typeof text === 'number' ? String(text) : text;
  if (typeof value !== 'string') return undefined;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|m|k|M|G|T|P|E)?$/.exec(
    value.trim(),
  );
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = match[2] ?? '';
  const power = BINARY[suffix];
  if (power !== undefined) return { milli: Math.round(number * 1024 ** power * 1000), binary: true };
  const exponent = DECIMAL[suffix] ?? Number(suffix.slice(1));
  return { milli: Math.round(number * 10 ** (exponent + 3)), binary: false };
}

export function formatQuantity(q: Quantity): string {
  if (q.milli === 0) return '0';
  const sign = q.milli < 0 ? '-' : '';
  const milli = Math.abs(q.milli);
  if (q.binary && milli % 1000 === 0 && milli >= 1024 * 1000) {
    const bytes = milli / 1000;
    for (const [suffix, power] of Object.entries(BINARY).reverse()) {
      if (bytes % 1024 ** power === 0) return `${sign}${bytes / 1024 ** power}${suffix}`;
    }
  }
  for (const [suffix, exponent] of Object.entries(DECIMAL).sort((a, b) => b[1] - a[1])) {
    const unit = 10 ** (exponent + 3);
    if (milli % unit === 0) return `${sign}${milli / unit}${suffix}`;
  }
  return `${sign}${milli}m`;
}
