// The checks of workflows.test.ts proven on fixtures: the good set passes every check; each bad
// fixture (named <check>.<variant>.yml, the good deploy.yml with one violation) fails its own check
// and no other.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { actionParseErrors, type RuleName, readWorkflow, rules, workflowParseErrors } from './policy.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const good = readdirSync(join(fixtures, 'good')).map((n) => join(fixtures, 'good', n));
const bad = readdirSync(join(fixtures, 'bad'))
  .filter((n) => n.endsWith('.yml') && n !== 'action.yml' && !n.startsWith('parse.'))
  .map((n) => ({ name: n, rule: n.split('.')[0] as RuleName, path: join(fixtures, 'bad', n) }));

describe('good fixtures', () => {
  test.each(good)('%s parses with GitHub workflow parser', async (path) => {
    expect(await workflowParseErrors(readWorkflow(path))).toEqual([]);
  });
  for (const rule of Object.keys(rules) as RuleName[]) {
    test.each(good)(`${rule}: %s`, (path) => {
      expect(rules[rule](readWorkflow(path))).toEqual([]);
    });
  }
});

describe('bad fixtures', () => {
  test('there is one for every rule', () => {
    expect(new Set(bad.map((b) => b.rule))).toEqual(new Set(Object.keys(rules)));
  });

  test.each(bad)('$name fails $rule and only it, and still parses', async ({ rule, path }) => {
    const file = readWorkflow(path);
    expect(rules[rule](file).length).toBeGreaterThan(0);
    for (const other of Object.keys(rules) as RuleName[]) {
      if (other !== rule) expect({ [other]: rules[other](file) }).toEqual({ [other]: [] });
    }
    expect(await workflowParseErrors(file)).toEqual([]);
  });

  test('the parser reports a workflow GitHub rejects', async () => {
    const errors = await workflowParseErrors(readWorkflow(join(fixtures, 'bad', 'parse.unknown-key.yml')));
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Unexpected value 'timeout'/),
        expect.stringMatching(/runs-on/),
      ]),
    );
  });

  test('the action schema reports a bad action.yml', () => {
    const errors = actionParseErrors(readWorkflow(join(fixtures, 'bad', 'action.yml')));
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/'maybe'/),
        expect.stringMatching(/'node99'|one-of|runs/),
        expect.stringMatching(/'chartreuse'/),
      ]),
    );
  });
});
