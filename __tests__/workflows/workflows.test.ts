// Evidence for issue 10 over the real files: every workflow in .github/workflows/ and every template
// in workflows/ parses with GitHub's own parser (@actions/workflow-parser) with zero errors and keeps
// every policy rule of policy.ts; action.yml validates against GitHub's action metadata schema (the
// action-root-strict schema that @actions/workflow-parser ships). policy.test.ts proves each check
// on fixtures. The reusable workflow .github/workflows/deploy.yml must exist: its absence fails here.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  actionParseErrors,
  type RuleName,
  readWorkflow,
  rules,
  workflowFiles,
  workflowParseErrors,
} from './policy.js';

const root = join(import.meta.dirname, '..', '..');
const files: string[] = workflowFiles(root).map((path: string) => relative(root, path));

test('action.yml validates against the action metadata schema', () => {
  expect(actionParseErrors(readWorkflow(join(root, 'action.yml')))).toEqual([]);
});

test('the reusable workflow .github/workflows/deploy.yml exists', () => {
  expect(existsSync(join(root, '.github', 'workflows', 'deploy.yml'))).toBe(true);
});

// Until the workflow branches are merged there are no files (the deploy.yml test above fails then).
if (files.length === 0) test.skip('every workflow file (none found yet)', () => {});
for (const file of files) {
  describe(file, () => {
    test('parses with GitHub workflow parser, zero errors', async () => {
      expect(await workflowParseErrors(readWorkflow(join(root, file)))).toEqual([]);
    });
    for (const rule of Object.keys(rules) as RuleName[]) {
      test(rule, () => {
        expect(rules[rule](readWorkflow(join(root, file)))).toEqual([]);
      });
    }
  });
}
