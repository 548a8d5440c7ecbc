import type { SourceLocation } from './manifests/errors.js';

/** Where the pipeline reports progress. The action maps it to @actions/core, the CLI to stderr. */
export interface Logger {
  info(message: string): void;
  /** `at`: the manifest line the warning is about (the message says it too; the action annotates it). */
  warning(message: string, at?: SourceLocation): void;
  debug(message: string): void;
  /** Registers a value that must never be printed; implementations mask it from then on. */
  setSecret(value: string): void;
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
}

/** A logger for terminals and tests: masks registered secrets, writes to the given sink. */
export class StreamLogger implements Logger {
  private readonly secrets: string[] = [];

  constructor(
    private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
    private readonly verbose = false,
  ) {}

  info(message: string): void {
    this.write(this.mask(message));
  }
  warning(message: string): void {
    this.write(this.mask(`warning: ${message}`));
  }
  debug(message: string): void {
    if (this.verbose) this.write(this.mask(`debug: ${message}`));
  }
  setSecret(value: string): void {
    if (value !== '') this.secrets.push(value);
  }
  async group<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.info(`== ${title}`);
    return work();
  }
  private mask(message: string): string {
    return this.secrets.reduce((text, secret) => text.split(secret).join('***'), message);
  }
}
