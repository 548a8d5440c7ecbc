/**
 * A verdict of a run that failed before it changed anything says so, once: the person reading it
 * needs to know whether the cluster is still as it was.
 */
export function nothingChanged(message: string): string {
  return /nothing (was )?changed/i.test(message)
    ? message
    : `${asSentence(message)} Nothing was changed in the cluster.`;
}

/**
 * The text ending as a sentence, so that one put before another does not run into it: kubectl's
 * and containerd's reasons (`…: not found`) end without a period.
 */
export function asSentence(text: string): string {
  const trimmed = text.trimEnd();
  return /[.!?]["')\]]?$/.test(trimmed) || trimmed === '' ? trimmed : `${trimmed}.`;
}
