import type { CommandEntry } from './cli/command.js';
import { runCli } from './cli/help.js';

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
    usage: 'Usage: k8s-deploy eks-token --cluster-name NAME [--region REGION] [--token-lifetime 14m]',
    options: [
      ['--cluster-name NAME', 'The EKS cluster the token is for.'],
      ['--region REGION', 'Its region; default AWS_REGION, then AWS_DEFAULT_REGION.'],
      ['--token-lifetime D', 'How long kubectl may use the token; default K8S_DEPLOY_TOKEN_LIFETIME or 14m.'],
    ],
    load: async () => {
      const { eksToken } = await import('./cli/eks-token.js');
      return {
        run: (args, io) =>
          eksToken(args, { stdout: { write: io.stdout }, stderr: { write: io.stderr }, env: io.env }),
      };
    },
  },
];

process.exitCode = await runCli(process.argv.slice(2), COMMANDS, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
