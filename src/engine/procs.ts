// Finding and stopping the processes a shell block started. Linux: /proc (session id and start
// time, so only the block's own process groups are stopped and earlier background jobs live on).
// Elsewhere: `ps`, descendants of the shell.
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** Seconds since boot (Linux only). */
  startedAt?: number;
}

const HAS_PROC = process.platform === 'linux';
const CLK_TCK = 100;

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: fields start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(f[1]), pgid: Number(f[2]), sid: Number(f[3]), startedAt: Number(f[19]) / CLK_TCK };
  } catch {
    return undefined;
  }
}

export function listProcs(): ProcInfo[] {
  if (HAS_PROC) {
    const out: ProcInfo[] = [];
    for (const name of readdirSync('/proc')) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const p = readProc(Number(name));
      if (p) out.push(p);
    }
    return out;
  }
  const r = spawnSync('ps', ['-A', '-o', 'pid=,ppid=,pgid='], { encoding: 'utf8' });
  return (r.stdout ?? '')
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter((f) => f.length === 3 && f.every(Number.isFinite))
    .map(([pid, ppid, pgid]) => ({ pid: pid!, ppid: ppid!, pgid: pgid!, sid: -1 }));
}

/** Seconds since boot now (Linux), to compare with ProcInfo.startedAt. */
export function uptimeSeconds(): number | undefined {
  if (!HAS_PROC) return undefined;
  try {
    return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

/**
 * Processes that belong to the shell `shellPid` (its session, or its descendants without /proc),
 * except the shell itself. `since` (seconds since boot) keeps only those started after it.
 */
export function shellProcesses(shellPid: number, since?: number): ProcInfo[] {
  return ofShell(listProcs(), shellPid, since);
}

let scanWaiters: ((all: ProcInfo[]) => void)[] = [];
let scanTimer: NodeJS.Timeout | undefined;

/**
 * shellProcesses from a process table scan shared by every caller that asks within `windowMs`
 * (the first caller's window). Each caller gets a scan that started after it asked, so nothing it
 * would have seen is missed: shells closing together (a grading's learners) share the scan that
 * reaps them instead of reading all of /proc each.
 */
export function shellProcessesShared(shellPid: number, windowMs = 0): Promise<ProcInfo[]> {
  return new Promise((resolve) => {
    scanWaiters.push((all) => resolve(ofShell(all, shellPid)));
    // A kept (ref'd) timer: a reap may be the only thing left keeping the process alive.
    scanTimer ??= setTimeout(() => {
      scanTimer = undefined;
      const waiters = scanWaiters;
      scanWaiters = [];
      const all = listProcs();
      for (const w of waiters) w(all);
    }, windowMs);
  });
}

function ofShell(all: ProcInfo[], shellPid: number, since?: number): ProcInfo[] {
  let mine: ProcInfo[];
  if (HAS_PROC) {
    mine = all.filter((p) => p.sid === shellPid && p.pid !== shellPid);
  } else {
    const children = new Map<number, ProcInfo[]>();
    for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
    mine = [];
    const todo = [shellPid];
    while (todo.length) {
      for (const c of children.get(todo.pop()!) ?? []) {
        mine.push(c);
        todo.push(c.pid);
      }
    }
  }
  // 20 ms of slack: start times have a 10 ms resolution.
  return since === undefined ? mine : mine.filter((p) => p.startedAt === undefined || p.startedAt >= since - 0.02);
}

/** Signal each process group (never the shell's own group, whose members get it one by one). */
export function signalProcesses(procs: readonly ProcInfo[], shellPgid: number, signal: NodeJS.Signals): number {
  let sent = 0;
  const groups = new Set<number>();
  for (const p of procs) {
    if (p.pgid === shellPgid || p.pgid <= 1) {
      if (tryKill(p.pid, signal)) sent++;
    } else groups.add(p.pgid);
  }
  for (const g of groups) if (tryKill(-g, signal)) sent++;
  return sent;
}

export function tryKill(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** A process's start time in clock ticks since boot (Linux), exact, to tell a reused pid apart. */
export function processStartTime(pid: number): number | undefined {
  if (!HAS_PROC) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

/** This boot's id (Linux): a pid and start time recorded before a reboot mean nothing after it. */
export function bootId(): string | undefined {
  if (!HAS_PROC) return undefined;
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** What `Shell.processGroups()` returns: the shell's bash (leader of its own session). */
export interface ShellProcessGroups {
  pid: number;
  /** Clock ticks since boot (`processStartTime`). */
  startTime?: number;
  bootId?: string;
}

/**
 * End what a dead run's shell left running (its bash, the block it ran, background jobs): every
 * process of the session that bash leads, by process group, SIGTERM, then after `graceMs`
 * (default 2000) SIGKILL. Safe against reused pids: nothing is signalled when bash's pid now
 * belongs to a process started at another time or the machine rebooted since (a session id stays
 * in use, so never reused, while any process of the session lives). Linux only (elsewhere there
 * is no start time to check: nothing is signalled). Returns how many processes were found and how
 * many were still there after SIGKILL.
 */
export async function endProcessGroups(shells: ShellProcessGroups | readonly ShellProcessGroups[], opts: { graceMs?: number } = {}): Promise<{ found: number; left: number }> {
  const list = Array.isArray(shells) ? (shells as readonly ShellProcessGroups[]) : [shells as ShellProcessGroups];
  if (!HAS_PROC) return { found: 0, left: 0 };
  const boot = bootId();
  const sessions = new Set<number>();
  for (const s of list) {
    if (!Number.isInteger(s.pid) || s.pid <= 1 || s.startTime === undefined) continue;
    if (s.bootId !== undefined && boot !== undefined && s.bootId !== boot) continue;
    const now = processStartTime(s.pid);
    // Alive with another start time: the pid was reused, its session is someone else's.
    if (now !== undefined && now !== s.startTime) continue;
    sessions.add(s.pid);
  }
  const members = () => listProcs().filter((p) => sessions.has(p.sid) && p.pid !== process.pid);
  const signal = (sig: NodeJS.Signals) => {
    const groups = new Set<number>();
    for (const p of members()) {
      // bash first, one by one: a group may have been left by its leader.
      tryKill(p.pid, sig);
      if (p.pgid > 1) groups.add(p.pgid);
    }
    for (const g of groups) tryKill(-g, sig);
  };
  const found = members().length;
  if (!found) return { found: 0, left: 0 };
  signal('SIGTERM');
  const graceMs = opts.graceMs ?? 2000;
  const deadline = Date.now() + graceMs;
  while (members().length && Date.now() < deadline) await sleep(50);
  if (members().length) {
    signal('SIGCONT');
    signal('SIGKILL');
    const killDeadline = Date.now() + 2000;
    while (members().length && Date.now() < killDeadline) await sleep(20);
  }
  return { found, left: members().length };
}
