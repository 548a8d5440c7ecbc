/** For tests: a running API server with a self-signed certificate, a static token and real kubectl. */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiServerHandle, PodLogs } from '../kube/contract.js';
import { startApiServer } from './server.js';
import { createStore, type MemoryStore } from './store.js';

export const TEST_TOKEN = 'sandbox-test-token';

/** Pod logs held in memory: tests put lines in and append to followed streams. */
export class FakePodLogs implements PodLogs {
  readonly current = new Map<string, string[]>();
  readonly previous = new Map<string, string[]>();
  private readonly followers = new Map<string, Set<{ onLine: (l: string) => void; onEnd: () => void }>>();

  lines(namespace: string, pod: string, container: string, previous: boolean): string[] | undefined {
    return (previous ? this.previous : this.current).get(`${namespace}/${pod}/${container}`);
  }

  follow(namespace: string, pod: string, container: string, onLine: (l: string) => void, onEnd: () => void) {
    const key = `${namespace}/${pod}/${container}`;
    const set = this.followers.get(key) ?? new Set();
    const follower = { onLine, onEnd };
    set.add(follower);
    this.followers.set(key, set);
    return () => set.delete(follower);
  }

  append(key: string, line: string): void {
    this.current.set(key, [...(this.current.get(key) ?? []), line]);
    for (const f of this.followers.get(key) ?? []) f.onLine(line);
  }

  end(key: string): void {
    for (const f of this.followers.get(key) ?? []) f.onEnd();
  }
}

export interface TestCluster {
  store: MemoryStore;
  api: ApiServerHandle;
  logs: FakePodLogs;
  dir: string;
  auditLogPath: string;
  kubeconfig: string;
  /** Runs real kubectl; resolves with its output, rejects with stderr on a non-zero exit. */
  kubectl(args: string[], stdin?: string): Promise<string>;
  /** Runs kubectl and returns exit code, stdout and stderr without throwing. */
  kubectlResult(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

export function selfSignedCert(dir: string): { cert: string; key: string } {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-subj',
      '/CN=sandbox-apiserver',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return {
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
  };
}

export function kubeconfigFor(server: string, caPem: string, token: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: sandbox\n  cluster:\n    server: ${server}\n    certificate-authority-data: ${ca}`,
    'users:',
    `- name: tester\n  user:\n    token: ${token}`,
    'contexts:',
    '- name: sandbox\n  context:\n    cluster: sandbox\n    user: tester\n    namespace: default',
    'current-context: sandbox',
    '',
  ].join('\n');
}

export async function startTestCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'apiserver-test-'));
  const tls = selfSignedCert(dir);
  const store = createStore();
  const logs = new FakePodLogs();
  const auditLogPath = join(dir, 'audit.log');
  const api = await startApiServer({
    store,
    podLogs: logs,
    tls,
    auditLogPath,
    // `issued-<epoch ms>` stands for an EKS token signed then (the token lifetime knob reads it).
    authenticate: async (token) => {
      if (token === TEST_TOKEN) return { ok: true, user: 'tester' };
      const issued = /^issued-(\d+)$/.exec(token)?.[1];
      if (issued) return { ok: true, user: 'tester', issuedAt: new Date(Number(issued)) };
      return { ok: false, reason: 'unknown token' };
    },
  });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor(api.url, tls.cert, TEST_TOKEN));
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
  const kubectlResult = (args: string[], stdin?: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile('kubectl', args, { env, timeout: 20000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      child.stdin?.end(stdin ?? '');
    });
  return {
    store,
    api,
    logs,
    dir,
    auditLogPath,
    kubeconfig,
    kubectlResult,
    kubectl: async (args, stdin) => {
      const result = await kubectlResult(args, stdin);
      if (result.code !== 0)
        throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
      return result.stdout;
    },
    stop: async () => {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a long-running kubectl (watch, logs -f) and collects its output. Callers stop() it in a
 * `finally`, so a failed expectation does not leave kubectl running.
 */
export function kubectlStream(cluster: TestCluster, args: string[]) {
  const child = spawn('kubectl', args, {
    env: { ...process.env, KUBECONFIG: cluster.kubeconfig, HOME: cluster.dir },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return {
    output: () => output,
    /** Resolves once the output satisfies the predicate; rejects, showing the output, after timeoutMs. */
    until: async (predicate: (text: string) => boolean, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(output)) {
        if (Date.now() > deadline) {
          throw new Error(
            `kubectl ${args.join(' ')}: the output did not arrive within ${timeoutMs} ms:\n${output}`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return output;
    },
    exited,
    /** Ends kubectl (if it still runs) and resolves once it has exited. */
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A raw watch request; resolves with the event lines once the server ends the stream. */
export function rawWatch(cluster: TestCluster, path: string): Promise<string[]> {
  const ca = readFileSync(join(cluster.dir, 'cert.pem'));
  return new Promise((resolve, reject) => {
    get(`${cluster.api.url}${path}`, { ca, headers: { Authorization: `Bearer ${TEST_TOKEN}` } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve(body.split('\n').filter((l) => l !== '')));
    }).on('error', reject);
  });
}
