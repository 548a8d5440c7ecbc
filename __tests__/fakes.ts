import type { Logger } from '../src/log.js';
import type { ProcessRunner, RunOptions, RunResult } from '../src/process.js';

/** One recorded process run, or a logger event, in the order they happened. */
export type Event =
  | { type: 'run'; command: string; args: string[]; options: RunOptions }
  | { type: 'secret'; value: string }
  | { type: 'log'; message: string };

type Responder = (args: string[], options: RunOptions) => Partial<RunResult> | Promise<Partial<RunResult>>;

/**
 * A ProcessRunner that records every call and answers from rules (first match of the
 * argument prefix wins); unknown commands succeed with empty output.
 */
export class RecordingRunner implements ProcessRunner {
  private readonly rules: { prefix: string[]; respond: Responder }[] = [];
  constructor(readonly events: Event[] = []) {}

  on(prefix: string[], respond: Responder | Partial<RunResult>): this {
    this.rules.push({ prefix, respond: typeof respond === 'function' ? respond : () => respond });
    return this;
  }

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const call = [command, ...args];
    this.events.push({ type: 'run', command, args: [...args], options });
    const rule = this.rules.find((r) => r.prefix.every((part, i) => call[i] === part));
    const answer = rule ? await rule.respond([...args], options) : {};
    return { exitCode: answer.exitCode ?? 0, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '' };
  }

  /** The argument lists of every run of `command`, in order. */
  calls(command = 'docker'): string[][] {
    return this.events.flatMap((e) => (e.type === 'run' && e.command === command ? [e.args] : []));
  }
}

/** A Logger that records messages and secrets into the shared event list. */
export class RecordingLogger implements Logger {
  constructor(readonly events: Event[] = []) {}
  info(message: string): void {
    this.events.push({ type: 'log', message });
  }
  warning(message: string): void {
    this.events.push({ type: 'log', message: `warning: ${message}` });
  }
  debug(message: string): void {
    this.events.push({ type: 'log', message: `debug: ${message}` });
  }
  setSecret(value: string): void {
    this.events.push({ type: 'secret', value });
  }
  group<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.info(`== ${title}`);
    return work();
  }
  messages(): string[] {
    return this.events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
  }
}
