// NodeAccess over any transport that can run an argv on the node (docker exec, ssh). Every file
// operation is a constant POSIX sh script with the paths passed as positional parameters, so
// no path is ever interpolated into a shell string.
import type { NodeRef } from '../engine/types.js';
import type { BackupOutcome, NodeAccess, NodeExecResult, RestartOptions, RestartOutcome, RestoreOutcome, ServiceStatus } from './types.js';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { NodeError } from './errors.js';
import { explainExitCode, ProcessError, runProcess, type ProcessResult } from './process.js';

export const DEFAULT_BACKUP_SUFFIX = '.kubelab.bak';

/** Between two looks at a restarting unit: short, so a restart ends when it is done. */
const POLL_MS = 200;
/**
 * Without a readiness probe, how long a restarted unit must run (same main process, no new
 * restart) before it counts as up: a unit that refuses its config dies well within it.
 */
const SETTLE_MS = 1_000;
/** systemd restarts of a unit, after ours, that make it a crash loop. */
const CRASH_LOOP_RESTARTS = 3;

const WRITE_ATOMIC = `set -eu
p=$1
dir=$(dirname -- "$p")
tmp=$(mktemp -- "$dir/.kubelab.XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
cat > "$tmp"
if [ -e "$p" ]; then
  chown --reference="$p" -- "$tmp"
  chmod --reference="$p" -- "$tmp"
else
  chmod 0644 -- "$tmp"
fi
mv -f -- "$tmp" "$p"
trap - EXIT`;

// Prints "created" or "kept", then the backup's bytes (hashed here: the journal records them).
// cp -p keeps owner, mode and times; the rename makes the backup appear whole or not at all.
const BACKUP = `set -eu
p=$1 b=$2
if [ -e "$b" ]; then echo kept; exec cat -- "$b"; fi
[ -e "$p" ] || { echo "no such file: $p" >&2; exit 3; }
cp -p -- "$p" "$b.tmp.$$"
mv -f -- "$b.tmp.$$" "$b"
echo created
exec cat -- "$b"`;

// Renames a file kubelab did not make out of the way (never over another file).
const MOVE_ASIDE = `set -eu
b=$1 aside=$2
[ -e "$b" ] || exit 0
[ ! -e "$aside" ] || { echo "$aside already exists" >&2; exit 3; }
mv -- "$b" "$aside"
echo moved`;

// What a restore would put back: "backup" and the backup's bytes, or "none" and the file's
// current bytes (the backup was already moved back, or never made).
const PEEK_RESTORE = `set -eu
p=$1 b=$2
if [ -e "$b" ]; then echo backup; exec cat -- "$b"; fi
echo none
[ -e "$p" ] && exec cat -- "$p"
exit 0`;

// The rename restores bytes, owner, mode and times in one atomic step, and removes the backup
// so that a later run backs up the file as it will then be.
const RESTORE = `set -eu
p=$1 b=$2
[ -e "$b" ] || { echo "backup $b does not exist (already restored?)" >&2; exit 3; }
mv -f -- "$b" "$p"`;

/** A restart that did not become ready in time, saying what it was still waiting for. */
export class ServiceWaitError extends NodeError {
  constructor(
    message: string,
    readonly waitingFor: string,
    hint: string,
  ) {
    super('service-not-ready', message, { hint });
  }
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Splits the first line (a status word) from the bytes after it. */
function splitStatus(out: Buffer): [string, Buffer] {
  const nl = out.indexOf(0x0a);
  return nl < 0 ? [out.toString('utf8').trim(), Buffer.alloc(0)] : [out.subarray(0, nl).toString('utf8').trim(), out.subarray(nl + 1)];
}

export abstract class CommandNodeAccess implements NodeAccess {
  abstract readonly name: string;
  abstract readonly ref: NodeRef;
  /** Where the node is, for messages: `container kind-worker`, `ssh root@10.0.0.5`. */
  abstract describe(): string;
  /** The local argv that runs `argv` on the node. */
  protected abstract wrap(argv: string[], withInput: boolean): Promise<string[]>;

