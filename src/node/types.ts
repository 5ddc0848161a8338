// Node access: kind's node containers over `docker exec`, or hosts over ssh. Same interface.
import type { NodeRef } from '../model/undo.js';

/** The programs node access runs locally (default `docker`, `ssh`: found in PATH). */
export interface NodeTools {
  docker?: string;
  ssh?: string;
}

export interface NodeExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface NodeAccess {
  /** The node's Kubernetes name (e.g. `kind-worker`). */
  readonly name: string;
  readonly ref: NodeRef;
  exec(argv: string[], opts?: { input?: string | Buffer; timeoutMs?: number; signal?: AbortSignal }): Promise<NodeExecResult>;
  readFile(path: string): Promise<Buffer>;
  /** Write via a temp file + rename in the same directory, keeping the old file's owner and mode. */
  writeFileAtomic(path: string, data: string | Buffer): Promise<void>;
  /**
   * Back up `path` to `path + suffix` (default `.kubelab.bak`). The first backup is never
   * overwritten by a later call; returns the backup path.
   */
  backupFile(path: string, suffix?: string): Promise<string>;
  /** Put the backup's bytes back (owner and mode kept). */
  restoreBackup(path: string, backupPath: string): Promise<void>;
  /** `systemctl restart UNIT`, then wait until it is active (and stays so) or the timeout ends. */
  restartService(unit: string, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<void>;
  /** The last `lines` lines of a unit's journal. */
  journal(unit: string, lines: number): Promise<string>;
}
