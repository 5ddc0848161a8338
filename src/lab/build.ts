// The analysis behind analyzeLab, parseLab and lintLab: markdown nodes → Lab model + every diagnostic.
// Level-2 headings open steps (or the Cleanup section); fences become blocks. One small method
// per node kind (they stay fast on labs with thousands of steps).
import { parseInfoString, validateAttrs } from './attrs.js';
import { parseConsole } from './console.js';
import { Diagnostics, type LabDiagnostic } from './diagnostics.js';
import { findFrontMatter, parseFrontMatter, type FrontMatter } from './frontmatter.js';
import { lintModel, type BlockEntry } from './lint.js';
import { scanMarkdown, type FenceNode, type HeadingNode, type MarkdownNode } from './markdown.js';
import { DEFAULT_TIMEOUT_MS, type BlockAttrs, type Lab, type ShBlock, type SourcePos, type Step } from './model.js';
import { idFromFile, SlugRegistry, slugify } from './slug.js';
import { LineIndex, normalizeSource } from './source.js';
import { buildTypedBlock, TYPED_LANGS } from './typed-blocks.js';

export interface Analysis {
  lab: Lab;
  diagnostics: LabDiagnostic[];
}

export const RUNNABLE_LANGS = ['sh', 'bash', 'shell'] as const;
const CLEANUP_SLUGS = ['cleanup', 'clean-up'];

/** What a fence is to a lab. `text` fences are output only right after a command. */
type FenceRole = 'runnable' | 'console' | 'output' | 'typed' | 'illustration';

function roleOf(lang: string): FenceRole {
  switch (lang) {
    case 'sh':
    case 'bash':
    case 'shell':
      return 'runnable';
    case 'console':
      return 'console';
    case 'output':
    case 'text':
      return 'output';
    default:
      return (TYPED_LANGS as readonly string[]).includes(lang) ? 'typed' : 'illustration';
  }
}

/** A `##` section: the heading line, its first body line, its last line (known when the next starts). */
interface Section {
  kind: 'step' | 'cleanup';
  line: number;
  bodyLine: number;
  endLine: number;
  step?: Step;
  entries: BlockEntry[];
}

/** The previous fence, for attaching an output fence to the command right above it. */
interface Previous {
  fence: FenceNode;
  role: FenceRole;
  /** The sh block still waiting for its expected output. */
  command?: ShBlock;
}

export function buildLab(source: string, file: string): Analysis {
  const diags = new Diagnostics();
  const text = normalizeSource(source);
  const index = new LineIndex(text, file);
  const frontBlock = findFrontMatter(index, diags);
  const front = parseFrontMatter(frontBlock, index, diags);
  // Markdown must not see the front matter: blank it out in place (same offsets, same lines).
  const markdown = frontBlock ? blankLines(text, index.lineStart(frontBlock.closeLine + 1)) : text;

  let nodes: MarkdownNode[] = [];
  try {
    nodes = scanMarkdown(index, markdown);
  } catch (e) {
    diags.error('markdown', index.pos(1), `markdown could not be read: ${(e as Error).message}`);
  }

  const builder = new LabBuilder(index, diags);
  if (frontBlock) builder.markNotProse(1, frontBlock.closeLine);
  for (const node of nodes) {
    if (node.kind === 'heading') builder.heading(node);
    else builder.fence(node);
  }
  return { lab: builder.finish(source, file, front), diagnostics: diags.sorted() };
}

class LabBuilder {
  private readonly steps: Step[] = [];
  private readonly sections: Section[] = [];
  private readonly stepSections: { step: Step; entries: BlockEntry[] }[] = [];
  private readonly cleanupEntries: BlockEntry[] = [];
  private readonly slugs = new SlugRegistry(CLEANUP_SLUGS);
  /** Lines that are not prose: lab fences, the front matter and the document title. */
  private readonly notProse: Uint8Array;
  /** The section blocks go to; undefined before the first `##` heading. */
  private section: Section | undefined;
  private cleanupPos: SourcePos | undefined;
  private docTitle: string | undefined;
  private warnedAfterCleanup = false;
  private prev: Previous | undefined;

