// The raw-mode terminal front end: an alternate screen redrawn on every change, single-key
// commands, a paste prompt for `check`, the learner's own prompt in the lab's shell (`t`), a
// completion screen, and a cleanup question on quit that Esc takes back. Plain ANSI only (works
// over ssh and in tmux); no mouse. Streams are injected; src/cli.ts owns the real TTY.
import type { ShBlock } from '../lab/model.js';
import { type Key, PasteBuffer, decodeKeys } from './keys.js';
import { commandScreenLines, formatNote, outputLines as ruledOutput } from './notes.js';
import { KEY_HELP_LINES, completionBody, keyLine, layoutScreen, stepBody } from './screen.js';
import type { LearnSession, Note } from './session.js';
import { type Style, stripAnsi, wrapLine } from './text.js';

export interface TtyIn extends NodeJS.ReadableStream {
  setRawMode?(mode: boolean): unknown;
  isRaw?: boolean;
}
export interface TtyOut extends NodeJS.WritableStream {
  columns?: number;
  rows?: number;
}

export interface TtyResult {
  cleanedUp: boolean;
  /** What cleanup did, to print once the alternate screen is gone. */
  cleanup?: Note;
}

export interface TtyOptions {
  input: TtyIn;
  output: TtyOut;
  style: Style;
  /** Shown above the first step (e.g. "Welcome back: …"). */
  notice?: string | string[];
  signal?: AbortSignal;
  /**
   * `t`: hand the terminal to the learner's prompt in the lab's shell and return once they left
   * it (the terminal is given back in cooked mode on the main screen, and taken back after).
   */
  prompt?: () => Promise<Note>;
  /** In a course: the completion screen's Enter goes back to the course index. */
  course?: boolean;
}

