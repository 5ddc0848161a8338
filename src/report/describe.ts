// One-line descriptions of blocks for reporters (what ran, in words).
import type { Block } from '../lab/model.js';

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