  constructor(
    private readonly index: LineIndex,
    private readonly diags: Diagnostics,
  ) {
    this.notProse = new Uint8Array(index.lineCount + 2);
  }

  markNotProse(from: number, to: number): void {
    for (let l = from; l <= to && l < this.notProse.length; l++) this.notProse[l] = 1;
  }

  heading(node: HeadingNode): void {
    this.prev = undefined;
    if (node.depth === 1 && this.section === undefined && this.docTitle === undefined) {
      this.docTitle = node.title;
      this.markNotProse(node.line, node.endLine);
    }
    if (node.depth !== 2) return;
    this.closeSection(node.line);
    const slug = slugify(node.title);
    const pos = this.index.pos(node.line, node.col);
    if (CLEANUP_SLUGS.includes(slug)) {
      if (this.cleanupPos) this.diags.error('duplicate-cleanup', pos, `second Cleanup section (the first is at line ${this.cleanupPos.line})`, 'merge the two Cleanup sections into one');
      this.cleanupPos ??= pos;
      this.openSection({ kind: 'cleanup', line: node.line, bodyLine: node.endLine + 1, endLine: this.index.lineCount, entries: this.cleanupEntries });
      return;
    }
    if (this.cleanupPos && !this.warnedAfterCleanup) {
      this.warnedAfterCleanup = true;
      this.diags.warning('step-after-cleanup', pos, 'step after the Cleanup section', 'Cleanup always runs last; move the Cleanup section to the end of the lab');
    }
    const step: Step = { index: this.steps.length, title: node.title, slug: this.slugs.claim(slug), pos, prose: '', blocks: [] };
    this.steps.push(step);
    const section: Section = { kind: 'step', line: node.line, bodyLine: node.endLine + 1, endLine: this.index.lineCount, step, entries: [] };
    this.stepSections.push({ step, entries: section.entries });
    this.openSection(section);
  }

  private openSection(section: Section): void {
    this.section = section;
    this.sections.push(section);
  }

  private closeSection(nextLine: number): void {
    if (this.section) this.section.endLine = nextLine - 1;
  }

  fence(fence: FenceNode): void {
    const role = roleOf(fence.lang);
    const pos = this.index.pos(fence.line, fence.col);
    if (!fence.closed && (role !== 'illustration' || fence.container === 'top')) {
      const what = role === 'illustration' ? 'code block' : `\`${fence.lang}\` block`;
      this.diags.error('unclosed-fence', pos, `${what} opened here is never closed`, `close it with a line \`${fenceChars(this.index, fence)}\`; as it is, it swallows the rest of the ${fence.container === 'top' ? 'file' : 'list item'}`);
    }
    if (fence.container === 'blockquote' && role !== 'illustration' && fence.lang !== 'text') {
      this.diags.warning('fence-in-blockquote', pos, `\`${fence.lang}\` block inside a blockquote is not part of the lab`, 'move it out of the quote to run it, or use another info string (e.g. `shell-example`) to show it only');
      this.prev = { fence, role: 'illustration' };
      return;
    }
    switch (role) {
      case 'illustration':
        this.prev = { fence, role };
        return;
      case 'runnable':
        return this.runnable(fence, pos);
      case 'output':
        return this.output(fence, pos);
      case 'console':
        return this.console(fence);
      case 'typed':
        return this.typed(fence, pos);
    }
  }

  private attrs(fence: FenceNode, target: 'sh' | 'output'): BlockAttrs {
    const { attrs } = parseInfoString(fence.info, fence.line, fence.infoCol, this.index, this.diags);
    return validateAttrs(attrs, target, fence.line, this.index, this.diags);
  }

