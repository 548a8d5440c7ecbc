// What `npm run demo` needs on the machine, checked before anything starts: without this, a fresh
// machine got a stack trace and "docker-registry … exited with code 127" from deep in the sandbox.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program the demo runs, and the Debian package that provides it (none for kubectl). */
export interface Prerequisite {
  command: string;
  debianPackage?: string;
}

export const DEMO_PREREQUISITES: readonly Prerequisite[] = [
  { command: 'podman', debianPackage: 'podman' },
  { command: 'docker-registry', debianPackage: 'docker-registry' },
  { command: 'openssl', debianPackage: 'openssl' },
  // Rootless podman maps user IDs with these two.
  { command: 'newuidmap', debianPackage: 'uidmap' },
  { command: 'newgidmap', debianPackage: 'uidmap' },
  // kubectl diff runs it.
  { command: 'diff', debianPackage: 'diffutils' },
  { command: 'kubectl' },
];

export const KUBECTL_SENTENCE =
  'kubectl is not on PATH and Debian does not package it: install it as https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/ describes, then run npm run demo again.';

/** How packages can be installed here. */
export interface InstallContext {
  isRoot: boolean;
  /** `sudo -n true` succeeds: sudo without a password prompt. */
  sudoWorks: boolean;
  hasSudo: boolean;
  hasAptGet: boolean;
}

export type Plan =
  /** Run these commands (argv lists) in order, then check again. */
  | { kind: 'install'; packages: string[]; commands: string[][]; thenFail: string[] }
  /** Nothing can be done from here: print these sentences and stop. */
  | { kind: 'fail'; messages: string[] }
  | { kind: 'ready' };

/**
 * What to do about the missing prerequisites: install the Debian packages when this process may
 * (as root, or through `sudo -n`), else say exactly what to run. kubectl cannot be installed this
 * way; its sentence comes after any installation, so that the next run only lacks kubectl.
 */
export function planPrerequisites(missing: readonly Prerequisite[], context: InstallContext): Plan {
  const packages = [...new Set(missing.flatMap((p) => (p.debianPackage ? [p.debianPackage] : [])))];
  const others = missing.some((p) => !p.debianPackage) ? [KUBECTL_SENTENCE] : [];
  if (packages.length === 0)
    return others.length > 0 ? { kind: 'fail', messages: others } : { kind: 'ready' };
  if (!context.hasAptGet) {
    return {
      kind: 'fail',
      messages: [
        `The demo needs Debian packages that are not installed (${packages.join(' ')}) and this machine has no apt-get: install their equivalents with its package manager, then run npm run demo again.`,
        ...others,
      ],
    };
  }
  if (context.isRoot || context.sudoWorks) {
    const prefix = context.isRoot ? [] : ['sudo', '-n'];
    const apt = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
    return {
      kind: 'install',
      packages,
      commands: [
        [...apt, 'update'],
        [...apt, 'install', '-y', ...packages],
      ],
      thenFail: others,
    };
  }
  const sudo = context.hasSudo ? 'sudo ' : '';
  const command = `${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}`;
  const as = context.hasSudo ? '' : ' as root';
  return {
    kind: 'fail',
    messages: [
      `The demo needs Debian packages that are not installed (${packages.join(' ')}) and only root can install them: run${as} \`${command}\`, then npm run demo again.`,
      ...others,
    ],
  };
}

/** The machine, as far as the check sees it; tests hand in their own. */
export interface Host {
  /** The command is an executable file on PATH. */
  has(command: string): boolean;
  isRoot: boolean;
  /** `sudo -n true` exits 0. */
  sudoWorks(): boolean;
  /** Runs argv with the output shown to the user; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

/**
 * Checks the prerequisites, installs the missing Debian packages when it may, and checks again.
 * Resolves to the sentences to print before stopping: none when the demo can start.
 */
export async function ensurePrerequisites(
  host: Host,
  log: (line: string) => void,
  prerequisites: readonly Prerequisite[] = DEMO_PREREQUISITES,
): Promise<string[]> {
  const missingOf = () => prerequisites.filter((p) => !host.has(p.command));
  const missing = missingOf();
  if (missing.length === 0) return [];
  const needsPackages = missing.some((p) => p.debianPackage);
  const plan = planPrerequisites(missing, {
    isRoot: host.isRoot,
    // Asked only when it matters: sudo may log the attempt.
    sudoWorks: needsPackages && !host.isRoot && host.has('sudo') && host.sudoWorks(),
    hasSudo: host.has('sudo'),
    hasAptGet: host.has('apt-get'),
  });
  if (plan.kind === 'ready') return [];
  if (plan.kind === 'fail') return plan.messages;
  log(`Installing the Debian packages the demo needs: ${plan.packages.join(' ')}`);
  for (const argv of plan.commands) {
    const code = await host.run(argv);
    if (code !== 0) {
      return [
        `\`${argv.join(' ')}\` failed with exit code ${code} (its output is above); the demo needs the Debian packages ${plan.packages.join(' ')}.`,
      ];
    }
  }
  const still = missingOf().filter((p) => p.debianPackage);
  if (still.length > 0) {
    const names = still.map((p) => `${p.command} (${p.debianPackage})`).join(', ');
    return [`apt-get installed ${plan.packages.join(' ')}, but these are still not on PATH: ${names}.`];
  }
  return plan.thenFail;
}

/** This machine: PATH lookups, the real uid, sudo and apt-get. */
export function systemHost(env: NodeJS.ProcessEnv = process.env): Host {
  return {
    has: (command) =>
      (env.PATH ?? '').split(delimiter).some((dir) => {
        if (dir === '') return false;
        try {
          accessSync(join(dir, command), constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }),
    isRoot: process.getuid?.() === 0,
    sudoWorks: () => spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0,
    run: (argv) =>
      new Promise((resolve) => {
        const [file = '', ...args] = argv;
        const child = spawn(file, args, { stdio: ['ignore', 'inherit', 'inherit'] });
        child.once('error', () => resolve(127));
        child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      }),
  };
}
