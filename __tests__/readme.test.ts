import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { syncedReadme } from '../scripts/action-docs.js';
import { INPUT_DEFAULTS } from '../src/inputs.js';

const actionYml = readFileSync('action.yml', 'utf8');
const readme = readFileSync('README.md', 'utf8');

describe('README and action.yml', () => {
  it('lists exactly the inputs and outputs of action.yml (run `npm run docs` after changing it)', () => {
    expect(readme).toBe(syncedReadme(readme, actionYml));
  });

  it('declares in action.yml the same defaults the code applies', () => {
    const inputs = (parse(actionYml) as { inputs: Record<string, { default?: string }> }).inputs;
    for (const [name, value] of Object.entries(INPUT_DEFAULTS)) {
      expect({ name, default: inputs[name]?.default }).toEqual({ name, default: value });
    }
  });

  it('runs on node24 from the bundled dist/index.js', () => {
    const runs = (parse(actionYml) as { runs: Record<string, string> }).runs;
    expect(runs.using).toBe('node24');
    expect(runs.main).toBe('dist/index.js');
  });
});
