// ```apply```: multi-document YAML, server-side applied (field manager kubelab) in order. The
// objects it creates are registered for deletion (reverse order) BEFORE anything is applied;
// objects that existed already are changed but never deleted by cleanup.
import type { ExecContext, ExecOutcome } from '../engine/types.js';
import type { ObjectRef, Undo } from '../model/undo.js';
import type { ApplyBlock } from '../lab/model.js';
import type { BlockModule, UndoHandler } from './types.js';
import { LabError } from '../errors.js';
import { clientFor, outcome, requireCluster } from './cluster-context.js';

async function execute(block: ApplyBlock, ctx: ExecContext): Promise<ExecOutcome> {
  const started = Date.now();
  const cluster = requireCluster(ctx, block);
  const client = await clientFor(cluster);
  const { ObjectApi, describeRef, objectExists, objectLabel, refOf, serverSideApply } = await import('../kube/objects.js');
  const api = ObjectApi.forConfig(client.kc);
  const docs = block.documents.filter((d) => d && Object.keys(d).length > 0);

  const planned: { doc: Record<string, unknown>; ref: ObjectRef; existed: boolean }[] = [];
  for (const [i, doc] of docs.entries()) {
    let ref: ObjectRef;
    try {
      ref = await refOf(api, doc);
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('every document')) {
        throw new LabError('bad-apply-document', `document ${i + 1} of the apply block: ${e.message}`, { pos: block.pos, hint: 'each YAML document is one Kubernetes object' });
      }
      throw e;
    }
    planned.push({ doc, ref, existed: await objectExists(api, ref) });
  }
  const command = `apply ${planned.map((p) => objectLabel(p.ref)).join(' ')}`;
  const created = planned.filter((p) => !p.existed).map((p) => p.ref);
  if (created.length) {
    await ctx.registerUndo({
      kind: 'delete-objects',
      label: `delete ${created.map(describeRef).join(', ')}`,
      kubeconfig: cluster.kubeconfigPath,
      ...(cluster.context ? { context: cluster.context } : {}),
      objects: [...created].reverse(),
    });
  }

  const lines: string[] = [];
  for (const p of planned) {
    await serverSideApply(api, p.doc, p.ref);
    // kubectl apply prints `created` / `configured`; an object that was there already is kept by cleanup.
    const line = `${objectLabel(p.ref)} ${p.existed ? 'configured (existed before: cleanup keeps it)' : 'created'}`;
    lines.push(line);
    ctx.onOutput?.('stdout', `${line}\n`);
  }
  return outcome(started, { status: 'passed', command, output: lines.join('\n') + '\n' });
}

/** Deletes the objects an apply block created (last first), waiting until they are gone. */
export const deleteObjectsUndo: UndoHandler<Extract<Undo, { kind: 'delete-objects' }>> = async (undo, opts) => {
  const [{ KubeClient }, { deleteObjects }] = await Promise.all([import('../kube/client.js'), import('../kube/objects.js')]);
  const client = KubeClient.load({ kubeconfigPath: undo.kubeconfig, context: undo.context });
  const lines = await deleteObjects(client, undo.objects, { signal: opts.signal });
  return lines.join('\n');
};

export const applyBlock: BlockModule<ApplyBlock> = {
  kind: 'apply',
  attrs: [],
  mutates: true,
  describe: (block) => `apply ${block.documents.length} object(s)`,
  execute,
  undo: { 'delete-objects': deleteObjectsUndo },
};
