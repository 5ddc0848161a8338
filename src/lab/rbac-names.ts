// Names an authorizer knows: RBAC's verbs, and the node subresources the kubelet authorizes
// itself. Lint warns about others statically; the access-review block adds the cluster's own
// discovery at run time.

/** The verbs of the API (RBAC's resource verbs). */
export const API_VERBS: readonly string[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
/** The special verbs RBAC knows (and `*`). */
export const SPECIAL_VERBS: readonly string[] = ['bind', 'escalate', 'impersonate', 'use', 'approve', 'sign', 'attest', '*'];
/** Subresources of nodes the kubelet authorizes (not in the API server's discovery), v1.36 included. */
export const KUBELET_SUBRESOURCES: readonly string[] = ['proxy', 'stats', 'metrics', 'log', 'spec', 'checkpoint', 'configz', 'healthz', 'pods'];
/** Subresources of nodes the API server serves itself. */
export const NODE_API_SUBRESOURCES: readonly string[] = ['status', 'proxy'];
