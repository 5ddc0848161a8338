// Undo records: plain data, journaled to disk BEFORE the action they undo, so that `kubelab
// cleanup` can finish them in another process after a crash. A leaf module: it imports nothing
// but the lab model's position type.
import type { Block, SourcePos } from '../lab/model.js';

export type NodeRef = { transport: 'docker'; container: string } | { transport: 'ssh'; target: string; sshArgs?: string[] };

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export type Undo =
  | { kind: 'sh'; label: string; command: string; cwd: string; env: Record<string, string>; pos?: SourcePos }
  /**
   * A `{cleanup}` block the run reached: run at cleanup as a block (its timeout, exit code,
   * expected output). The block itself is journaled, so a changed lab file cannot change it.
   */
  | { kind: 'cleanup-block'; label: string; block: Block; cwd: string; pos?: SourcePos }
  /**
   * `sha256` is the backup's, recorded when it was made: a restore whose backup is gone while the
   * file already holds those bytes is done (an interrupt after the move back), any other state fails.
   * `healthz`: where the restarted kubelet answers /healthz (through the API server), which ends
   * the wait for it; without it, the service must stay up about a second.
   */
  | {
      kind: 'restore-file';
      label: string;
      node: NodeRef;
      path: string;
      backupPath: string;
      sha256?: string;
      restartService?: string;
      healthz?: { kubeconfig: string; context?: string; nodeName: string };
    }
  | { kind: 'delete-objects'; label: string; kubeconfig: string; context?: string; objects: ObjectRef[] }
  | { kind: 'delete-cluster'; label: string; provider: 'kind'; name: string; kubeconfig?: string };

export type UndoKind = Undo['kind'];
