// Preloaded into a Node process with NODE_OPTIONS="--require bench/max-rss.cjs": at exit, appends
// the process's peak resident set size (process.resourceUsage().maxRSS, in KiB) to BENCH_RSS_LOG,
// one JSON line: which script, main or post step, and the figure. Used by bench/deploy-memory.ts.
const { appendFileSync } = require('node:fs');

process.on('exit', () => {
  const log = process.env.BENCH_RSS_LOG;
  if (!log) return;
  const line = {
    script: process.argv[1] ?? '',
    ppid: process.ppid,
    args: process.argv.slice(2),
    post: process.env.STATE_isPost === 'true',
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  appendFileSync(log, `${JSON.stringify(line)}\n`);
});
