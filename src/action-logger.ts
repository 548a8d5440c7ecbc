import * as core from '@actions/core';
import type { Logger } from './log.js';

/** The pipeline's Logger on top of the runner's log commands (setSecret masks from then on). */
export const actionLogger: Logger = {
  info: (message) => core.info(message),
  warning: (message, at) =>
    core.warning(
      message,
      at && at.document === undefined ? { file: at.source, startLine: at.line } : undefined,
    ),
  debug: (message) => core.debug(message),
  setSecret: (value) => core.setSecret(value),
  group: (title, work) => core.group(title, work),
};
