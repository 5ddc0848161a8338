// A step as the page shows it: its markdown (from the lab's source, so prose stays next to the
// block it introduces) rendered with marked, raw HTML escaped and links limited to safe schemes.
// Each block the learner runs becomes a placeholder `<div class="block" data-block="N">` that the
// page fills (text, Run button, result); verify, hint, solution and cleanup blocks are not shown
// here (the page shows hints and solutions on request).
import { Marked, type Tokens } from 'marked';
import type { Block, Lab, Step } from '../lab/model.js';
import { escapeHtml } from '../html/escape.js';
import { mainBlocks } from '../learn/session.js';

/** http(s), mailto, and relative addresses (no scheme at all); never javascript: or data:. */
function safeUrl(href: string): boolean {
  const h = href.trim();
  // A control character inside a URL hides a scheme from browsers' eyes: refuse it.
  // eslint-disable-next-line no-control-regex
  return /^(https?|mailto):/i.test(h) || (!/^[a-z][a-z0-9+.-]*:/i.test(h) && !h.startsWith('//') && !/[\u0000-\u001f]/.test(h));
}

function renderer(): Marked {
  return new Marked({
    gfm: true,
    renderer: {
      html: (t: Tokens.HTML | Tokens.Tag) => escapeHtml(t.text),
      link(t: Tokens.Link) {
        const text = this.parser.parseInline(t.tokens);
        if (!safeUrl(t.href)) return text;
        return `<a href="${escapeHtml(t.href)}" target="_blank" rel="noopener noreferrer"${t.title ? ` title="${escapeHtml(t.title)}"` : ''}>${text}</a>`;
      },
      image(t: Tokens.Image) {
        return escapeHtml(t.text);
      },
    },
  });
}

/** Markdown prose (an intro, a hint's text) as safe HTML. */
export function renderMarkdown(text: string): string {
  return renderer().parse(text, { async: false });
}

/** The lines of the step's section, after its heading, up to the next section. */
function stepSource(lab: Lab, step: Step): { text: string; firstLine: number } {
  const lines = lab.source.split('\n');
  const next = lab.steps[step.index + 1]?.pos.line ?? lab.cleanupPos?.line ?? lines.length + 1;
  return { text: lines.slice(step.pos.line, next - 1).join('\n'), firstLine: step.pos.line + 1 };
}

/** The step's body: prose and expected outputs as HTML, runnable blocks as placeholders. */
export function renderStep(lab: Lab, step: Step): string {
  const main = mainBlocks(step);
  const { text, firstLine } = stepSource(lab, step);
  const marked = renderer();
  const tokens = marked.lexer(text);
  let line = firstLine;
  const out: string[] = [];
  let pending: Tokens.Generic[] = [];
  const flush = () => {
    if (!pending.length) return;
    const list = Object.assign(pending, { links: tokens.links });
    out.push(marked.parser(list as Parameters<typeof marked.parser>[0]));
    pending = [];
  };
  for (const token of tokens) {
    const start = line;
    const end = start + count(token.raw.trimEnd(), '\n');
    line += count(token.raw, '\n');
    if (token.type !== 'code') {
      pending.push(token);
      continue;
    }
    flush();
    const blocks = step.blocks.filter((b) => b.pos.line >= start && b.pos.line <= end);
    const runnable = blocks.filter((b) => main.includes(b));
    if (runnable.length) for (const b of runnable) out.push(`<div class="block" data-block="${main.indexOf(b)}"></div>`);
    else if (!blocks.length) out.push(`<figure class="expected"><figcaption>expected output</figcaption><pre><code>${escapeHtml((token as Tokens.Code).text)}</code></pre></figure>`);
  }
  flush();
  // Blocks whose fence was not found in the source (should not happen): still runnable.
  const shown = new Set(out.map((h) => /data-block="(\d+)"/.exec(h)?.[1]).filter(Boolean));
  main.forEach((_, i) => {
    if (!shown.has(String(i))) out.push(`<div class="block" data-block="${i}"></div>`);
  });
  return out.join('\n');
}

function count(s: string, c: string): number {
  let n = 0;
  for (let i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) n++;
  return n;
}

/** A block's language for the page (sh blocks are shell commands; typed blocks show YAML). */
export function blockLanguage(block: Block): string {
  return block.kind === 'sh' ? 'sh' : 'yaml';
}