  private runnable(fence: FenceNode, pos: SourcePos): void {
    const attrs = this.attrs(fence, 'sh');
    if (fence.text.trim() === '') this.diags.error('empty-block', pos, `\`${fence.lang}\` block is empty`, 'write the command to run in it, or remove it');
    const block: ShBlock = { kind: 'sh', id: '', pos, attrs, command: fence.text };
    this.markNotProse(fence.line, fence.endLine);
    this.place({ block, idName: attrs.name, pos }, fence);
    this.prev = { fence, role: 'runnable', command: block };
  }

  private output(fence: FenceNode, pos: SourcePos): void {
    const prev = this.prev;
    const adjacent = prev !== undefined && isAdjacent(this.index, prev.fence, fence);
    const waiting = adjacent ? prev.command : undefined;
    if (!waiting) {
      if (fence.lang === 'text') {
        // Not right after a command: a plain illustration. Attributes suggest the author meant output.
        if (fence.info.includes('{')) this.diags.warning('text-with-attributes', pos, '`text` block with attributes but no command right above it', 'an expected output must follow its `sh` block directly (blank lines only in between)');
        this.prev = { fence, role: 'illustration' };
        return;
      }
      this.diags.error('orphan-output', pos, orphanReason(adjacent ? prev : undefined), 'put the output block right after its `sh` block, with only blank lines in between');
      this.prev = { fence, role: 'output' };
      return;
    }
    const attrs = this.attrs(fence, 'output');
    const cmd = waiting.attrs;
    if (cmd.raw.stream !== undefined && attrs.raw.stream !== undefined && cmd.stream !== attrs.stream) {
      this.diags.error('bad-attribute', pos, `\`stream=${attrs.stream}\` here contradicts \`stream=${cmd.stream}\` on the command`, 'set `stream` in one place');
    }
    waiting.expected = {
      text: fence.text,
      pos,
      unordered: cmd.unordered || attrs.unordered,
      stream: attrs.raw.stream !== undefined ? attrs.stream : cmd.stream,
      fromConsole: false,
    };
    this.markNotProse(fence.line, fence.endLine);
    this.prev = { fence, role: 'output' };
  }

  private console(fence: FenceNode): void {
    const attrs = this.attrs(fence, 'sh');
    this.markNotProse(fence.line, fence.endLine);
    const commands = parseConsole(fence.text, fence.line + 1, fence.col, this.index, this.diags);
    for (let k = 0; k < commands.length; k++) {
      const c = commands[k]!;
      const block: ShBlock = {
        kind: 'sh',
        id: '',
        pos: this.index.pos(c.line, c.col),
        attrs: k === 0 ? attrs : { ...attrs, raw: { ...attrs.raw } },
        command: c.command,
        expected: { text: c.output, pos: this.index.pos(c.outputLine, c.col), unordered: attrs.unordered, stream: attrs.stream, fromConsole: true },
        console: { index: k },
      };
      const idName = attrs.name === undefined ? undefined : commands.length > 1 ? `${attrs.name}-${k + 1}` : attrs.name;
      this.place({ block, idName, pos: block.pos }, fence);
    }
    this.prev = { fence, role: 'console' };
  }

  private typed(fence: FenceNode, pos: SourcePos): void {
    this.markNotProse(fence.line, fence.endLine);
    const { attrs } = parseInfoString(fence.info, fence.line, fence.infoCol, this.index, this.diags);
    const block = buildTypedBlock(fence, attrs, this.index, this.diags);
    if (block.attrs.verify && block.kind !== 'access-review') {
      this.diags.error('bad-attribute', pos, `\`verify\` blocks must only read, and \`${block.kind}\` changes the cluster`, 'check the change with a `sh` or `access-review` verify block instead');
    }
    this.place({ block, idName: block.attrs.name, pos }, fence);
    this.prev = { fence, role: 'typed' };
  }

