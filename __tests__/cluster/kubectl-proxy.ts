import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * `kubectl proxy`: one long-running kubectl whose single client (and cached exec credential)
 * serves every request forwarded through it — how a test sees kubectl renew a token.
 */
export async function startKubectlProxy(kubeconfig: string, env: NodeJS.ProcessEnv) {
  const child = spawn('kubectl', ['proxy', '--port=0', `--kubeconfig=${kubeconfig}`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await listeningPort(child);
  return {
    /** GETs a path through the proxy; resolves with the HTTP status. */
    get: (path: string) => getStatus(`http://127.0.0.1:${port}${path}`),
    /**
     * GETs a path through the proxy every 100 ms until the credential plugin has logged more than
     * `runsBefore` runs to `pluginLog` (kubectl runs it again only for a request that finds its
     * cached token expired); resolves with every status seen, and rejects after `withinMs`.
     */
    getUntilPluginRuns: async (path: string, pluginLog: string, runsBefore: number, withinMs = 15_000) => {
      const statuses: number[] = [];
      const deadline = Date.now() + withinMs;
      while (pluginRuns(pluginLog) <= runsBefore) {
        if (Date.now() > deadline) {
          throw new Error(`kubectl did not run the credential plugin again within ${withinMs} ms`);
        }
        statuses.push(await getStatus(`http://127.0.0.1:${port}${path}`));
        await sleep(100);
      }
      return statuses;
    },
    stop: () => {
      child.kill('SIGTERM');
    },
  };
}

/** How many times the cli-entry fixture has run: one line per run in its TEST_PLUGIN_LOG. */
export function pluginRuns(pluginLog: string): number {
  return readFileSync(pluginLog, 'utf8').split('\n').filter(Boolean).length;
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`kubectl proxy exited (${code}): ${output}`)));
  });
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}
