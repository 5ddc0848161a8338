// One-line descriptions of blocks and cleanup items for reporters (what ran, in words).
import type { CleanupResult } from '../engine/types.js';
import type { Block, Lab } from '../lab/model.js';
import { oneLine } from './format.js';

export function describeBlock(block: Block): string {
  switch (block.kind) {
    case 'sh':
      return block.command;
    case 'apply': {
      const names = block.documents.map((d) => {
        const meta = (d.metadata ?? {}) as { name?: unknown };
        return `${String(d.kind ?? '?')}/${String(meta.name ?? '?')}`;
      });
      return `apply ${names.join(', ')}`;
    }
    case 'kubelet-config':
      return `kubelet-config on ${block.node}: ${Object.keys(block.patch).join(', ')}`;
    case 'access-review': {
      const who = block.subject.kind === 'user' ? block.subject.user : `system:serviceaccount:${block.subject.namespace}:${block.subject.name}`;
      return `access-review as ${who}: ${block.verb} ${block.resource}/{${block.rows.map((r) => r.subresource).join(',')}}`;
    }
    default: {
      const never: never = block;
      return String((never as Block).kind);
    }
  }
}

function findBlock(lab: Pick<Lab, 'steps' | 'cleanup'>, id: string): Block | undefined {
  for (const step of lab.steps) for (const b of step.blocks) if (b.id === id) return b;
  return lab.cleanup.find((b) => b.id === id);
}

/**
 * What a cleanup item ran, for display: a cleanup block's command (its first line, shortened)
 * rather than `cleanup block cleanup/1`, when the result carries it or the lab is known; an
 * undo's own label otherwise (`restore /etc/x on kind-worker`).
 */
export function describeCleanupItem(result: CleanupResult, lab?: Pick<Lab, 'steps' | 'cleanup'>, max = 72): string {
  const command = (result as CleanupResult & { command?: string }).command;
  if (command) return oneLine(command, max);
  const id = /^cleanup block (\S+)$/.exec(result.label)?.[1];
  const block = id && lab ? findBlock(lab, id) : undefined;
  return block ? oneLine(describeBlock(block), max) : result.label;
}