  private place(entry: BlockEntry, fence: FenceNode): void {
    const { block } = entry;
    const section = this.section;
    if (!section) {
      this.diags.error('block-outside-step', block.pos, `\`${fence.lang}\` block before the first step`, 'add a step heading (`## Step title`) above it; only blocks under a `##` heading run');
      return;
    }
    if (section.kind === 'cleanup') {
      if (block.kind !== 'sh') {
        this.diags.error('cleanup-content', block.pos, `the Cleanup section only holds shell commands, not \`${block.kind}\` blocks`, 'undo the change with a command (e.g. `kubectl delete -f ...`), or move the block into a step');
        return;
      }
      for (const flag of ['verify', 'hint', 'solution'] as const) {
        if (block.attrs[flag]) this.diags.error('cleanup-content', block.pos, `\`${flag}\` blocks do not belong in the Cleanup section`, 'move it into a step');
      }
      if (block.attrs.points !== undefined) this.diags.error('cleanup-content', block.pos, 'cleanup commands earn no points', 'remove `points`');
      block.attrs.cleanup = true;
    }
    section.entries.push(entry);
  }

  /** Prose of lines `from`..`to`: lab fences left out, runs of blank lines collapsed. */
  private prose(from: number, to: number): string {
    // Consecutive prose lines are one slice of the source (no array of lines to join).
    const { index } = this;
    let out = '';
    let blank = false;
    for (let l = from; l <= to; l++) {
      if (this.notProse[l]) continue;
      if (index.isBlank(l)) {
        blank = out !== '';
        continue;
      }
      let last = l;
      while (last < to && !this.notProse[last + 1] && !index.isBlank(last + 1)) last++;
      const run = index.text.slice(index.lineStart(l), index.lineEnd(last));
      out = out === '' ? run : `${out}${blank ? '\n\n' : '\n'}${run}`;
      blank = false;
      l = last;
    }
    return out;
  }

  finish(source: string, file: string, front: FrontMatter): Lab {
    for (const s of this.sections) {
      if (s.step) {
        s.step.prose = this.prose(s.bodyLine, s.endLine);
        s.step.blocks = s.entries.map((e) => e.block);
      }
    }
    lintModel({ steps: this.stepSections, cleanup: this.cleanupEntries, index: this.index, labTimeout: front.timeout }, this.diags);
    const id = front.id ?? idFromFile(file);
    const intro = this.prose(1, (this.sections[0]?.line ?? this.index.lineCount + 1) - 1);
    const lab: Lab = {
      file,
      source,
      title: front.title ?? this.docTitle ?? id,
      id,
      cluster: front.cluster,
      vars: front.vars,
      timeout: front.timeout ?? DEFAULT_TIMEOUT_MS,
      steps: this.steps,
      cleanup: this.cleanupEntries.map((e) => e.block),
    };
    if (front.kubernetes !== undefined) lab.kubernetes = front.kubernetes;
    if (intro !== '') lab.intro = intro;
    if (this.cleanupPos) lab.cleanupPos = this.cleanupPos;
    return lab;
  }
}

function orphanReason(prev: Previous | undefined): string {
  switch (prev?.role) {
    case 'console':
      return 'output block after a console block (console commands carry their output inside the block)';
    case 'typed':
      return `output block after a \`${prev.fence.lang}\` block (typed blocks have no output)`;
    case 'output':
      return 'second output block for one command';
    default:
      return 'output block with no command right above it';
  }
}

/** `text` with everything before `end` turned into spaces (newlines kept). */
function blankLines(text: string, end: number): string {
  return text.slice(0, end).replace(/[^\n]/g, ' ') + text.slice(end);
}

function fenceChars(index: LineIndex, fence: FenceNode): string {
  const line = index.line(fence.line).slice(fence.col - 1);
  const c = line[0] === '~' ? '~' : '`';
  let n = 0;
  while (line[n] === c) n++;
  return c.repeat(Math.max(3, n));
}

/** Only blank lines between the end of `a` and the start of `b`. */
function isAdjacent(index: LineIndex, a: FenceNode, b: FenceNode): boolean {
  if (b.line <= a.endLine) return false;
  for (let l = a.endLine + 1; l < b.line; l++) if (!index.isBlank(l)) return false;
  return true;
}
