/**
 * Waits `ms`, or less when `signal` aborts: resolves either way (never rejects), so a retry or
 * poll loop checks the signal itself after waking and says in its own words why it stopped.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
