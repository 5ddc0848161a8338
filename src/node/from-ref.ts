import type { NodeRef } from '../engine/types.js';
import type { CommandNodeAccess } from './command-node.js';
import type { NodeTools } from './types.js';
import { DockerNodeAccess } from './docker.js';
import { SshNodeAccess } from './ssh.js';

/** Node access from a journaled NodeRef (undo handlers may run in a later process). */
export function nodeFromRef(ref: NodeRef, name?: string, tools: NodeTools = {}): CommandNodeAccess {
  switch (ref.transport) {
    case 'docker':
      return new DockerNodeAccess(name ?? ref.container, ref.container, tools.docker);
    case 'ssh':
      return new SshNodeAccess(name ?? ref.target, ref.target, ref.sshArgs ?? [], tools.ssh);
  }
}
