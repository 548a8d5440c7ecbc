import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/*
 * A job summary drawn as GitHub draws it: GitHub-flavoured markdown (micromark, CommonMark + GFM,
 * raw HTML passed through as GitHub passes our <details>), ```mermaid blocks drawn by the real
 * mermaid library, in Debian's chromium (headless, no browser download), light or dark.
 * Used by rendered.test.ts (the check) and scripts/summary-screenshots.ts (the README's images).
 */

export type Theme = 'light' | 'dark';

const CSS: Record<Theme, string> = {
  light: 'body{background:#fff;color:#1f2328} code,pre{background:#f6f8fa} th,td{border:1px solid #d1d9e0}',
  dark: 'body{background:#0d1117;color:#f0f6fc} code,pre{background:#151b23} th,td{border:1px solid #3d444d} a{color:#4493f8}',
};

/** One HTML page with each summary in its own <article>, mermaid run once all are in place. */
export function summaryPage(summaries: readonly string[], theme: Theme): string {
  const require = createRequire(import.meta.url);
  const mermaid = readFileSync(require.resolve('mermaid/dist/mermaid.min.js'), 'utf8');
  const articles = summaries.map((markdown) => {
    const html = micromark(markdown, {
      allowDangerousHtml: true,
      extensions: [gfm()],
      htmlExtensions: [gfmHtml()],
    });
    // GitHub draws a ```mermaid block as a diagram: mark it for mermaid.run().
    return `<article class="markdown-body">${html.replace(
      /<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g,
      '<pre class="mermaid">$1</pre>',
    )}</article>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body{font:14px/1.5 -apple-system,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif,"Noto Color Emoji";max-width:1012px;margin:16px auto;padding:0 16px}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;border-radius:6px}
code{padding:.2em .4em} pre{padding:16px;overflow:auto} pre code{padding:0}
table{border-collapse:collapse;display:block;max-width:100%;overflow:auto} th,td{padding:6px 13px}
blockquote{margin:0;padding:0 1em;border-left:.25em solid #8b949e}
article{margin-bottom:48px} ${CSS[theme]}
</style></head><body>
${articles.join('\n<hr>\n')}
<script>${mermaid.replaceAll('</script', '<\\/script')}</script>
<script>
mermaid.initialize({ startOnLoad: false, theme: ${JSON.stringify(theme === 'dark' ? 'dark' : 'default')} });
mermaid.run({ querySelector: 'pre.mermaid', suppressErrors: true })
  .catch((error) => document.body.setAttribute('data-mermaid-error', String(error)))
  .finally(() => document.body.setAttribute('data-mermaid-done', 'true'));
</script></body></html>`;
}

/** Runs Debian's chromium headless with these arguments; its stdout. */
export function chromium(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--hide-scrollbars',
        '--virtual-time-budget=20000',
        ...args,
      ],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`chromium ${args.at(-1)} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}
