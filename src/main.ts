import * as core from '@actions/core';
import { InputError, parseInputs } from './inputs.js';

async function main(): Promise<void> {
  try {
    const inputs = parseInputs((name) => core.getInput(name));
    if (inputs.githubToken) core.setSecret(inputs.githubToken);
    core.info(`Inputs accepted: ${inputs.images.length} image(s), manifests ${inputs.manifests.join(', ')}.`);
  } catch (error) {
    core.setFailed(error instanceof InputError ? error.message : `${(error as Error).message}`);
  }
}

await main();