  async execRaw(argv: string[], opts: { input?: string | Buffer; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ProcessResult> {
    const local = await this.wrap(argv, opts.input !== undefined);
    try {
      return await runProcess(local, { input: opts.input, timeoutMs: opts.timeoutMs ?? 120_000, signal: opts.signal });
    } catch (e) {
      if (e instanceof ProcessError && e.code === 'command-not-found') {
        throw new NodeError('node-transport-missing', `cannot reach ${this.describe()}: ${local[0]} is not installed`, {
          hint: 'run `kubelab doctor` to see what is missing and how to install it',
          cause: e,
        });
      }
      throw e;
    }
  }

  async exec(argv: string[], opts: { input?: string | Buffer; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<NodeExecResult> {
    const r = await this.execRaw(argv, opts);
    return { exitCode: r.exitCode, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
  }

  /** Runs and throws a NodeError with the command's stderr when it fails. */
  protected async must(what: string, argv: string[], opts: { input?: string | Buffer; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ProcessResult> {
    const r = await this.execRaw(argv, opts);
    if (r.exitCode !== 0 || r.timedOut) {
      const err = r.stderr.toString('utf8').trim();
      const how = r.timedOut ? 'timed out' : `exited with ${explainExitCode(r.exitCode)}`;
      throw new NodeError('node-command-failed', `${what} on ${this.describe()} failed: ${how}${err ? `: ${err}` : ''}`, {
        hint: r.exitCode === 127 ? 'the node lacks a command kubelab needs (coreutils, systemd)' : undefined,
      });
    }
    return r;
  }

  async readFile(path: string): Promise<Buffer> {
    return (await this.must(`reading ${path}`, ['cat', '--', path])).stdout;
  }

  async writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
    await this.must(`writing ${path}`, ['sh', '-c', WRITE_ATOMIC, 'sh', path], { input: data });
  }

  async backupFile(path: string, suffix = DEFAULT_BACKUP_SUFFIX): Promise<string> {
    return (await this.backup(path, suffix)).backupPath;
  }

  /** backupFile, also saying whether this call made the backup, and the backup's sha256. */
  async backup(path: string, suffix = DEFAULT_BACKUP_SUFFIX): Promise<BackupOutcome> {
    const backupPath = path + suffix;
    const r = await this.must(`backing up ${path}`, ['sh', '-c', BACKUP, 'sh', path, backupPath]);
    const [status, bytes] = splitStatus(r.stdout);
    return { backupPath, created: status === 'created', sha256: sha256(bytes) };
  }

  /**
   * Renames `path` (a backup kubelab did not make) to `path.stale-<UTC time>`; returns the new
   * name, or undefined when there was no such file.
   */
  async moveAside(path: string, now = new Date()): Promise<string | undefined> {
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const aside = `${path}.stale-${stamp}`;
    const r = await this.must(`moving ${path} aside`, ['sh', '-c', MOVE_ASIDE, 'sh', path, aside]);
    return r.stdout.toString('utf8').trim() === 'moved' ? aside : undefined;
  }

  /**
   * Puts the backup's bytes back (owner and mode kept). With the backup's `sha256` (recorded
   * when it was made) it is idempotent: when the backup is gone and the file already holds those
   * bytes, the restore is done already (an interrupt landed after it). It refuses a backup whose
   * bytes are not the recorded ones, and a missing backup when the file differs.
   */
  async restoreBackup(path: string, backupPath: string, opts: { sha256?: string } = {}): Promise<RestoreOutcome> {
    if (opts.sha256) {
      const peek = await this.must(`reading ${backupPath}`, ['sh', '-c', PEEK_RESTORE, 'sh', path, backupPath]);
      const [what, bytes] = splitStatus(peek.stdout);
      const got = sha256(bytes);
      if (what === 'none') {
        if (got === opts.sha256) return 'already-restored';
        throw new NodeError('backup-missing', `cannot restore ${path} on ${this.describe()}: the backup ${backupPath} does not exist and ${path} differs from the backed-up bytes (sha256 ${opts.sha256.slice(0, 12)}…, now ${got.slice(0, 12)}…)`, {
          hint: `nothing was changed; put the original ${path} back by hand, then run \`kubelab cleanup\` again (or drop this undo)`,
        });
      }
      if (got !== opts.sha256) {
        throw new NodeError('backup-changed', `refusing to restore ${path} on ${this.describe()}: ${backupPath} is not the backup kubelab made (sha256 ${got.slice(0, 12)}…, recorded ${opts.sha256.slice(0, 12)}…)`, {
          hint: `nothing was changed; check ${backupPath} by hand`,
        });
      }
    }
    await this.must(`restoring ${path} from ${backupPath}`, ['sh', '-c', RESTORE, 'sh', path, backupPath]);
    return 'restored';
  }

  async serviceStatus(unit: string, opts: { signal?: AbortSignal } = {}): Promise<ServiceStatus> {
    const r = await this.must(`systemctl show ${unit}`, ['systemctl', 'show', `--property=${SHOW_PROPERTIES}`, unit], { timeoutMs: 15_000, signal: opts.signal });
    return toServiceStatus(r.stdout.toString('utf8'));
  }

  /** `systemctl restart UNIT` and its status right after, in one round trip to the node. */
  private async restartAndShow(unit: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<ServiceStatus> {
    const r = await this.must(`systemctl restart ${unit}`, ['sh', '-c', 'systemctl restart -- "$1" && exec systemctl show --property="$2" -- "$1"', 'sh', unit, SHOW_PROPERTIES], opts);
    return toServiceStatus(r.stdout.toString('utf8'));
  }

  /**
   * `systemctl restart UNIT`, then wait, looking every POLL_MS, until the new process is ready:
   * running, and `ready` (a probe of what the unit serves) says so, or, without a probe, alive
   * for SETTLE_MS. A unit that crashes on start (a kubelet refusing its config) flips between
   * activating and active with NRestarts climbing: CRASH_LOOP_RESTARTS of those end the wait, and
   * the main process must be the same before and after a probe's yes. Aborting `signal` ends the
   * wait at once.
   */
  async restartService(unit: string, opts: RestartOptions = {}): Promise<RestartOutcome> {
    const started = Date.now();
    const timeoutMs = opts.timeoutMs ?? 90_000;
    const deadline = started + timeoutMs;
    let waitingFor = `systemctl restart ${unit}`;
    const waiting = (what: string) => {
      if (what !== waitingFor) opts.onWaiting?.(what);
      waitingFor = what;
    };
    opts.onWaiting?.(waitingFor);
    let next: ServiceStatus | undefined = await this.restartAndShow(unit, { timeoutMs, signal: opts.signal });
    let first: number | undefined;
    let last: number | undefined;
    const invocations = new Set<string>();
    let aliveSince: { pid: number; at: number } | undefined;
    let status: ServiceStatus | undefined;
    for (;;) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      status = next ?? (await this.serviceStatus(unit, { signal: opts.signal }));
      next = undefined;
      first ??= status.restarts;
      if (status.invocationId) invocations.add(status.invocationId);
      if (last !== undefined && status.restarts > last) await opts.onCrash?.([...invocations], opts.signal);
      last = status.restarts;
      // A unit systemd keeps restarting will not come up by waiting longer.
      if (status.restarts - first >= CRASH_LOOP_RESTARTS) {
        throw new NodeError('service-crash-loop', `${unit} on ${this.describe()} keeps crashing: systemd restarted it ${status.restarts - first} times since kubelab restarted it`, {
          hint: `look at its journal: journalctl -u ${unit} -n 50`,
        });
      }
      if (status.activeState === 'active' && status.mainPid > 0) {
        if (aliveSince?.pid !== status.mainPid) aliveSince = { pid: status.mainPid, at: Date.now() };
        if (opts.ready) {
          const verdict = await opts.ready(status, opts.signal);
          if (verdict.ready) {
            // The yes must come from the process that is still running.
            const after = await this.serviceStatus(unit, { signal: opts.signal });
            if (after.mainPid === status.mainPid && after.restarts === status.restarts && after.activeState === 'active') {
              return { status: after, how: verdict.how, durationMs: Date.now() - started };
            }
            waiting(`${unit} to stay up (it restarted while it was checked)`);
          } else {
            waiting(verdict.waitingFor);
          }
        } else if (Date.now() - aliveSince.at >= SETTLE_MS) {
          return { status, durationMs: Date.now() - started };
        } else {
          waiting(`${unit} (pid ${status.mainPid}) to stay up for ${SETTLE_MS / 1000} s`);
        }
      } else {
        aliveSince = undefined;
        waiting(`${unit} to be active (now ${status.activeState}/${status.subState})`);
      }
      if (Date.now() + POLL_MS >= deadline) break;
      await sleep(POLL_MS, undefined, { signal: opts.signal });
    }
    const state = status ? `${status.activeState}/${status.subState}${status.mainPid ? `, pid ${status.mainPid}` : ''}` : 'unknown';
    throw new ServiceWaitError(`${unit} on ${this.describe()}: ${formatSeconds(timeoutMs)} ran out while waiting for ${waitingFor} (unit ${state})`, waitingFor, `look at its journal: journalctl -u ${unit} -n 50`);
  }

  /** The last `lines` lines of a unit's journal; with `invocationId`, of those runs of the unit only. */
  async journal(unit: string, lines: number, opts: { invocationId?: string | string[]; signal?: AbortSignal } = {}): Promise<string> {
    // The same field given twice matches either value.
    const ids = [opts.invocationId ?? []].flat().filter(Boolean);
    const match = ids.length ? ids.map((id) => `_SYSTEMD_INVOCATION_ID=${id}`) : ['-u', unit];
    const r = await this.must(`journalctl -u ${unit}`, ['journalctl', ...match, '-n', String(lines), '--no-pager'], { signal: opts.signal });
    return r.stdout.toString('utf8');
  }
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(`aborted (${String(signal.reason)})`);
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

const SHOW_PROPERTIES = 'ActiveState,SubState,NRestarts,MainPID,InvocationID';

function toServiceStatus(text: string): ServiceStatus {
  const p = parseSystemctlShow(text);
  return {
    activeState: p.ActiveState ?? '?',
    subState: p.SubState ?? '?',
    mainPid: Number(p.MainPID) || 0,
    restarts: Number(p.NRestarts) || 0,
    invocationId: p.InvocationID ?? '',
  };
}

/** `systemctl show` prints KEY=VALUE lines. */
export function parseSystemctlShow(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
