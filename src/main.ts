import * as core from '@actions/core';
import { InputError, parseInputs } from './inputs.js';
import type { Logger } from './log.js';
import { ManifestError } from './manifests/errors.js';
import { NodeProcessRunner } from './process.js';

/** The pipeline's Logger on top of the runner's log commands. */
const coreLogger: Logger = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  debug: (message) => core.debug(message),
  setSecret: (value) => core.setSecret(value),
  group: (title, work) => core.group(title, work),
};

async function main(): Promise<void> {
  try {
    const inputs = parseInputs((name) => core.getInput(name));
    if (inputs.githubToken) core.setSecret(inputs.githubToken);
    // Loaded after the inputs are accepted, so a bad input is reported without parsing the
    // pipeline's modules (YAML parsers, globbing) first.
    const { runPipeline } = await import('./pipeline.js');
    // No images phase yet: nothing was built, so no references are patched.
    const result = await runPipeline(inputs, new Map(), {
      runner: new NodeProcessRunner(),
      logger: coreLogger,
      env: process.env,
    });
    core.setOutput('manifests', result.manifestsPath);
    core.info('Nothing was applied to any cluster: this build renders the manifests only.');
  } catch (error) {
    const known = error instanceof InputError || error instanceof ManifestError;
    core.setFailed(known ? (error as Error).message : `Unexpected error: ${(error as Error).message}`);
  }
}

await main();
