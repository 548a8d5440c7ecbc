import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { actionLogger } from '../src/action-logger.js';
import { warningTexts } from '../src/deploy/kube-api.js';

describe('warnings at a manifest line', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  function written(work: () => void): string {
    const lines: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    work();
    jest.restoreAllMocks();
    return lines.join('');
  }

  it('annotates the file and line a warning is about', () => {
    const out = written(() =>
      actionLogger.warning('k8s/app.yaml:12: careful', { source: 'k8s/app.yaml', line: 12 }),
    );
    expect(out).toContain('::warning file=k8s/app.yaml,line=12::k8s/app.yaml:12: careful');
  });

  it('gives a kustomize location no file (there is none to point at), only the message', () => {
    const out = written(() =>
      actionLogger.warning('overlay (kubectl kustomize), document 3, line 4: careful', {
        source: 'overlay (kubectl kustomize)',
        line: 4,
        document: 3,
      }),
    );
    expect(out).toContain('::warning::overlay (kubectl kustomize), document 3, line 4: careful');
  });
});

describe("the API server's Warning headers", () => {
  it('reads every 299 warning of a header, unescaping quotes and backslashes', () => {
    expect(
      warningTexts(
        '299 - "would violate PodSecurity \\"restricted:latest\\": hostPort (container \\"a\\" uses hostPort 80)", 299 - "path \\\\x, ok"',
      ),
    ).toEqual([
      'would violate PodSecurity "restricted:latest": hostPort (container "a" uses hostPort 80)',
      'path \\x, ok',
    ]);
  });

  it('skips warnings of other codes and an absent header', () => {
    expect(warningTexts(['199 agent "miscellaneous"', '299 - "kept"'])).toEqual(['kept']);
    expect(warningTexts(undefined)).toEqual([]);
  });
});
