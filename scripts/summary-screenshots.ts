// Screenshots of two reviewed summaries (a success, a failure rolled back) as GitHub draws them,
// for the README: `npm run screenshots` writes docs/summary-success.png and docs/summary-failure.png.
// Needs Debian's chromium (apt-get install chromium); the check in CI is rendered.test.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, summaryPage } from '../__tests__/report/render-html.js';
import { OUTCOMES, SUMMARY_CONTEXT } from '../__tests__/report/summary-fixtures.js';
import { runSummary } from '../src/report/summary.js';

const context = SUMMARY_CONTEXT;
const shots = [
  { file: 'summary-success.png', result: OUTCOMES.success(), theme: 'light', height: 1500 },
  { file: 'summary-failure.png', result: OUTCOMES.rolledBack(), theme: 'dark', height: 1750 },
] as const;

const out = resolve('docs');
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'summary-shots-'));
try {
  for (const shot of shots) {
    const page = join(dir, `${shot.file}.html`);
    writeFileSync(page, summaryPage([runSummary(shot.result, { context })], shot.theme));
    await chromium([
      `--screenshot=${join(out, shot.file)}`,
      `--window-size=1044,${shot.height}`,
      `file://${page}`,
    ]);
    console.log(`docs/${shot.file}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
