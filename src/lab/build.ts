// The analysis behind parseLab and lintLab: markdown nodes → Lab model + every diagnostic.
// Level-2 headings open steps (or the Cleanup section); fences become blocks.
import { parseInfoString, validateAttrs, type AttrTarget, type RawAttr } from './attrs.js';
import { parseConsole } from './console.js';
import { Diagnostics, type LabDiagnostic } from './diagnostics.js';
import { findFrontMatter, parseFrontMatter } from './frontmatter.js';
import { lintModel, type BlockEntry } from './lint.js';
import { scanMarkdown, type FenceNode, type MarkdownNode } from './markdown.js';
import { DEFAULT_TIMEOUT_MS, type Block, type BlockAttrs, type ExpectedOutput, type Lab, type ShBlock, type SourcePos, type Step } from './model.js';
import { idFromFile, SlugRegistry, slugify } from './slug.js';
import { LineIndex, normalizeSource } from './source.js';
import { parseAccessReviewBody, parseApplyBody, parseKubeletConfigBody, parseSubject } from './typed-blocks.js';

export interface Analysis {
  lab: Lab;
  diagnostics: LabDiagnostic[];
}

export const RUNNABLE_LANGS = ['sh', 'bash', 'shell'] as const;
export const TYPED_LANGS = ['apply', 'kubelet-config', 'access-review'] as const;
const CLEANUP_SLUGS = ['cleanup', 'clean-up'];

/** What a fence is to a lab. `text` fences are output only right after a command. */
type FenceRole = 'runnable' | 'console' | 'output' | 'typed' | 'illustration';

function roleOf(lang: string): FenceRole {
  if ((RUNNABLE_LANGS as readonly string[]).includes(lang)) return 'runnable';
  if (lang === 'console') return 'console';
  if (lang === 'output' || lang === 'text') return 'output';
  if ((TYPED_LANGS as readonly string[]).includes(lang)) return 'typed';
  return 'illustration';
}

type Section = { kind: 'intro' } | { kind: 'step'; step: Step; entries: BlockEntry[] } | { kind: 'cleanup'; entries: BlockEntry[] };

/** The previous fence, for attaching an output fence to the command right above it. */
interface Previous {
  fence: FenceNode;
  role: FenceRole;
  /** The sh block still waiting for its expected output. */
  command?: ShBlock;
}

