// The raw-mode terminal front end: an alternate screen redrawn on every change, single-key
// commands, a paste prompt for `check`, and a cleanup question on quit. Plain ANSI only (works
// over ssh and in tmux); no mouse. Streams are injected; src/cli.ts owns the real TTY.
import type { ShBlock } from '../lab/model.js';
import { type Key, PasteBuffer, decodeKeys } from './keys.js';
import { formatNote } from './notes.js';
import { KEY_HELP, layoutScreen, stepBody } from './screen.js';
import type { LearnSession, Note } from './session.js';
import { type Style, stripAnsi, wrapText } from './text.js';

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

type Mode = { kind: 'normal' } | { kind: 'busy'; label: string; abort: AbortController } | { kind: 'confirm-quit' } | { kind: 'paste'; block: ShBlock; n: number; total: number; buf: PasteBuffer; resolve: (text: string | undefined) => void };

export async function runTty(session: LearnSession, io: { input: TtyIn; output: TtyOut; style: Style; notice?: string; signal?: AbortSignal }): Promise<TtyResult> {
  const { input, output, style } = io;
  let mode: Mode = { kind: 'normal' };
  let notes: string[] = io.notice ? [style.warn(io.notice)] : [];
  let live = '';
  let scroll = 0;
  let pending = '';
  const size = () => ({ width: output.columns || 80, height: output.rows || 24 });

  const outputLines = (): string[] => {
    const { width } = size();
    const lines = [...notes];
    if (live) lines.push(...wrapText(sanitizeOutput(live).replace(/\n$/, ''), width).map((l) => style.dim('│ ') + l));
    if (mode.kind === 'paste') {
      lines.push(
        style.bold(`Paste the output of \`${mode.block.command.split('\n')[0]}\`${mode.total > 1 ? ` (${mode.n + 1}/${mode.total})` : ''},`),
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
        return style.dim(KEY_HELP);
      case 'busy':
        return style.warn(`${mode.label}… (Ctrl-C stops it)`);
      case 'confirm-quit':
        return style.bold('Run cleanup (undo what this lab changed)? [y/N] ');
      case 'paste':
        return style.dim('Enter on an empty line or Ctrl-D: check · Esc: cancel');
    }
  };

  const draw = () => {
    const { width, height } = size();
    const screen = layoutScreen({ lab: session.lab, step: session.step, blockIndex: session.blockIndex, results: session.results, output: outputLines(), width, height, scroll, footer: footer(), doneSteps: session.done }, style);
    scroll = screen.scroll;
    output.write('\x1b[H' + screen.lines.map((l) => l + '\x1b[0m\x1b[K').join('\r\n'));
  };

  /** Scroll so that the end of the output area is visible (or its start, if it is taller than the window). */
  const scrollToOutput = () => {
    const { width, height } = size();
    const body = stepBody({ lab: session.lab, step: session.step, blockIndex: session.blockIndex, results: session.results, output: outputLines() }, style, width);
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
    live = '';
    scroll = 0;
    draw();
  };

  const busy = async <T>(label: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const abort = new AbortController();
    mode = { kind: 'busy', label, abort };
    draw();
    try {
      return await fn(abort.signal);
    } finally {
      mode = { kind: 'normal' };
    }
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
      const yes = key.name === 'char' && key.ch.toLowerCase() === 'y';
      if (key.name === 'char' || key.name === 'enter' || key.name === 'escape' || key.name === 'ctrl-c') {
        mode = { kind: 'normal' };
        const cleanup = yes ? await busy('Cleaning up', () => session.cleanup()) : undefined;
        finish({ cleanedUp: yes, cleanup });
      }
      return;
    }
    const ch = key.name === 'char' ? key.ch : undefined;
    if (key.name === 'up' || ch === 'k') scroll -= 1;
    else if (key.name === 'down' || ch === 'j') scroll += 1;
    else if (key.name === 'pageup' || ch === 'b') scroll -= page;
    else if (key.name === 'pagedown' || ch === ' ') scroll += page;
    else if (key.name === 'home' || ch === 'g') scroll = 0;
    else if (key.name === 'end' || ch === 'G') scroll = Number.MAX_SAFE_INTEGER;
    else if (key.name === 'ctrl-l') output.write('\x1b[2J');
    else if (key.name === 'right' || ch === 'n') {
      if (await session.next()) return newStep();
      show({ kind: 'info', text: 'This is the last step. Press q to quit.' });
      return;
    } else if (key.name === 'left' || ch === 'p') {
      if (await session.back()) return newStep();
      show({ kind: 'info', text: 'This is the first step.' });
      return;
    } else if (ch === 'q' || key.name === 'ctrl-c') {
      mode = { kind: 'confirm-quit' };
    } else if (ch === 'r') {
      live = '';
      const block = session.blocks[session.blockIndex];
      if (block) notes = [...notes, ...(notes.length ? [''] : []), style.dim(`$ ${block.kind === 'sh' ? block.command.split('\n')[0] : block.kind}`)];
      const note = await busy('Running', (signal) =>
        session.run({
          signal,
          onOutput: (_s, chunk) => {
            live += chunk;
            scrollToOutput();
            draw();
          },
        }),
      );
      const shown = sanitizeOutput(live).replace(/\n$/, '');
      live = '';
      if (note.kind === 'ran') {
        const out = shown || sanitizeOutput(note.result.output).replace(/\n$/, '');
        if (out) notes.push(...wrapText(out, size().width).map((l) => style.dim('│ ') + l));
      }
      show(note);
      return;
    } else if (ch === 't') {
      show({ kind: 'info', text: 'Type the command(s) above in your own terminal. When you are done, press c to check.' });
      return;
    } else if (ch === 'c') {
      const note = await busy('Checking', (signal) => session.check(readPasted, { signal }));
      show(note);
      return;
    } else if (ch === 'h' || ch === 's') {
      show(session.reveal(ch === 'h' ? 'hint' : 'solution'));
      return;
    } else if (ch && /^[1-9]$/.test(ch)) {
      if (!session.selectBlock(Number(ch) - 1)) show({ kind: 'info', text: `This step has ${session.blocks.length} command block(s).` });
    } else if (ch === '?') {
      show({ kind: 'info', text: KEY_HELP });
      return;
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
  draw();
  try {
    return await done;
  } finally {
    input.off('data', onData);
    input.off('end', onEnd);
    io.signal?.removeEventListener('abort', onEnd);
    output.off('resize', onResize);
    input.setRawMode?.(false);
    input.pause();
    output.write('\x1b[?2004l\x1b[?25h\x1b[?1049l');
  }
}
