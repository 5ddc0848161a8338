// Why set-up stopped, and what to do next. The CLI shows `message` and `hint` on two lines and
// exits 2 (130/143 when interrupted), with no stack trace.
import { KubelabError } from '../errors.js';

export type SetupErrorCode =
  | 'SETUP_BAD_VERSION'
  | 'SETUP_UNKNOWN_VERSION'
  | 'SETUP_NOT_SERVED'
  | 'SETUP_NO_DOCKER'
  | 'SETUP_DOCKER_PERMISSION'
  | 'SETUP_DOCKER_DOWN'
  | 'SETUP_NO_GO'
  | 'SETUP_GO_TOO_OLD'
  | 'SETUP_NEEDS_ROOT'
  | 'SETUP_DISK_SPACE'
  | 'SETUP_PULL_FAILED'
  | 'SETUP_STEP_FAILED'
  | 'SETUP_NOT_READY'
  | 'SETUP_INTERRUPTED';

export class SetupError extends KubelabError {
  declare readonly code: SetupErrorCode;
  constructor(code: SetupErrorCode, message: string, opts: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(code, message, opts);
  }
}
