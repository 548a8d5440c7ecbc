/**
 * The one bundle (dist/bundle/, npm run build) behind both entry points: dist/index.js runs the
 * action and dist/cli/index.js the CLI, each importing only its half, so that the two share one
 * copy of the chunks (AWS SDK, deploy engine, YAML) and each loads no more than it uses.
 */
export const runAction = async () => (await import('./main.js')).runStep();
export const runCli = () => import('./cli.js');
