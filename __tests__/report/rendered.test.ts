import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { PipelineResult } from '../../src/pipeline.js';
import { runSummary } from '../../src/report/summary.js';
import { chromium, summaryPage, type Theme } from './render-html.js';
import { OUTCOMES, SUMMARY_CONTEXT } from './summary-fixtures.js';

// Every reviewed summary, drawn as GitHub draws it (GFM + the real mermaid, in Debian's chromium),
// in light and dark: each timeline must become a diagram, and the page must hold no link or
// element that the summary's own text did not put there.

const dir = mkdtempSync(join(tmpdir(), 'summary-render-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = SUMMARY_CONTEXT;
/** A phase name with what ends a gantt task (`:`), starts a comment (`#`, `%%`) or a statement (`;`). */
function hostilePhase(): PipelineResult {
  const result = OUTCOMES.rolledBack();
  const last = result.deploy?.phases.at(-1);
  if (!result.deploy || !last) throw new Error('fixture');
  result.deploy.phases.push({
    name: 'Post: smoke #1; %% check',
    startedAt: last.startedAt + last.durationMs,
    durationMs: 1_500,
    outcome: 'done',
  });
  return result;
}
const cases: [string, PipelineResult][] = [
  ...Object.entries(OUTCOMES).map(([name, make]): [string, PipelineResult] => [name, make()]),
  ['hostile phase name', hostilePhase()],
];
const summaries = cases.map(([, result]) => runSummary(result, { context }));

async function rendered(theme: Theme): Promise<string> {
  const file = join(dir, `${theme}.html`);
  writeFileSync(file, summaryPage(summaries, theme));
  const dom = await chromium(['--dump-dom', `file://${file}`]);
  // The page as drawn, without the mermaid library's own source.
  return dom.replace(/<script>[\s\S]*?<\/script>/g, '');
}

describe.each(['light', 'dark'] as const)('the summaries as GitHub shows them (%s)', (theme) => {
  let dom = '';
  it('draws every timeline as a diagram, without a mermaid error', async () => {
    dom = await rendered(theme);
    expect(dom).toMatch(/<body[^>]*data-mermaid-done="true"/);
    expect(dom).not.toMatch(/<body[^>]*data-mermaid-error/);
    const blocks = dom.match(/<pre class="mermaid"[^>]*>[\s\S]*?<\/pre>/g) ?? [];
    expect(blocks).toHaveLength(cases.length);
    for (const block of blocks) {
      expect(block).toContain('<svg');
      expect(block).not.toMatch(/Syntax error|Parse error/i);
      // Every phase became a bar.
      expect((block.match(/class="task[^"]*"/g) ?? []).length).toBeGreaterThan(3);
    }
  }, 120_000);

  it('links only the manifest line of a failure, to the file at the commit', () => {
    const links = [...dom.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link).toMatch(
        /^https:\/\/github\.com\/acme\/upload\/blob\/3f2a1b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a\/k8s\//,
      );
    }
  });
});
