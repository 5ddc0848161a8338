// NodeAccess over any transport that can run an argv on the node (docker exec, ssh). Every file
// operation is a constant POSIX sh script with the paths passed as positional parameters, so
// no path is ever interpolated into a shell string.
import type { NodeRef } from '../engine/types.js';
import type { NodeAccess, NodeExecResult } from './types.js';
import { NodeError } from './errors.js';
import { explainExitCode, ProcessError, runProcess, type ProcessResult } from './process.js';

export const DEFAULT_BACKUP_SUFFIX = '.kubelab.bak';

/** How long a restarted unit must stay active (no new restart) before it counts as up. */
const STABLE_MS = 5_000;
const POLL_MS = 500;
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

// Prints "created" or "kept". cp -p keeps owner, mode and times; the rename makes the backup
// appear whole or not at all.
const BACKUP = `set -eu
p=$1 b=$2
if [ -e "$b" ]; then echo kept; exit 0; fi
[ -e "$p" ] || { echo "no such file: $p" >&2; exit 3; }
cp -p -- "$p" "$b.tmp.$$"
mv -f -- "$b.tmp.$$" "$b"
echo created`;

// The rename restores bytes, owner, mode and times in one atomic step, and removes the backup
// so that a later run backs up the file as it will then be.
const RESTORE = `set -eu
p=$1 b=$2
[ -e "$b" ] || { echo "backup $b does not exist (already restored?)" >&2; exit 3; }
mv -f -- "$b" "$p"`;

export interface BackupOutcome {
  backupPath: string;
  /** False when a backup already existed (an earlier block or an unfinished earlier run made it). */
  created: boolean;
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

  /** backupFile, also saying whether this call made the backup. */
  async backup(path: string, suffix = DEFAULT_BACKUP_SUFFIX): Promise<BackupOutcome> {
    const backupPath = path + suffix;
    const r = await this.must(`backing up ${path}`, ['sh', '-c', BACKUP, 'sh', path, backupPath]);
    return { backupPath, created: r.stdout.toString('utf8').trim() === 'created' };
  }

  async restoreBackup(path: string, backupPath: string): Promise<void> {
    await this.must(`restoring ${path} from ${backupPath}`, ['sh', '-c', RESTORE, 'sh', path, backupPath]);
  }

  async restartService(unit: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? 90_000;
    const deadline = Date.now() + timeoutMs;
    await this.must(`systemctl restart ${unit}`, ['systemctl', 'restart', unit], { timeoutMs, signal: opts.signal });
    // A unit that crashes on start (a kubelet refusing its config) flips between activating and
    // active, with NRestarts climbing: it counts as up only once it stayed active, without a new
    // restart, for STABLE_MS.
    let stableSince: number | undefined;
    let lastRestarts: string | undefined;
    let firstRestarts: number | undefined;
    let state = 'unknown';
    while (Date.now() < deadline) {
      if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error('aborted');
      const r = await this.exec(['systemctl', 'show', '--property=ActiveState,SubState,NRestarts', unit], { timeoutMs: 15_000, signal: opts.signal });
      const props = parseSystemctlShow(r.stdout);
      state = `${props.ActiveState ?? '?'}/${props.SubState ?? '?'}`;
      const restarts = props.NRestarts;
      firstRestarts ??= Number(restarts);
      // A unit systemd keeps restarting will not come up by waiting longer.
      if (Number(restarts) - firstRestarts >= CRASH_LOOP_RESTARTS) {
        throw new NodeError('service-crash-loop', `${unit} on ${this.describe()} keeps crashing: systemd restarted it ${Number(restarts) - firstRestarts} times since kubelab restarted it`, {
          hint: `look at its journal: journalctl -u ${unit} -n 50`,
        });
      }
      if (props.ActiveState === 'active' && (lastRestarts === undefined || restarts === lastRestarts)) {
        stableSince ??= Date.now();
        if (Date.now() - stableSince >= STABLE_MS) return;
      } else {
        stableSince = undefined;
      }
      lastRestarts = restarts;
      await delay(POLL_MS, opts.signal);
    }
    throw new NodeError('service-not-active', `${unit} on ${this.describe()} did not stay active within ${Math.round(timeoutMs / 1000)} s (last state ${state})`, {
      hint: `look at its journal: journalctl -u ${unit} -n 50`,
    });
  }

  async journal(unit: string, lines: number): Promise<string> {
    const r = await this.must(`journalctl -u ${unit}`, ['journalctl', '-u', unit, '-n', String(lines), '--no-pager']);
    return r.stdout.toString('utf8');
  }
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

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
