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
  /** backupFile, also saying whether this call made the backup, and the backup's sha256. */
  backup(path: string, suffix?: string): Promise<BackupOutcome>;
  /** Rename a file kubelab did not make out of the way (`path.stale-<time>`); its new name. */
  moveAside(path: string): Promise<string | undefined>;
  /**
   * Put the backup's bytes back (owner and mode kept). Given the backup's sha256, a backup already
   * moved back (the file holds those bytes, no backup left) counts as done: `already-restored`.
   */
  restoreBackup(path: string, backupPath: string, opts?: { sha256?: string }): Promise<RestoreOutcome>;
  /** ActiveState, SubState, MainPID, NRestarts and InvocationID of a systemd unit. */
  serviceStatus(unit: string, opts?: { signal?: AbortSignal }): Promise<ServiceStatus>;
  /** `systemctl restart UNIT`, then wait until its new process is ready (see RestartOptions) or the timeout ends. */
  restartService(unit: string, opts?: RestartOptions): Promise<RestartOutcome>;
  /** The last `lines` lines of a unit's journal (of one run of it, given its invocation id). */
  journal(unit: string, lines: number, opts?: { invocationId?: string | string[]; signal?: AbortSignal }): Promise<string>;
}

/** What a restore did: moved the backup back, or found it already back (see restoreBackup). */
export type RestoreOutcome = 'restored' | 'already-restored';

/** A systemd unit as `systemctl show` sees it. */
export interface ServiceStatus {
  activeState: string;
  subState: string;
  /** 0 when no process runs. */
  mainPid: number;
  /** How often systemd restarted it by itself (Restart=), since it was last started by hand. */
  restarts: number;
  /** Changes with every start of the unit: the journal of one run is `_SYSTEMD_INVOCATION_ID=`. */
  invocationId: string;
}

/** Whether a restarted unit does its job; `waitingFor` says what is still missing, for messages. */
export type ReadyVerdict = { ready: true; how?: string } | { ready: false; waitingFor: string };
/** Asked while the unit runs; throw to stop waiting (e.g. its journal shows it refused its config). */
export type ReadyProbe = (status: ServiceStatus, signal?: AbortSignal) => Promise<ReadyVerdict>;

export interface RestartOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** What makes the restarted unit ready; default: it ran about a second without dying. */
  ready?: ReadyProbe;
  /** Told each time what the wait is waiting for changes. */
  onWaiting?: (what: string) => void;
  /**
   * Told each time systemd restarted the unit by itself (its process died), with the invocation
   * ids seen since the restart (the one that died among them): throw to stop waiting at once,
   * e.g. when the dead run's journal says why it will never come up.
   */
  onCrash?: (invocationIds: string[], signal?: AbortSignal) => Promise<void>;
}

export interface RestartOutcome {
  status: ServiceStatus;
  /** How readiness was established (the probe's `how`). */
  how?: string;
  durationMs: number;
}

export interface BackupOutcome {
  backupPath: string;
  /** False when a backup already existed (an earlier block or an unfinished earlier run made it). */
  created: boolean;
  /** sha256 (hex) of the backup's bytes. */
  sha256: string;
}
