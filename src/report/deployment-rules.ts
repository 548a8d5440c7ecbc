/** GitHub cuts a deployment status's description at 140 characters; we cut first, visibly. */
export const DESCRIPTION_LIMIT = 140;

/**
 * The default for `production_environment`: the environment's name, split at anything that is
 * not a letter or digit, has a word `prod` or `production` and no word `pre` or `non`.
 * production, prod, prod-eu, eu-west-1-production → true;
 * preprod, pre-prod, non-prod, nonprod, staging, production2 → false.
 */
export function isProductionEnvironment(name: string): boolean {
  const words = name.toLowerCase().split(/[^a-z0-9]+/);
  return (
    words.some((w) => w === 'prod' || w === 'production') && !words.some((w) => w === 'pre' || w === 'non')
  );
}

/** One line, whitespace collapsed, at most 140 characters (cut with "…", never inside a character). */
export function statusDescription(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  return chars.length <= DESCRIPTION_LIMIT
    ? line
    : `${chars
        .slice(0, DESCRIPTION_LIMIT - 1)
        .join('')
        .trimEnd()}…`;
}
