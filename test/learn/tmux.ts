// Driving `kubelab learn` through a real pseudo-terminal: tmux on a private socket, keys in with
// send-keys, the screen out with capture-pane.
import { execFileSync, spawnSync } from 'node:child_process';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export class TmuxSession {
  readonly socket = `kubelab-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  readonly name = 'learn';

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Start `command` (argv) in a detached width x height session; the pane stays after exit. */
  start(argv: string[], opts: { env: Record<string, string>; cwd: string; width?: number; height?: number }): void {
    const envArgs = Object.entries(opts.env).map(([k, v]) => `${k}=${shq(v)}`);
    const cmd = `cd ${shq(opts.cwd)} && exec env ${envArgs.join(' ')} ${argv.map(shq).join(' ')}`;
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', this.name, '-x', String(opts.width ?? 80), '-y', String(opts.height ?? 24), 'bash', '--noprofile', '--norc', '-c', cmd);
    this.tmux('set-option', '-t', this.name, 'remain-on-exit', 'on');
  }

  /** Start another program in the same session (after the first one exited). */
  respawn(argv: string[], opts: { env: Record<string, string>; cwd: string }): void {
    const envArgs = Object.entries(opts.env).map(([k, v]) => `${k}=${shq(v)}`);
    this.tmux('respawn-pane', '-k', '-t', this.name, `cd ${shq(opts.cwd)} && exec env ${envArgs.join(' ')} ${argv.map(shq).join(' ')}`);
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  /** Type text literally (no key-name lookup). */
  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text);
  }

  /** Paste as a terminal does (bracketed, when the program asked for it). */
  paste(text: string): void {
    this.tmux('set-buffer', '-b', 'kl', text);
    this.tmux('paste-buffer', '-p', '-b', 'kl', '-t', this.name);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.name);
  }

  /** The screen plus the scrollback (what scrolled off the top). */
  history(): string {
    return this.tmux('capture-pane', '-p', '-S', '-', '-t', this.name);
  }

  dead(): boolean {
    return this.tmux('display-message', '-p', '-t', this.name, '#{pane_dead}').trim() === '1';
  }

  async waitFor(predicate: (screen: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (predicate(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
  }

  waitForText(text: string, timeoutMs?: number): Promise<string> {
    return this.waitFor((s) => s.includes(text), JSON.stringify(text), timeoutMs);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
