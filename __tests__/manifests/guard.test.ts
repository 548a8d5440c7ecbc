import { describe, expect, it } from '@jest/globals';
import { load } from 'js-yaml';
import { render } from './helpers.js';

const TRACE = { traceability: { tag: 'v1' } };

/** A Deployment whose last annotation is a `|+` block scalar: its trailing blank lines are data. */
const keepBlockLast = (trailing: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    note: |+
      keep me
${trailing}spec:
  template:
    spec:
      containers:
        - name: main
          image: api:old
`;

describe('values the renderer was not asked to change', () => {
  it.each([
    ['blank lines', '\n\n'],
    ['whitespace-only lines', '      \n  \n'],
  ])('keeps the trailing %s of a `|+` block scalar when an annotation is added after it', (_, trailing) => {
    const text = keepBlockLast(trailing);
    const { objects } = render(text, TRACE);
    const written = (load(text) as { metadata: { annotations: { note: string } } }).metadata.annotations.note;
    expect(written).toMatch(/\n\n$/);
    expect(objects[0]?.metadata.annotations.note).toBe(written);
    expect(objects[0]?.metadata.annotations['k8s-deploy-action/tag']).toBe('v1');
  });
});
