// The kind config a run uses: the lab's file, or on a cgroup v1 docker host a derived copy that
// lets kubelet 1.35+ start (it refuses cgroup v1 unless failCgroupV1 is false).
import { parseDocument, isSeq, YAMLSeq } from 'yaml';

export const CGROUP_V1_PATCH = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
`;

const EMPTY_CONFIG = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
`;

/** Adds the failCgroupV1 patch to a kind config (text in, text out; comments kept). */
export function withCgroupV1Patch(configText: string | undefined): string {
  const doc = parseDocument(configText?.trim() ? configText : EMPTY_CONFIG);
  let patches = doc.get('kubeadmConfigPatches');
  if (!isSeq(patches)) {
    patches = new YAMLSeq();
    doc.set('kubeadmConfigPatches', patches);
  }
  if (!(patches as YAMLSeq).items.some((p) => String((p as { value?: unknown })?.value ?? p).includes('failCgroupV1'))) {
    (patches as YAMLSeq).add(doc.createNode(CGROUP_V1_PATCH));
  }
  return doc.toString();
}

/** How many nodes a kind config asks for (kind's default is one control plane). */
export function kindConfigNodeCount(configText: string | undefined): number {
  if (!configText?.trim()) return 1;
  const nodes = parseDocument(configText).toJS()?.nodes;
  return Array.isArray(nodes) && nodes.length > 0 ? nodes.length : 1;
}
