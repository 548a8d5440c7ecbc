import { randomUUID } from 'node:crypto';
import { accessSync, appendFileSync, constants, existsSync } from 'node:fs';
import { EOL } from 'node:os';

/*
 * The few runner commands the action gives before it knows its inputs are good, written as
 * @actions/core writes them. Loading @actions/core also loads its HTTP client (undici, for OIDC
 * tokens), which costs more than all the rest of a run that stops on a bad input; it is loaded
 * once the inputs are accepted. __tests__/workflow-commands.test.ts compares every function here
 * with @actions/core's, so the two cannot drift.
 */

/** core.getInput(name): the INPUT_ variable the runner sets, trimmed; '' when unset. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '').trim();
}

/** core.getState(name): what the main step saved, seen by the post step. */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] || '';
}

/** core.saveState(name, value). */
export function saveState(name: string, value: string): void {
  if (process.env.GITHUB_STATE) issueFileCommand('STATE', keyValueMessage(name, value));
  else issueCommand('save-state', { name }, value);
}

/** core.setOutput(name, value). */
export function setOutput(name: string, value: string): void {
  if (process.env.GITHUB_OUTPUT) issueFileCommand('OUTPUT', keyValueMessage(name, value));
  else {
    process.stdout.write(EOL);
    issueCommand('set-output', { name }, value);
  }
}

/** core.setFailed(message): an error annotation, and exit code 1. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  issueCommand('error', {}, message);
}

/** core.warning(message), without annotation properties. */
export function warning(message: string): void {
  issueCommand('warning', {}, message);
}

/**
 * core.summary.addRaw(text).write(): appends to the job summary, or throws as core does
 * (synchronously: node:fs/promises is one more module to load).
 */
export function appendSummary(text: string): void {
  const path = process.env.GITHUB_STEP_SUMMARY;
  if (!path) {
    throw new Error(
      'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
    );
  }
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch {
    throw new Error(
      `Unable to access summary file: '${path}'. Check if the file has correct read/write permissions.`,
    );
  }
  appendFileSync(path, text, { encoding: 'utf8' });
}

function issueCommand(command: string, properties: Record<string, string>, message: string): void {
  const props = Object.entries(properties)
    .filter(([, value]) => value)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',');
  process.stdout.write(`::${command}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`);
}

function issueFileCommand(command: 'OUTPUT' | 'STATE', message: string): void {
  const path = process.env[`GITHUB_${command}`] as string;
  if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`);
  appendFileSync(path, `${message}${EOL}`, { encoding: 'utf8' });
}

/** name<<DELIMITER, the value, DELIMITER: a value may span lines. */
function keyValueMessage(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter)) {
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  }
  if (value.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  }
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
