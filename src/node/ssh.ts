// A host reached with ssh. ssh joins its remote arguments into one shell string, so each is
// quoted. Root-owned files need root: when the login user is not root, commands run through
// `sudo -n` (passwordless sudo required). The ssh program is given, never read from the environment.
import type { NodeRef } from '../engine/types.js';
import { CommandNodeAccess } from './command-node.js';
import { runProcess, shellQuote } from './process.js';

export class SshNodeAccess extends CommandNodeAccess {
  readonly ref: NodeRef;
  private sudo?: Promise<boolean>;
  constructor(
    readonly name: string,
    readonly target: string,
    private readonly sshArgs: string[] = [],
    private readonly ssh: string = 'ssh',
  ) {
    super();
    this.ref = { transport: 'ssh', target, ...(sshArgs.length ? { sshArgs } : {}) };
  }
  describe(): string {
    return `ssh ${this.target}`;
  }
  private base(): string[] {
    return [this.ssh, '-o', 'BatchMode=yes', ...this.sshArgs, this.target, '--'];
  }
  protected async wrap(argv: string[]): Promise<string[]> {
    this.sudo ??= runProcess([...this.base(), 'id', '-u'], { timeoutMs: 30_000 }).then(
      (r) => r.exitCode === 0 && r.stdout.toString().trim() !== '0',
      () => false,
    );
    const remote = (await this.sudo) ? ['sudo', '-n', '--', ...argv] : argv;
    return [...this.base(), remote.map(shellQuote).join(' ')];
  }
}