/** Command output as it may be shown: no escapes or control characters, `\r` overwrites kept simple. */
export function sanitizeOutput(s: string): string {
  return stripAnsi(s)
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => (l.includes('\r') ? l.slice(l.lastIndexOf('\r') + 1) : l))
    .join('\n')
    .replace(/\t/g, '    ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

/** bash's report of a job it saw killed ("… Terminated  sleep 60"): noise when the learner stopped it. */
export function dropTerminated(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  while (lines.length && /\b(Terminated|Killed)\b/.test(lines[lines.length - 1]!) && /^(bash: |.*line \d+:|\[\d+\]|\s*\d+ )|Terminated$|Terminated +\S/.test(lines[lines.length - 1]!)) lines.pop();
  return lines.join('\n');
}

type Live = { kind: 'out'; text: string } | { kind: 'progress'; text: string };

type Mode =
  | { kind: 'normal' }
  | { kind: 'busy'; label: string; abort: AbortController; started: number }
  | { kind: 'confirm-quit' }
  | { kind: 'help' }
  | { kind: 'complete' }
  | { kind: 'paste'; block: ShBlock; n: number; total: number; buf: PasteBuffer; resolve: (text: string | undefined) => void };

export async function runTty(session: LearnSession, io: TtyOptions): Promise<TtyResult> {
  const { input, output, style } = io;
  let mode: Mode = { kind: 'normal' };
  let before: Mode = { kind: 'normal' };
  const noticeLines = io.notice === undefined ? [] : Array.isArray(io.notice) ? io.notice : [io.notice];
  let banner: string[] = noticeLines.flatMap((l) => wrapLine(style.warn(l), size().width, '  '));
  let notes: string[] = [];
  let live: Live[] = [];
  let scroll = 0;
  let pending = '';
  let ticker: NodeJS.Timeout | undefined;
  function size() {
    return { width: output.columns || 80, height: output.rows || 24 };
  }

  /** Output and progress lines, wrapped inside the `│ ` rule (nothing cut). */
  const liveLines = (parts: Live[], width: number, stopped = false): string[] => {
    const lines: string[] = [];
    let out = '';
    const flush = () => {
      const text = sanitizeOutput(stopped ? dropTerminated(out) : out).replace(/\n$/, '');
      if (text) lines.push(...ruledOutput(text, width, style));
      out = '';
    };
    for (const p of parts) {
      if (p.kind === 'out') out += p.text;
      else {
        flush();
        lines.push(...wrapLine(style.dim(`· ${p.text}`), width, '  '));
      }
    }
    flush();
    return lines;
  };

  const outputLines = (): string[] => {
    const { width } = size();
    const lines = [...notes];
    if (live.length) lines.push(...liveLines(live, width));
    if (mode.kind === 'paste') {
      lines.push(
        ...wrapLine(style.bold(`Paste the output of \`${mode.block.command.split('\n')[0]}\`${mode.total > 1 ? ` (${mode.n + 1}/${mode.total})` : ''},`), width, '  '),
        style.dim('then press Enter on an empty line (or Ctrl-D). Esc cancels.'),
        ...mode.buf.lines.map((l) => style.dim('> ') + l),
        style.dim('> ') + mode.buf.current + style.inverse(' '),
      );
    }
    return lines;
  };

  const footer = (): string => {
    switch (mode.kind) {
      case 'normal':
        return style.dim(keyLine(session.step, session.lab.steps.length));
      case 'busy': {
        const secs = Math.floor((Date.now() - mode.started) / 1000);
        return style.warn(`${mode.label}… ${secs}s (Ctrl-C stops it)`);
      }
      case 'confirm-quit':
        return style.bold('Undo what this lab changed? y: yes, quit · n: quit, keep it · Esc: stay');
      case 'help':
        return style.dim('Any key closes this list.');
      case 'complete':
        return style.dim(`q quit${io.course ? '  Enter back to the course' : ''}  p back  1-9 go to a step  ? keys`);
      case 'paste':
        return style.dim('Enter on an empty line or Ctrl-D: check · Esc: cancel');
    }
  };

  const helpBody = (width: number): string[] => {
    const keyWidth = Math.max(...KEY_HELP_LINES.map(([k]) => k.length)) + 2;
    const lines: string[] = [];
    for (const [k, what] of KEY_HELP_LINES) lines.push(...wrapLine(`  ${style.key(k.padEnd(keyWidth))}${what}`, width, ' '.repeat(keyWidth + 2)));
    lines.push('', ...wrapLine(style.dim('The key line at the bottom shows the keys this step has a use for.'), width));
    return lines;
  };

  const shownMode = (): Mode => (mode.kind === 'confirm-quit' || mode.kind === 'busy' ? before : mode);

  const draw = () => {
    const { width, height } = size();
    const base = { lab: session.lab, step: session.step, blockIndex: session.blockIndex, results: session.results, stopped: session.stopped, output: outputLines(), banner, width, height, scroll, footer: footer(), doneSteps: session.done };
    const shown = shownMode();
    let extra: { body?: string[]; title?: string } = {};
    if (shown.kind === 'help') extra = { body: helpBody(width), title: 'Keys' };
    else if (shown.kind === 'complete') {
      const c = completionBody(session.lab, session.done, style, width, { course: io.course });
      extra = { body: [...c.lines, '', ...outputLines()], title: c.title };
    }
    const screen = layoutScreen({ ...base, ...extra }, style);
    scroll = screen.scroll;
    output.write('\x1b[H' + screen.lines.map((l) => l + '\x1b[0m\x1b[K').join('\r\n'));
  };

  /** Scroll so that the end of the output area is visible (or its start, if it is taller than the window). */
  const scrollToOutput = () => {
    const { width, height } = size();
    if (shownMode().kind !== 'normal' && shownMode().kind !== 'paste') {
      scroll = Number.MAX_SAFE_INTEGER;
      return;
    }
    const body = stepBody({ lab: session.lab, step: session.step, blockIndex: session.blockIndex, results: session.results, stopped: session.stopped, output: outputLines(), banner }, style, width);
    const bodyHeight = height - 3;
    const end = Math.max(0, body.lines.length - bodyHeight);
    scroll = body.lines.length - body.outputStart > bodyHeight ? Math.max(body.outputStart, end) : end;
  };

  const show = (note: Note) => {
    notes = [...notes, ...(notes.length ? [''] : []), ...formatNote(note, style, size().width)];
    scrollToOutput();
    draw();
  };

  const newStep = () => {
    notes = [];
    live = [];
    banner = [];
    scroll = 0;
    mode = { kind: 'normal' };
    draw();
  };

  const busy = async <T>(label: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const abort = new AbortController();
    before = mode.kind === 'busy' || mode.kind === 'confirm-quit' ? before : mode;
    mode = { kind: 'busy', label, abort, started: Date.now() };
    // Elapsed time: the footer is redrawn each second while the block runs.
    ticker = setInterval(draw, 1000);
    draw();
    try {
      return await fn(abort.signal);
    } finally {
      clearInterval(ticker);
      ticker = undefined;
      mode = before;
    }
  };

  const onProgress = (message: string) => {
    live.push({ kind: 'progress', text: message });
    scrollToOutput();
    draw();
  };

  const readPasted = (block: ShBlock, n: number, total: number) =>
    new Promise<string | undefined>((resolve) => {
      const prev = mode;
      mode = { kind: 'paste', block, n, total, buf: new PasteBuffer(), resolve: (t) => ((mode = prev), resolve(t)) };
      scrollToOutput();
      draw();
    });

  let finish!: (r: TtyResult) => void;
  const done = new Promise<TtyResult>((r) => (finish = r));

  const quit = async (cleanup: boolean) => {
    if (!cleanup) return finish({ cleanedUp: false });
    live = [];
    notes = [...notes, ...(notes.length ? [''] : []), style.bold('Cleaning up:')];
    const note = await busy('Cleaning up', (signal) => session.cleanup({ progress: onProgress, signal }));
    finish({ cleanedUp: true, cleanup: note });
  };

  const runBlock = async () => {
    live = [];
    const block = session.blocks[session.blockIndex];
    if (block) notes = [...notes, ...(notes.length ? [''] : []), ...(block.kind === 'sh' ? commandScreenLines(block.command, size().width, 0, { ...style, code: style.dim }) : [style.dim(block.kind)])];
    let stopped = false;
    const note = await busy(`Running ${session.blockIndex + 1}. ${block?.kind ?? ''}`, async (signal) => {
      signal.addEventListener('abort', () => (stopped = true), { once: true });
      return session.run({
        signal,
        progress: onProgress,
        onOutput: (_s, chunk) => {
          live.push({ kind: 'out', text: chunk });
          scrollToOutput();
          draw();
        },
      });
    });
    // What was printed stays, also when the block was stopped or failed.
    const { width } = size();
    let kept = liveLines(live, width, stopped);
    if (!live.some((p) => p.kind === 'out') && note.kind === 'ran' && note.result.output) kept = [...kept, ...ruledOutput(sanitizeOutput(stopped ? dropTerminated(note.result.output) : note.result.output), width, style)];
    notes.push(...kept);
    live = [];
    show(note);
    if (note.kind === 'ran' && note.stepDone && session.atEnd) complete();
  };

  const complete = () => {
    mode = { kind: 'complete' };
    scroll = 0;
    draw();
  };

  /** The terminal's descriptors, for the learner's own prompt (`t`); undefined for a stream that is not one. */
  const fds = (): [number, number, number] | undefined => {
    const i = (input as { fd?: unknown }).fd;
    const o = (output as { fd?: unknown }).fd;
    return typeof i === 'number' && typeof o === 'number' ? [i, o, o] : undefined;
  };

  const lendTerminal = async () => {
    const stdio = fds();
    if (!io.prompt && (!stdio || !session.canPrompt)) return show({ kind: 'info', text: 'Type the commands in your own terminal; c checks the step.' });
    // The shell (and the cluster) may need setting up first: shown as it happens.
    live = [];
    notes = [];
    const ready = io.prompt ? undefined : await busy('Opening your prompt', (signal) => session.readyForPrompt({ progress: onProgress, signal }));
    if (ready?.kind === 'error') return show(ready);
    input.off('data', onData);
    input.pause();
    input.setRawMode?.(false);
    output.write('\x1b[?2004l\x1b[?25h\x1b[?1049l');
    let note: Note;
    try {
      note = io.prompt ? await io.prompt() : await session.prompt({ stdio: stdio!, write: (t) => output.write(t) });
    } catch (err) {
      note = { kind: 'error', text: (err as Error)?.message ?? String(err) };
    } finally {
      input.setRawMode?.(true);
      output.write('\x1b[?1049h\x1b[?25l\x1b[?2004h\x1b[2J');
      input.on('data', onData);
      input.resume();
    }
    live = [];
    show(note);
  };

  const handle = async (key: Key): Promise<void> => {
    const { height } = size();
    const page = Math.max(1, height - 4);
    if (mode.kind === 'paste') {
      const r = mode.buf.feed(key);
      if (r === 'done') mode.resolve(mode.buf.text());
      else if (r === 'cancel') mode.resolve(undefined);
      else {
        scrollToOutput();
        draw();
      }
      return;
    }
    if (mode.kind === 'busy') {
      if (key.name === 'ctrl-c') mode.abort.abort('SIGINT');
      return;
    }
    if (mode.kind === 'confirm-quit') {
      const ch = key.name === 'char' ? key.ch.toLowerCase() : undefined;
      if (key.name === 'escape' || key.name === 'ctrl-c') {
        mode = before;
        draw();
      } else if (ch === 'y') {
        mode = before;
        await quit(true);
      } else if (ch === 'n' || key.name === 'enter') {
        await quit(false);
      }
      return;
    }
    if (mode.kind === 'help') {
      mode = before;
      scroll = 0;
      draw();
      return;
    }
    const ch = key.name === 'char' ? key.ch : undefined;
    if (ch === 'q' || key.name === 'ctrl-c' || (mode.kind === 'complete' && key.name === 'enter')) {
      before = mode;
      mode = { kind: 'confirm-quit' };
    } else if (ch === '?') {
      before = mode;
      mode = { kind: 'help' };
      scroll = 0;
    } else if (key.name === 'up' || ch === 'k') scroll -= 1;
    else if (key.name === 'down' || ch === 'j') scroll += 1;
    else if (key.name === 'pageup' || ch === 'b') scroll -= page;
    else if (key.name === 'pagedown' || ch === ' ') scroll += page;
    else if (key.name === 'home' || ch === 'g') scroll = 0;
    else if (key.name === 'end' || ch === 'G') scroll = Number.MAX_SAFE_INTEGER;
    else if (key.name === 'ctrl-l') output.write('\x1b[2J');
    else if (mode.kind === 'complete') {
      if (key.name === 'left' || ch === 'p') return newStep();
      if (ch && /^[1-9]$/.test(ch) && (await session.goTo(Number(ch) - 1))) return newStep();
      return;
    } else if (key.name === 'right' || ch === 'n') {
      if (session.atEnd) {
        await session.next(); // a step of prose alone is done once read
        return complete();
      }
      if (await session.next()) return newStep();
      return;
    } else if (key.name === 'left' || ch === 'p') {
      if (await session.back()) return newStep();
      show({ kind: 'info', text: 'This is the first step.' });
      return;
    } else if (ch === 'r') {
      if (!session.blocks.length) return show({ kind: 'info', text: 'This step has no commands to run.' });
      return runBlock();
    } else if (ch === 't') {
      return lendTerminal();
    } else if (ch === 'c') {
      const note = await busy('Checking', (signal) => session.check(readPasted, { signal, progress: onProgress }));
      show(note);
      if (note.kind === 'check' && note.ok && session.atEnd) complete();
      return;
    } else if (ch === 'h' || ch === 's') {
      show(session.reveal(ch === 'h' ? 'hint' : 'solution'));
      return;
    } else if (ch && /^[1-9]$/.test(ch)) {
      if (!session.selectBlock(Number(ch) - 1)) show({ kind: 'info', text: `This step has ${session.blocks.length} command${session.blocks.length === 1 ? '' : 's'}.` });
    } else return;
    draw();
  };

  // Keys are handled one at a time: a key pressed while a command runs waits its turn, except
  // Ctrl-C and paste input, which act at once.
  let queue = Promise.resolve();
  const onData = (data: Buffer | string) => {
    const { keys, rest } = decodeKeys(data.toString(), pending);
    pending = rest;
    for (const key of keys) {
      if (mode.kind === 'busy' && key.name === 'ctrl-c') {
        mode.abort.abort('SIGINT');
        continue;
      }
      if (mode.kind === 'paste') {
        void handle(key);
        continue;
      }
      queue = queue.then(() => handle(key)).catch((err) => show({ kind: 'error', text: String((err as Error)?.message ?? err) }));
    }
  };
  const onResize = () => {
    output.write('\x1b[2J');
    draw();
  };
  const onEnd = () => finish({ cleanedUp: false });
  // SIGTERM/SIGHUP (src/cli.ts aborts): leave without cleanup, but give the terminal back first.
  io.signal?.addEventListener('abort', onEnd, { once: true });

  input.setRawMode?.(true);
  input.resume();
  // Alternate screen, hidden cursor, bracketed paste on.
  output.write('\x1b[?1049h\x1b[?25l\x1b[?2004h\x1b[2J');
  input.on('data', onData);
  input.on('end', onEnd);
  output.on('resize', onResize);
  if (session.complete && session.atEnd) mode = { kind: 'complete' };
  draw();
  try {
    return await done;
  } finally {
    clearInterval(ticker);
    input.off('data', onData);
    input.off('end', onEnd);
    io.signal?.removeEventListener('abort', onEnd);
    output.off('resize', onResize);
    input.setRawMode?.(false);
    input.pause();
    output.write('\x1b[?2004l\x1b[?25h\x1b[?1049l');
  }
}
