// The plain-text front end, for when stdout is not a terminal: print the step, read line
// commands (`run`, `check`, `next`, `quit`…) from stdin. Scripts and screen readers use this.
import { createInterface } from 'node:readline';
import { formatNote } from './notes.js';
import { stepBody } from './screen.js';
import type { LearnSession, Note } from './session.js';
import type { Style } from './text.js';

export const PLAIN_HELP = 'commands: run [N], type, check, hint, solution, next, back, goto N, show, help, quit';

export interface PlainResult {
  cleanedUp: boolean;
  cleanup?: Note;
}

export async function runPlain(
  session: LearnSession,
  io: {
    input: NodeJS.ReadableStream;
    output: NodeJS.WritableStream;
    style: Style;
    width?: number;
    notice?: string | string[];
    signal?: AbortSignal;
    /** Lines to read instead of `input` (a course reads its index and its labs from one stream). */
    lines?: AsyncIterator<string>;
  },
): Promise<PlainResult> {
  const { output, style } = io;
  const width = io.width ?? 80;
  const rl = io.lines ? undefined : createInterface({ input: io.input, terminal: false });
  // An interrupt ends the input: the loop then quits without cleanup (the journal keeps it all).
  const onAbort = () => rl?.close();
  io.signal?.addEventListener('abort', onAbort, { once: true });
  const lines = io.lines ?? rl![Symbol.asyncIterator]();
  const say = (text: string) => output.write(text + '\n');
  const sayNote = (note: Note) => say(formatNote(note, style, width).join('\n'));
  const ask = async (prompt: string): Promise<string | undefined> => {
    output.write(prompt);
    const r = await lines.next();
    return r.done ? undefined : r.value;
  };
  const printStep = () => {
    const s = session.step;
    say('');
    say(style.bold(`== Step ${s.index + 1}/${session.lab.steps.length}: ${s.title}${session.done.has(s.slug) ? ' ✓' : ''}`));
    const body = stepBody({ lab: session.lab, step: s, blockIndex: session.blockIndex, results: session.results, output: [] }, style, width);
    say(body.lines.join('\n').trimEnd());
    say(style.dim(PLAIN_HELP));
  };

  const readPasted = async (block: { command: string }, n: number, total: number): Promise<string | undefined> => {
    say(`Paste the output of \`${block.command.split('\n')[0]}\`${total > 1 ? ` (${n + 1}/${total})` : ''}, then an empty line (or end of input):`);
    const got: string[] = [];
    for (;;) {
      const r = await lines.next();
      if (r.done || r.value === '') break;
      got.push(r.value);
    }
    return got.join('\n');
  };

  try {
    for (const n of io.notice === undefined ? [] : Array.isArray(io.notice) ? io.notice : [io.notice]) say(style.warn(n));
    say(style.bold(session.lab.title));
    printStep();
    for (;;) {
      const line = await ask('> ');
      if (line === undefined) return { cleanedUp: false };
      const [cmd = '', arg] = line.trim().split(/\s+/);
      switch (cmd.toLowerCase()) {
        case '':
          break;
        case 'r':
        case 'run': {
          const index = arg ? Number(arg) - 1 : undefined;
          const block = session.blocks[index ?? session.blockIndex];
          if (block?.kind === 'sh') say(style.dim(`$ ${block.command.split('\n')[0]}`));
          const note = await session.run({ index, onOutput: (_s, chunk) => output.write(chunk), progress: (m) => say(style.dim(`· ${m}`)), signal: io.signal });
          sayNote(note);
          break;
        }
        case 't':
        case 'type':
          say('Type the command(s) in your own terminal, then enter `check`.');
          break;
        case 'c':
        case 'check':
          sayNote(await session.check(readPasted, { signal: io.signal }));
          break;
        case 'h':
        case 'hint':
          sayNote(session.reveal('hint'));
          break;
        case 's':
        case 'solution':
          sayNote(session.reveal('solution'));
          break;
        case 'n':
        case 'next':
          if (session.atEnd) {
            await session.next();
            const n = session.lab.steps.length;
            const d = session.lab.steps.filter((s) => session.done.has(s.slug)).length;
            say(d === n ? style.ok(`Lab complete: ${d}/${n} steps.`) : `End of the lab: ${d}/${n} steps done.`);
            say('Enter `quit` to leave, or `goto N` to take a step again.');
          } else if (await session.next()) printStep();
          break;
        case 'p':
        case 'b':
        case 'back':
          if (await session.back()) printStep();
          else say('This is the first step.');
          break;
        case 'goto':
          if (await session.goTo(Number(arg) - 1)) printStep();
          else say(`There is no step ${arg ?? ''} (1-${session.lab.steps.length}).`);
          break;
        case 'show':
        case 'l':
          printStep();
          break;
        case 'help':
        case '?':
          say(PLAIN_HELP);
          break;
        case 'q':
        case 'quit':
        case 'exit': {
          const answer = await ask('Run cleanup (undo what this lab changed)? [y/N] ');
          if (answer?.trim().toLowerCase().startsWith('y')) {
            const note = await session.cleanup({ progress: (m) => say(style.dim(`· ${m}`)), signal: io.signal });
            sayNote(note);
            return { cleanedUp: true, cleanup: note };
          }
          return { cleanedUp: false };
        }
        default:
          say(`Unknown command \`${cmd}\`. ${PLAIN_HELP}`);
      }
    }
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
    rl?.close();
  }
}
