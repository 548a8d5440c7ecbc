import { describe, expect, it } from '@jest/globals';
import { InputError, parseInputs } from '../src/inputs.js';

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('parseInputs', () => {
  it('applies the documented defaults', () => {
    const inputs = parseInputs(reader({}), {});
    expect(inputs.build).toBe('auto');
    expect(inputs.manifests).toEqual(['k8s']);
    expect(inputs.rolloutTimeoutMs).toBe(600_000);
  });
  it('names the input and the expectation for a bad boolean', () => {
    expect(() => parseInputs(reader({ rollback: 'yes' }), {})).toThrow(
      new InputError('Invalid value "yes" for input \'rollback\'. Expected true or false.'),
    );
  });
});
