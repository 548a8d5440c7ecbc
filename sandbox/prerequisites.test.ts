import { describe, expect, it } from '@jest/globals';
import {
  DEMO_PREREQUISITES,
  ensurePrerequisites,
  type Host,
  KUBECTL_SENTENCE,
  planPrerequisites,
  systemHost,
} from './prerequisites.js';

const ALL_COMMANDS = ['podman', 'docker-registry', 'openssl', 'newuidmap', 'newgidmap', 'diff', 'kubectl'];

/**
 * A machine with these commands on PATH, where installing a Debian package puts its commands
 * there (unless `brokenInstall`). No real apt-get, sudo or PATH is touched.
 */
function fakeHost(options: {
  commands: string[];
  isRoot?: boolean;
  sudoWorks?: boolean;
  installExitCode?: number;
  brokenInstall?: boolean;
}) {
  const present = new Set(options.commands);
  const ran: string[][] = [];
  let sudoAsked = false;
  const host: Host = {
    has: (command) => present.has(command),
    isRoot: options.isRoot ?? false,
    sudoWorks: () => {
      sudoAsked = true;
      return options.sudoWorks ?? false;
    },
    run: async (argv) => {
      ran.push(argv);
      const install = argv.indexOf('install');
      if (install >= 0 && !options.brokenInstall && !options.installExitCode) {
        for (const p of DEMO_PREREQUISITES) {
          if (p.debianPackage && argv.slice(install).includes(p.debianPackage)) present.add(p.command);
        }
      }
      return argv.includes('install') ? (options.installExitCode ?? 0) : 0;
    },
  };
  const check = async () => {
    const logged: string[] = [];
    const problems = await ensurePrerequisites(host, (line) => logged.push(line));
    return { problems, ran, logged, sudoAsked };
  };
  return check;
}

const withTools = (...missing: string[]) => [
  'apt-get',
  ...ALL_COMMANDS.filter((command) => !missing.includes(command)),
];

describe('ensurePrerequisites (npm run demo on a fresh machine)', () => {
  it('does nothing, and asks sudo nothing, when every command is there', async () => {
    const run = await fakeHost({ commands: withTools(), sudoWorks: true })();
    expect(run).toEqual({ problems: [], ran: [], logged: [], sudoAsked: false });
  });

  it('as root, installs exactly the missing packages (uidmap once for both of its commands) non-interactively', async () => {
    const run = await fakeHost({
      commands: withTools('docker-registry', 'newuidmap', 'newgidmap', 'diff'),
      isRoot: true,
    })();
    expect(run.ran).toEqual([
      ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update'],
      [
        'env',
        'DEBIAN_FRONTEND=noninteractive',
        'apt-get',
        'install',
        '-y',
        'docker-registry',
        'uidmap',
        'diffutils',
      ],
    ]);
    expect(run.problems).toEqual([]);
    expect(run.logged).toEqual([
      'Installing the Debian packages the demo needs: docker-registry uidmap diffutils',
    ]);
  });

  it('as a user for whom `sudo -n` works, installs through `sudo -n`', async () => {
    const run = await fakeHost({ commands: [...withTools('podman'), 'sudo'], sudoWorks: true })();
    expect(run.ran).toEqual([
      ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update'],
      ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', 'podman'],
    ]);
    expect(run.problems).toEqual([]);
  });

  it('as a user whose sudo asks for a password, installs nothing and prints the exact command to run', async () => {
    const run = await fakeHost({ commands: [...withTools('podman', 'openssl'), 'sudo'], sudoWorks: false })();
    expect(run.ran).toEqual([]);
    expect(run.problems).toEqual([
      'The demo needs Debian packages that are not installed (podman openssl) and only root can install them: run `sudo apt-get update && sudo apt-get install -y podman openssl`, then npm run demo again.',
    ]);
  });

  it('without sudo at all, says to run the apt-get command as root', async () => {
    const run = await fakeHost({ commands: withTools('podman') })();
    expect(run.ran).toEqual([]);
    expect(run.problems).toEqual([
      expect.stringContaining('run as root `apt-get update && apt-get install -y podman`'),
    ]);
  });

  it('without apt-get, names the Debian packages and installs nothing', async () => {
    const run = await fakeHost({
      commands: withTools('podman').filter((c) => c !== 'apt-get'),
      isRoot: true,
    })();
    expect(run.ran).toEqual([]);
    expect(run.problems).toEqual([expect.stringMatching(/\(podman\) and this machine has no apt-get/)]);
  });

  it('says where to get kubectl, which no apt-get can install, and asks nothing of sudo for it alone', async () => {
    const run = await fakeHost({ commands: [...withTools('kubectl'), 'sudo'], sudoWorks: true })();
    expect(run).toEqual({ problems: [KUBECTL_SENTENCE], ran: [], logged: [], sudoAsked: false });
    expect(KUBECTL_SENTENCE).toContain('https://kubernetes.io/docs/tasks/tools/');
  });

  it('as root, still installs the missing packages when kubectl is missing too, then stops for kubectl', async () => {
    const run = await fakeHost({ commands: withTools('kubectl', 'diff'), isRoot: true })();
    expect(run.ran.map((argv) => argv.slice(3))).toEqual([['update'], ['install', '-y', 'diffutils']]);
    expect(run.problems).toEqual([KUBECTL_SENTENCE]);
  });

  it('as a user without sudo, gives both the apt-get command and the kubectl sentence', async () => {
    const run = await fakeHost({ commands: [...withTools('kubectl', 'podman'), 'sudo'] })();
    expect(run.problems).toEqual([
      expect.stringContaining('sudo apt-get install -y podman'),
      KUBECTL_SENTENCE,
    ]);
  });

  it('stops with the failed command and its exit code when apt-get fails', async () => {
    const run = await fakeHost({ commands: withTools('podman'), isRoot: true, installExitCode: 100 })();
    expect(run.problems).toEqual([
      '`env DEBIAN_FRONTEND=noninteractive apt-get install -y podman` failed with exit code 100 (its output is above); the demo needs the Debian packages podman.',
    ]);
  });

  it('checks again after installing, and names a command the package did not bring', async () => {
    const run = await fakeHost({ commands: withTools('newuidmap'), isRoot: true, brokenInstall: true })();
    expect(run.problems).toEqual([
      'apt-get installed uidmap, but these are still not on PATH: newuidmap (uidmap).',
    ]);
  });
});

describe('planPrerequisites', () => {
  it('is ready when nothing is missing', () => {
    expect(
      planPrerequisites([], { isRoot: false, sudoWorks: false, hasSudo: false, hasAptGet: false }),
    ).toEqual({
      kind: 'ready',
    });
  });
});

describe('systemHost', () => {
  // The one part that touches the machine: PATH lookup must find executables and nothing else.
  it('finds an executable on PATH and not a missing one', () => {
    const host = systemHost({ PATH: `/nonexistent:${process.execPath.replace(/\/[^/]+$/, '')}` });
    expect(host.has('node')).toBe(true);
    expect(host.has('no-such-command-k8s-deploy')).toBe(false);
    expect(systemHost({ PATH: '' }).has('node')).toBe(false);
  });
});
