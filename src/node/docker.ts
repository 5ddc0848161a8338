// A kind node container, reached with `docker exec`. The docker program is given (the CLI's
// config says which), never read from the environment here.
import type { NodeRef } from '../engine/types.js';
import { CommandNodeAccess } from './command-node.js';

export class DockerNodeAccess extends CommandNodeAccess {
  readonly ref: NodeRef;
  constructor(
    readonly name: string,
    readonly container: string = name,
    private readonly docker: string = 'docker',
  ) {
    super();
    this.ref = { transport: 'docker', container };
  }
  describe(): string {
    return `container ${this.container}`;
  }
  protected async wrap(argv: string[], withInput: boolean): Promise<string[]> {
    return [this.docker, 'exec', ...(withInput ? ['-i'] : []), this.container, ...argv];
  }
}
