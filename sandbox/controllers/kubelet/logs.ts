import type { PodLogs } from '../../kube/contract.js';

interface Follower {
  onLine: (line: string) => void;
  onEnd: () => void;
}

interface ContainerLog {
  current?: string[];
  previous?: string[];
  running: boolean;
  followers: Set<Follower>;
}

/** The kubelet's container logs: the current and the previous run of every container. */
export class ContainerLogs implements PodLogs {
  private readonly logs = new Map<string, ContainerLog>();

  private entry(namespace: string, pod: string, container: string): ContainerLog {
    const key = `${namespace}/${pod}/${container}`;
    let log = this.logs.get(key);
    if (!log) {
      log = { running: false, followers: new Set() };
      this.logs.set(key, log);
    }
    return log;
  }

  lines(namespace: string, pod: string, container: string, previous: boolean): string[] | undefined {
    const log = this.logs.get(`${namespace}/${pod}/${container}`);
    const lines = previous ? log?.previous : log?.current;
    return lines ? [...lines] : undefined;
  }

  follow(
    namespace: string,
    pod: string,
    container: string,
    onLine: (line: string) => void,
    onEnd: () => void,
  ): () => void {
    const log = this.logs.get(`${namespace}/${pod}/${container}`);
    if (!log?.running) {
      queueMicrotask(onEnd);
      return () => {};
    }
    const follower = { onLine, onEnd };
    log.followers.add(follower);
    return () => log.followers.delete(follower);
  }

  /** A new run of the container begins: the last run becomes `previous`. */
  startRun(namespace: string, pod: string, container: string): void {
    const log = this.entry(namespace, pod, container);
    if (log.current) log.previous = log.current;
    log.current = [];
    log.running = true;
  }

  append(namespace: string, pod: string, container: string, line: string): void {
    const log = this.entry(namespace, pod, container);
    log.current ??= [];
    log.current.push(line);
    for (const follower of log.followers) follower.onLine(line);
  }

  endRun(namespace: string, pod: string, container: string): void {
    const log = this.logs.get(`${namespace}/${pod}/${container}`);
    if (!log) return;
    log.running = false;
    const followers = [...log.followers];
    log.followers.clear();
    for (const follower of followers) follower.onEnd();
  }

  /** The pod is gone, and its logs with it. */
  removePod(namespace: string, pod: string): void {
    const prefix = `${namespace}/${pod}/`;
    for (const key of [...this.logs.keys()]) {
      if (!key.startsWith(prefix)) continue;
      const [, , container] = key.split('/');
      this.endRun(namespace, pod, container);
      this.logs.delete(key);
    }
  }

  endAll(): void {
    for (const key of this.logs.keys()) {
      const [namespace, pod, container] = key.split('/');
      this.endRun(namespace, pod, container);
    }
  }
}
