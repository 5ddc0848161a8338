import { KubelabError } from '../errors.js';

/** A command on a node failed (file access, systemctl, journalctl). */
export class NodeError extends KubelabError {}
