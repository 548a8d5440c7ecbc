import { type ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';

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
    stop: () => {
      child.kill('SIGTERM');
    },
  };
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
