import type { Json } from '../objects.js';

/** What a simulated container does once started, read from its SANDBOX_* env vars. */
export interface Behaviour {
  /** Whether the process ends by itself (after runSeconds, with exitCode). */
  exits: boolean;
  runSeconds: number;
  exitCode: number;
  /** Seconds after start until the readiness probe passes. */
  readyAfterSeconds: number;
  neverReady: boolean;
  /** What a failing exec readiness probe's command prints (SANDBOX_PROBE_OUTPUT). */
  probeOutput: string;
  /** The lines each run writes to its log. */
  logLines: string[];
  /** How long the process takes to exit after SIGTERM (killed at the grace period). */
  stopSeconds: number;
}

export type ContainerRole = 'init' | 'main';

const defaultRunSeconds = 1;

function truthy(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no'].includes(value.trim().toLowerCase());
}

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new Error(`${name} is "${value}"; expected a number of seconds or an exit code (0 or more).`);
  }
  return parsed;
}

/**
 * The SANDBOX_* variables a container sees: the image config's `Env` (`NAME=value`) overlaid by
 * the pod's environment, as a container runtime builds it. `podEnv` is that environment as the
 * kubelet resolved it at this start (envFrom and valueFrom read from the ConfigMaps and Secrets,
 * config-check.ts containerEnv); without it only literal `value`s count, and a `valueFrom` entry
 * hides the image's value (the container would see whatever the reference holds).
 */
export function sandboxEnv(
  container: Json,
  imageEnv: readonly string[] = [],
  podEnv?: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of imageEnv) {
    const equals = entry.indexOf('=');
    const name = equals >= 0 ? entry.slice(0, equals) : entry;
    if (name.startsWith('SANDBOX_') && equals >= 0) env[name] = entry.slice(equals + 1);
  }
  if (podEnv) {
    for (const [name, value] of Object.entries(podEnv)) if (name.startsWith('SANDBOX_')) env[name] = value;
    return env;
  }
  for (const entry of container.env ?? []) {
    if (typeof entry?.name !== 'string' || !entry.name.startsWith('SANDBOX_')) continue;
    if (entry.value !== undefined) env[entry.name] = String(entry.value);
    else delete env[entry.name];
  }
  return env;
}

/** Splits SANDBOX_LOG into lines: real newlines (YAML block scalars) or the two characters `\n`. */
export function logLinesOf(value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  return value.split(/\r?\n|\\n/).filter((line, i, all) => line !== '' || i < all.length - 1);
}

/**
 * Decides a container's behaviour. Containers of pods that restart Always run until stopped unless
 * told otherwise; init containers and containers of Job-like pods (OnFailure/Never) exit 0 after a
 * second, since that is what their real counterparts do.
 */
export function containerBehaviour(
  container: Json,
  role: ContainerRole,
  restartPolicy: string,
  imageEnv: readonly string[] = [],
  podEnv?: Readonly<Record<string, string>>,
): Behaviour {
  const env = sandboxEnv(container, imageEnv, podEnv);
  const crash = truthy(env.SANDBOX_CRASH);
  const declaresExit = env.SANDBOX_EXIT_CODE !== undefined || env.SANDBOX_RUN_SECONDS !== undefined;
  const exits = crash || declaresExit || role === 'init' || restartPolicy !== 'Always';
  const exitCode = number(env.SANDBOX_EXIT_CODE, 'SANDBOX_EXIT_CODE', crash ? 1 : 0);
  const probeDelay = Number(container.readinessProbe?.initialDelaySeconds ?? 0) || 0;
  return {
    exits,
    runSeconds: number(env.SANDBOX_RUN_SECONDS, 'SANDBOX_RUN_SECONDS', defaultRunSeconds),
    exitCode: crash && exitCode === 0 ? 1 : exitCode,
    readyAfterSeconds: number(env.SANDBOX_READY_AFTER_SECONDS, 'SANDBOX_READY_AFTER_SECONDS', probeDelay),
    neverReady: truthy(env.SANDBOX_NEVER_READY),
    probeOutput: env.SANDBOX_PROBE_OUTPUT ?? '',
    logLines: logLinesOf(env.SANDBOX_LOG),
    stopSeconds: number(env.SANDBOX_TERMINATION_SECONDS, 'SANDBOX_TERMINATION_SECONDS', 1),
  };
}

/** The exit of a container asked to stop: in time (0) or killed at the grace period (137). */
export function stopOutcome(
  stopSeconds: number,
  gracePeriodSeconds: number,
): { seconds: number; exitCode: number } {
  return stopSeconds <= gracePeriodSeconds
    ? { seconds: stopSeconds, exitCode: 0 }
    : { seconds: gracePeriodSeconds, exitCode: 137 };
}

/** Whether the kubelet starts the container again after it exited with this code. */
export function restartsAfterExit(restartPolicy: string, exitCode: number): boolean {
  if (restartPolicy === 'Always') return true;
  if (restartPolicy === 'OnFailure') return exitCode !== 0;
  return false;
}

/** The kubelet's back-off: 10 s doubling to 5 minutes (first crash restarts at once). */
export function restartBackoffSeconds(previousExits: number): number {
  if (previousExits <= 1) return 0;
  return Math.min(300, 10 * 2 ** (previousExits - 2));
}

/** Image pull back-off: 10 s doubling to 5 minutes. */
export function pullBackoffSeconds(failures: number): number {
  return Math.min(300, 10 * 2 ** Math.max(0, failures - 1));
}

/** The pull policy Kubernetes defaults to: Always for :latest or untagged images. */
export function pullPolicyOf(container: Json): string {
  if (container.imagePullPolicy) return container.imagePullPolicy;
  const image = String(container.image ?? '');
  if (image.includes('@')) return 'IfNotPresent';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** containerd's imageID: the repository with the digest the registry answered. */
export function imageIdOf(image: string, digest: string): string {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const repository = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  return `${repository}@${digest}`;
}

/**
 * The Unhealthy event of a failing readiness probe, worded as the kubelet's probers word it
 * (pkg/probe/{http,tcp,grpc,exec}): "<Type> probe failed: <output>". An exec probe's output is
 * the command's own (SANDBOX_PROBE_OUTPUT here, empty by default, as a silent command leaves it).
 * A container without a probe gets the HTTP wording: SANDBOX_NEVER_READY stands for one.
 */
export function probeFailureMessage(probe: Json | undefined, podIP: string, execOutput = ''): string {
  const port = (handler: Json | undefined) => handler?.port ?? 80;
  let output = 'HTTP probe failed with statuscode: 503';
  if (probe?.exec) output = execOutput;
  else if (probe?.tcpSocket)
    output = `dial tcp ${podIP}:${port(probe.tcpSocket)}: connect: connection refused`;
  else if (probe?.grpc) output = 'service unhealthy (responded with "NOT_SERVING")';
  return `Readiness probe failed: ${output}`;
}