export function analyzeLab(source: string, file: string): Analysis {
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

  const id = front.id ?? idFromFile(file);
  const steps: Step[] = [];
  const stepEntries: { step: Step; entries: BlockEntry[] }[] = [];
  const cleanupEntries: BlockEntry[] = [];
  const slugs = new SlugRegistry(CLEANUP_SLUGS);
  /** Lines that are not prose: lab fences and the document title. */
  const notProse = new Uint8Array(index.lineCount + 2);
  /** Each `##` section: heading line, first body line, last line (set when the next one starts). */
  const sections: { line: number; bodyLine: number; endLine?: number; step?: Step }[] = [];
  let section: Section = { kind: 'intro' };
  let cleanupPos: SourcePos | undefined;
  let docTitle: string | undefined;
  let warnedAfterCleanup = false;
  let prev: Previous | undefined;

  const markNotProse = (from: number, to: number) => {
    for (let l = from; l <= to && l < notProse.length; l++) notProse[l] = 1;
  };
  if (frontBlock) markNotProse(1, frontBlock.closeLine);

  const place = (entry: BlockEntry, fence: FenceNode) => {
    const { block } = entry;
    switch (section.kind) {
      case 'intro':
        diags.error('block-outside-step', block.pos, `\`${fence.lang}\` block before the first step`, 'add a step heading (`## Step title`) above it; only blocks under a `##` heading run');
        return;
      case 'cleanup': {
        if (block.kind !== 'sh') {
          diags.error('cleanup-content', block.pos, `the Cleanup section only holds shell commands, not \`${block.kind}\` blocks`, 'undo the change with a command (e.g. `kubectl delete -f ...`), or move the block into a step');
          return;
        }
        for (const flag of ['verify', 'hint', 'solution'] as const) {
          if (block.attrs[flag]) diags.error('cleanup-content', block.pos, `\`${flag}\` blocks do not belong in the Cleanup section`, 'move it into a step');
        }
        if (block.attrs.points !== undefined) diags.error('cleanup-content', block.pos, 'cleanup commands earn no points', 'remove `points`');
        block.attrs.cleanup = true;
        section.entries.push(entry);
        return;
      }
      case 'step':
        section.entries.push(entry);
        return;
    }
  };

  const closeSection = (nextLine: number) => {
    if (section.kind === 'step') section.step.blocks = section.entries.map((e) => e.block);
    const last = sections[sections.length - 1];
    if (last) last.endLine = nextLine - 1;
  };

  for (const node of nodes) {
    if (node.kind === 'heading') {
      prev = undefined;
      if (node.depth === 1 && section.kind === 'intro' && docTitle === undefined) {
        docTitle = node.title;
        markNotProse(node.line, node.endLine);
      }
      if (node.depth !== 2) continue;
      closeSection(node.line);
      const slug = slugify(node.title);
      const pos = index.pos(node.line, node.col);
      if (CLEANUP_SLUGS.includes(slug)) {
        if (cleanupPos) diags.error('duplicate-cleanup', pos, `second Cleanup section (the first is at line ${cleanupPos.line})`, 'merge the two Cleanup sections into one');
        cleanupPos ??= pos;
        section = { kind: 'cleanup', entries: cleanupEntries };
        sections.push({ line: node.line, bodyLine: node.endLine + 1 });
        continue;
      }
      if (cleanupPos && !warnedAfterCleanup) {
        warnedAfterCleanup = true;
        diags.warning('step-after-cleanup', pos, 'step after the Cleanup section', 'Cleanup always runs last; move the Cleanup section to the end of the lab');
      }
      const step: Step = { index: steps.length, title: node.title, slug: slugs.claim(slug), pos, prose: '', blocks: [] };
      steps.push(step);
      section = { kind: 'step', step, entries: [] };
      stepEntries.push({ step, entries: section.entries });
      sections.push({ line: node.line, bodyLine: node.endLine + 1, step });
      continue;
    }

    const fence = node;
    const role = roleOf(fence.lang);
    const pos = index.pos(fence.line, fence.col);
    const adjacent = prev !== undefined && isAdjacent(index, prev.fence, fence);
    if (role !== 'illustration' && !fence.closed) {
      diags.error('unclosed-fence', pos, `\`${fence.lang}\` block opened here is never closed`, `close it with a line \`${fence.info === '' ? '```' : fenceChars(index, fence)}\`; as it is, it swallows the rest of the ${fence.container === 'top' ? 'file' : 'list item'}`);
    } else if (!fence.closed && fence.container === 'top') {
      diags.error('unclosed-fence', pos, 'code block opened here is never closed', `close it with a line \`${fenceChars(index, fence)}\`; as it is, it swallows the rest of the file`);
    }
    if (fence.container === 'blockquote' && role !== 'illustration' && !(role === 'output' && fence.lang === 'text')) {
      diags.warning('fence-in-blockquote', pos, `\`${fence.lang}\` block inside a blockquote is not part of the lab`, 'move it out of the quote to run it, or use another info string (e.g. `shell-example`) to show it only');
      prev = { fence, role: 'illustration' };
      continue;
    }
    const infoAttrs = () => parseInfoString(fence.info, fence.line, fence.infoCol, index, diags).attrs;
    const target = (t: AttrTarget): BlockAttrs => validateAttrs(infoAttrs(), t, fence.line, index, diags);

    switch (role) {
      case 'illustration':
        prev = { fence, role };
        break;

      case 'runnable': {
        const attrs = target('sh');
        if (fence.text.trim() === '') diags.error('empty-block', pos, `\`${fence.lang}\` block is empty`, 'write the command to run in it, or remove it');
        const block: ShBlock = { kind: 'sh', id: '', pos, attrs, command: fence.text };
        markNotProse(fence.line, fence.endLine);
        place({ block, idName: attrs.name, pos }, fence);
        prev = { fence, role, command: block };
        break;
      }

      case 'output': {
        const waiting = adjacent ? prev?.command : undefined;
        if (!waiting) {
          if (fence.lang === 'text') {
            // Not after a command: a plain illustration. Attributes suggest the author meant output.
            if (fence.info.includes('{')) diags.warning('text-with-attributes', pos, '`text` block with attributes but no command right above it', 'an expected output must follow its `sh` block directly (blank lines only in between)');
            prev = { fence, role: 'illustration' };
            break;
          }
          const why = !adjacent || !prev
            ? 'output block with no command right above it'
            : prev.role === 'console'
              ? 'output block after a console block (console commands carry their output inside the block)'
              : prev.role === 'typed'
                ? `output block after a \`${prev.fence.lang}\` block (typed blocks have no output)`
                : prev.role === 'output'
                  ? 'second output block for one command'
                  : 'output block with no command right above it';
          diags.error('orphan-output', pos, why, 'put the output block right after its `sh` block, with only blank lines in between');
          prev = { fence, role };
          break;
        }
        const attrs = target('output');
        const cmd = waiting.attrs;
        if (cmd.raw.stream !== undefined && attrs.raw.stream !== undefined && cmd.stream !== attrs.stream) {
          diags.error('bad-attribute', pos, `\`stream=${attrs.stream}\` here contradicts \`stream=${cmd.stream}\` on the command`, 'set `stream` in one place');
        }
        const expected: ExpectedOutput = {
          text: fence.text,
          pos,
          unordered: cmd.unordered || attrs.unordered,
          stream: attrs.raw.stream !== undefined ? attrs.stream : cmd.stream,
          fromConsole: false,
        };
        waiting.expected = expected;
        markNotProse(fence.line, fence.endLine);
        prev = { fence, role };
        break;
      }

      case 'console': {
        const attrs = target('sh');
        markNotProse(fence.line, fence.endLine);
        const commands = parseConsole(fence.text, fence.line + 1, fence.col, index, diags);
        commands.forEach((c, k) => {
          const own: BlockAttrs = { ...attrs, raw: { ...attrs.raw } };
          const block: ShBlock = {
            kind: 'sh',
            id: '',
            pos: index.pos(c.line, c.col),
            attrs: own,
            command: c.command,
            expected: { text: c.output, pos: index.pos(c.outputLine, c.col), unordered: attrs.unordered, stream: attrs.stream, fromConsole: true },
            console: { index: k },
          };
          const idName = attrs.name === undefined ? undefined : commands.length > 1 ? `${attrs.name}-${k + 1}` : attrs.name;
          place({ block, idName, pos: block.pos }, fence);
        });
        prev = { fence, role };
        break;
      }

      case 'typed': {
        markNotProse(fence.line, fence.endLine);
        const block = typedBlock(fence, infoAttrs(), index, diags);
        if (block) {
          if (block.attrs.verify && block.kind !== 'access-review') {
            diags.error('bad-attribute', pos, `\`verify\` blocks must only read, and \`${block.kind}\` changes the cluster`, 'check the change with a `sh` or `access-review` verify block instead');
          }
          place({ block, idName: block.attrs.name, pos }, fence);
        }
        prev = { fence, role };
        break;
      }
    }
  }
  closeSection(index.lineCount + 1);

  // Prose: each section's lines minus lab fences, blank runs collapsed.
  const proseOf = (from: number, to: number): string => {
    const out: string[] = [];
    for (let l = from; l <= to; l++) {
      if (notProse[l]) continue;
      if (index.isBlank(l)) {
        if (out.length > 0 && out[out.length - 1] !== '') out.push('');
        continue;
      }
      out.push(index.line(l));
    }
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out.join('\n');
  };
  for (const s of sections) {
    if (s.step) s.step.prose = proseOf(s.bodyLine, s.endLine ?? index.lineCount);
  }
  const intro = proseOf(1, (sections[0]?.line ?? index.lineCount + 1) - 1);

  lintModel({ steps: stepEntries, cleanup: cleanupEntries, index }, diags);

  const lab: Lab = {
    file,
    source,
    title: front.title ?? docTitle ?? id,
    id,
    cluster: front.cluster,
    vars: front.vars,
    timeout: front.timeout ?? DEFAULT_TIMEOUT_MS,
    steps,
    cleanup: cleanupEntries.map((e) => e.block),
  };
  if (front.kubernetes !== undefined) lab.kubernetes = front.kubernetes;
  if (intro !== '') lab.intro = intro;
  if (cleanupPos) lab.cleanupPos = cleanupPos;
  return { lab, diagnostics: diags.sorted() };
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

function typedBlock(fence: FenceNode, raw: RawAttr[], index: LineIndex, diags: Diagnostics): Block | undefined {
  const pos = index.pos(fence.line, fence.col);
  const target = (t: AttrTarget) => validateAttrs(raw, t, fence.line, index, diags);
  const attrPos = (key: string) => index.pos(fence.line, raw.find((a) => a.key === key)?.col ?? fence.col);
  const bodyLine = fence.line + 1;
  const lang = fence.lang as (typeof TYPED_LANGS)[number];
  switch (lang) {
    case 'apply': {
      const attrs = target('apply');
      const documents = parseApplyBody(fence.text, bodyLine, index, diags, fence.line, fence.col);
      return { kind: 'apply', id: '', pos, attrs, yaml: fence.text, documents };
    }
    case 'kubelet-config': {
      const attrs = target('kubelet-config');
      if (attrs.node === undefined && attrs.raw.node === undefined) {
        diags.error('missing-attribute', pos, 'kubelet-config block needs `node=`', 'name the node whose kubelet to change: ```kubelet-config { node=worker }');
      }
      const patch = parseKubeletConfigBody(fence.text, bodyLine, index, diags, fence.line, fence.col);
      return { kind: 'kubelet-config', id: '', pos, attrs, node: attrs.node ?? '', patch };
    }
    case 'access-review': {
      const attrs = target('access-review');
      if (attrs.as === undefined && attrs.raw.as === undefined) {
        diags.error('missing-attribute', pos, 'access-review block needs `as=`', 'name the subject: ```access-review { as=system:serviceaccount:NAMESPACE:NAME verb=get resource=nodes }');
      }
      const subject = parseSubject(attrs.as ?? '', attrs.groups, attrPos('as'), diags);
      const rows = parseAccessReviewBody(fence.text, bodyLine, index, diags, fence.line, fence.col);
      return { kind: 'access-review', id: '', pos, attrs, subject, verb: attrs.verb ?? 'get', resource: attrs.resource ?? 'nodes', rows };
    }
    default: {
      const never: never = lang;
      return never;
    }
  }
}

