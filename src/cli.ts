import type { CommandEntry } from './cli/command.js';
import { runCli } from './cli/help.js';

type Option = readonly [flag: string, text: string];

const CLUSTER: readonly Option[] = [
  ['--kubeconfig PATH', 'The kubeconfig; default KUBECONFIG, then ~/.kube/config.'],
  ['--context CTX', 'A context of the kubeconfig; default its current one.'],
];
const RELEASE_NAME: Option = [
  '--release-name N',
  'The release whose records are kept in the cluster; default the repository name in GITHUB_REPOSITORY.',
];
/** What deploy and diff share. */
const MANIFEST_OPTIONS: readonly Option[] = [
  ['--manifests PATH', 'A file, folder, glob or kustomize folder; repeat for more.'],
  ['--image NAME=REF', 'Put the pre-built REF in every container whose image is NAME; repeat for more.'],
  ['--commit SHA', 'The commit the release records and annotates (GITHUB_SHA in a workflow).'],
  ['--tag T', 'The release tag; default the commit, else the one tag every --image shares.'],
  ...CLUSTER,
  [
    '--namespace NS',
    "Namespace for namespaced objects that name none (default: the kubeconfig context's, else `default`), and for the release records.",
  ],
  RELEASE_NAME,
  ['--migration-job J', 'A Job of the manifests to run to completion before the workloads change.'],
  ['--migration-timeout D', 'How long the migration may take; default 10m.'],
  [
    '--migrations run|skip|only',
    'run (default): migrate before the workloads; only: migrate and change nothing else; skip: do not, and refuse unless the migration of this commit completed here.',
  ],
  [
    '--migration-not-needed SHA',
    'With --migrations skip: deploy this commit although no migration of it completed.',
  ],
  [
    '--post-deploy-jobs J',
    'A Job of the manifests to run after the workloads are verified (smoke test, seeder); repeat for more.',
  ],
  [
    '--policy warn|enforce|off',
    'The built-in policy rules: warn (default) prints each finding at its file:line; enforce fails the plan before any write; off.',
  ],
  ['--policy-skip RULE', 'A built-in rule not to check in this run (README, Policy rules); repeat for more.'],
  [
    '--prune',
    'Delete what the previous release had and the manifests no longer do (never data-bearing kinds).',
  ],
];

/**
 * The commands, in the order `k8s-deploy --help` lists them. A new command is one entry here
 * and a module in src/cli/ exporting a CliCommand: help, `--help` and dispatch follow from the
 * entry. Modules are imported only when their command runs (see runCli).
 */
