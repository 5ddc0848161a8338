// Cluster providers (kind, existing, none) and the handle a run gets from one.
import type { ClusterSpec, Lab } from '../lab/model.js';
import type { NodeAccess } from '../node/types.js';

export interface ClusterHandle {
  provider: ClusterSpec['provider'];
  /** kind cluster name, or the kubeconfig context name for `existing`. */
  name: string;
  /** Path of the kubeconfig the run uses (a private file for kind; never the user's ~/.kube/config edited). */
  kubeconfigPath: string;
  /** Extra environment for the lab's shell, e.g. PATH with a prepared kubectl first. */
  shellEnv?: Record<string, string>;
  context?: string;
  /** Resolve a lab's node name (`worker`, `worker-0`, `kind-worker`) to node access. */
  node(name: string): Promise<NodeAccess>;
  /** Node names as Kubernetes knows them. */
  nodeNames(): Promise<string[]>;
}

export interface ProviderOptions {
  /** Reuse a running cluster of the lab's name (kind). */
  reuse?: boolean;
  /** Keep a cluster kubelab created (kind). */
  keep?: boolean;
  /** kubeconfig context for `existing`. */
  context?: string;
  /** Node name -> ssh target for `existing` clusters whose nodes are not kind containers. */
  sshTargets?: Record<string, string>;
  /** ssh client configuration file for those targets (`ssh -F`). */
  sshConfig?: string;
  /** Node image for kind (default: KUBELAB_NODE_IMAGE or kind's own default). */
  nodeImage?: string;
  /** Tools, node image and base environment (default: defaultConfig()). */
  config?: import('../config.js').KubelabConfig;
  /** Directory for private kubeconfigs and state. */
  stateDir: string;
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

export interface ClusterProvider {
  readonly name: ClusterSpec['provider'];
  /**
   * Make the cluster usable. `registerUndo` journals what must be undone (deleting a cluster
   * kubelab created) before it is created.
   */
  setup(lab: Lab, opts: ProviderOptions, registerUndo: (undo: import('../model/undo.js').Undo) => Promise<string>): Promise<ClusterHandle | undefined>;
}
