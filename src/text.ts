// Small wordings shared by the log, the verdicts, the CLI's tables and the summary.

/** `1 restart`, `3 restarts`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The first non-empty line of a text, trimmed, cut to `width` characters with `…`; '' for none. */
export function firstLine(text: string | undefined, width = Number.POSITIVE_INFINITY): string {
  const line =
    (text ?? '')
      .split('\n')
      .map((part) => part.trim())
      .find((part) => part !== '') ?? '';
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