const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'render',
    summary: 'Print the manifests as a deploy would apply them: images patched, annotated, in apply order.',
    usage:
      'Usage: k8s-deploy render --manifests PATH [--manifests PATH ...] [--image NAME=REF ...] [--namespace NS]',
    options: [
      ['--manifests PATH', 'A file, folder, glob or kustomize folder; repeat for more.'],
      ['--image NAME=REF', 'Put REF in every container whose image is NAME; repeat for more.'],
      ['--namespace NS', 'Namespace for namespaced objects that name none.'],
    ],
    load: async () => (await import('./cli/render.js')).renderCommand,
  },
  {
    name: 'eks-token',
    summary: 'Print an EKS token as a kubectl ExecCredential (kubectl runs this as its exec plugin).',
    usage:
      'Usage: k8s-deploy eks-token --cluster-name NAME [--region REGION] [--token-lifetime 14m] [--token-cache DIR]',
    options: [
      ['--cluster-name NAME', 'The EKS cluster the token is for.'],
      ['--region REGION', 'Its region; default AWS_REGION, then AWS_DEFAULT_REGION.'],
      ['--token-lifetime D', 'How long kubectl may use the token; default K8S_DEPLOY_TOKEN_LIFETIME or 14m.'],
      [
        '--token-cache DIR',
        'Reuse a token kept in DIR (a private folder) while it has time left; default K8S_DEPLOY_TOKEN_CACHE, else none.',
      ],
    ],
    load: async () => {
      const { eksToken } = await import('./cli/eks-token.js');
      return {
        run: (args, io) =>
          eksToken(args, { stdout: { write: io.stdout }, stderr: { write: io.stderr }, env: io.env }),
      };
    },
  },
  {
    name: 'deploy',
    summary:
      'Deploy the manifests as the action does: render, migrate, apply, verify, roll back, record the release.',
    usage:
      'Usage: k8s-deploy deploy --manifests PATH [--manifests PATH ...] [--image NAME=REF ...] [--commit SHA] [--tag T] [--kubeconfig PATH] [--context CTX] [--namespace NS] [--release-name N] [--migration-job J] [--migration-timeout D] [--migrations run|skip|only] [--migration-not-needed SHA] [--post-deploy-jobs J ...] [--policy warn|enforce|off] [--policy-skip RULE ...] [--rollout-timeout D] [--rollout-settle D] [--crashloop-restarts N] [--allow-paused] [--no-rollback] [--prune] [--dry-run] [--history-limit N] [--lock-timeout D]',
    options: [
      ...MANIFEST_OPTIONS,
      ['--rollout-timeout D', 'One deadline for all workloads to roll out; default 10m.'],
      [
        '--rollout-settle D',
        'How long each new pod must run before its workload counts as rolled out; default 5s, 0 off.',
      ],
      [
        '--crashloop-restarts N',
        'Container restarts tolerated before a crash loop fails the deploy; default 2.',
      ],
      [
        '--allow-paused',
        'A paused Deployment whose new template is therefore not rolled out passes verify (said so); it fails otherwise.',
      ],
      ['--no-rollback', 'Leave a failed release in place instead of re-applying the last good one.'],
      ['--dry-run', 'Plan only: server-side dry run and diff; nothing changes.'],
      ['--history-limit N', 'Release records to keep in the cluster, 1 to 100; default 10.'],
      [
        '--lock-timeout D',
        'How long to wait while another run holds the release; default 5m, 0 fails at once.',
      ],
    ],
    load: async () => (await import('./cli/deploy.js')).deployCommand(),
  },
  {
    name: 'diff',
    summary: 'Show what deploy would change (its dry run): exit 0 nothing, 1 something, as kubectl diff.',
    usage:
      'Usage: k8s-deploy diff --manifests PATH [--manifests PATH ...] [--image NAME=REF ...] [--commit SHA] [--tag T] [--kubeconfig PATH] [--context CTX] [--namespace NS] [--release-name N] [--migration-job J] [--migration-timeout D] [--migrations run|skip|only] [--migration-not-needed SHA] [--post-deploy-jobs J ...] [--policy warn|enforce|off] [--policy-skip RULE ...] [--prune]',
    options: MANIFEST_OPTIONS,
    load: async () => (await import('./cli/deploy.js')).diffCommand(),
  },
  {
    name: 'history',
    summary: 'List the recorded releases of a release name, newest first, and who holds its lock.',
    usage:
      'Usage: k8s-deploy history [--release-name N] [--namespace NS] [--output json] [--kubeconfig PATH] [--context CTX]',
    options: [
      RELEASE_NAME,
      [
        '--namespace NS',
        "Where the release records are; default the kubeconfig context's namespace, else `default`.",
      ],
      ['--output json', 'The records as JSON (without their manifests) instead of a table.'],
      ...CLUSTER,
    ],
    load: async () => (await import('./cli/history.js')).historyCommand(),
  },
  {
    name: 'rollback',
    summary:
      'Re-apply an earlier release (default: the last successful one before the latest) and record it as a new one.',
    usage:
      'Usage: k8s-deploy rollback [--to N] [--force] [--release-name N] [--namespace NS] [--rollout-timeout D] [--lock-timeout D] [--kubeconfig PATH] [--context CTX]',
    options: [
      ['--to N', 'The release to re-apply (`k8s-deploy history` lists them).'],
      ['--force', 'Re-apply a release whose record ended failed or rolled-back (refused otherwise).'],
      RELEASE_NAME,
      [
        '--namespace NS',
        "Where the release records are; default the kubeconfig context's namespace, else `default`.",
      ],
      ['--rollout-timeout D', 'One deadline for its workloads to roll out; default 10m.'],
      [
        '--lock-timeout D',
        'How long to wait while another run holds the release; default 5m, 0 fails at once.',
      ],
      ...CLUSTER,
    ],
    load: async () => (await import('./cli/rollback.js')).rollbackCommand(),
  },
  ...(['promote', 'reject'] as const).map(
    (action): CommandEntry => ({
      name: action,
      summary:
        action === 'promote'
          ? 'Promote the release waiting for promotion (as kubectl argo rollouts promote), then verify and record it.'
          : 'Abort the release waiting for promotion (as kubectl argo rollouts abort), re-apply the last good release, verify, record.',
      usage: `Usage: k8s-deploy ${action} [--release-name N] [--namespace NS] [--rollout-timeout D] [--lock-timeout D] [--kubeconfig PATH] [--context CTX]`,
      options: [
        RELEASE_NAME,
        [
          '--namespace NS',
          "Where the release records are; default the kubeconfig context's namespace, else `default`.",
        ],
        ['--rollout-timeout D', 'One deadline for its workloads to roll out; default 10m.'],
        [
          '--lock-timeout D',
          'How long to wait while another run holds the release; default 5m, 0 fails at once.',
        ],
        ...CLUSTER,
      ],
      load: async () => (await import('./cli/promote.js')).promotionCommand(action),
    }),
  ),
  {
    name: 'unlock',
    summary:
      "Remove a release's lock by hand (its holder died and it has not expired); noted in the release records.",
    usage:
      'Usage: k8s-deploy unlock --holder ID [--release-name N] [--namespace NS] [--kubeconfig PATH] [--context CTX]',
    options: [
      [
        '--holder ID',
        'The exact holder of the lock, as `k8s-deploy history` shows it; any other is refused.',
      ],
      RELEASE_NAME,
      ['--namespace NS', 'Where the release records are; default `default`.'],
      ...CLUSTER,
    ],
    load: async () => (await import('./cli/unlock.js')).unlockCommand(),
  },
];

process.exitCode = await runCli(process.argv.slice(2), COMMANDS, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
