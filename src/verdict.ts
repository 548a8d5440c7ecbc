/**
 * A verdict of a run that failed before it changed anything says so, once: the person reading it
 * needs to know whether the cluster is still as it was.
 */
export function nothingChanged(message: string): string {
  return /nothing (was )?changed/i.test(message) ? message : `${message} Nothing was changed in the cluster.`;
}
