// A step's prose cut where its blocks are, so that the text introducing a block is shown next to
// it (not all of it above every command). Read from the lab's source by line, the way the parser
// keeps prose: lab fences (blocks, expected outputs, verify/hint/solution blocks) left out. Pure.
import type { Lab, Step } from '../lab/model.js';
import { mainBlocks } from './session.js';

export interface StepSegments {
  /** Prose before block i (by block id). */
  before: Map<string, string>;
  /** Prose after the last block. */
  after: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The step's prose by block; undefined when the source does not line up with the model. */
export function stepSegments(lab: Lab, step: Step): StepSegments | undefined {
  if (!lab.source) return undefined;
  const lines = lab.source.split(/\r?\n/);
  const first = step.pos.line + 1; // 1-based, after the heading
  // Lab fences of this step: [open, close] line ranges (1-based).
  const fences = new Map<number, number>();
  const opens = new Set<number>();
  for (const b of step.blocks) {
    opens.add(b.pos.line);
    if (b.kind === 'sh' && b.expected && !b.expected.fromConsole) opens.add(b.expected.pos.line);
  }
  for (const open of opens) {
    const m = FENCE.exec(lines[open - 1] ?? '');
    if (!m) return undefined;
    const marker = m[1]!;
    let close = open + 1;
    while (close <= lines.length && !new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`).test(lines[close - 1]!)) close++;
    fences.set(open, close);
  }
  const byLine = new Map(mainBlocks(step).map((b) => [b.pos.line, b.id]));
  const before = new Map<string, string>();
  let current: string[] = [];
  let inFence: string | undefined;
  for (let l = first; l <= lines.length; l++) {
    const text = lines[l - 1]!;
    if (!inFence && /^#{1,2}\s/.test(text)) break; // the next step or the Cleanup section
    const id = byLine.get(l);
    if (id !== undefined) {
      before.set(id, current.join('\n').trim());
      current = [];
    }
    const close = fences.get(l);
    if (close !== undefined) {
      l = close;
      continue;
    }
    // Fences that are prose (illustrations): a `#` inside is not a heading.
    const m = FENCE.exec(text);
    if (m) inFence = inFence ? (text.trim().startsWith(inFence) ? undefined : inFence) : m[1];
    current.push(text);
  }
  if (before.size !== byLine.size) return undefined;
  return { before, after: current.join('\n').trim() };
}
