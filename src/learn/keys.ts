// Raw-mode stdin bytes to keys. Plain ANSI/VT sequences only (what ssh and tmux send), and
// bracketed paste so that a pasted output with blank lines stays one paste.
export type Key =
  | { name: 'char'; ch: string }
  | { name: 'enter' | 'backspace' | 'tab' | 'escape' | 'up' | 'down' | 'left' | 'right' | 'pageup' | 'pagedown' | 'home' | 'end' | 'ctrl-c' | 'ctrl-d' | 'ctrl-l' }
  | { name: 'paste'; text: string };

const SEQUENCES: Record<string, Key['name']> = {
  '\x1b[A': 'up',
  '\x1bOA': 'up',
  '\x1b[B': 'down',
  '\x1bOB': 'down',
  '\x1b[C': 'right',
  '\x1bOC': 'right',
  '\x1b[D': 'left',
  '\x1bOD': 'left',
  '\x1b[5~': 'pageup',
  '\x1b[6~': 'pagedown',
  '\x1b[H': 'home',
  '\x1bOH': 'home',
  '\x1b[1~': 'home',
  '\x1b[7~': 'home',
  '\x1b[F': 'end',
  '\x1bOF': 'end',
  '\x1b[4~': 'end',
  '\x1b[8~': 'end',
};

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

/**
 * Decode one chunk. A bracketed paste split across chunks is carried in `pending` (pass the
 * returned `rest` back in with the next chunk).
 */
export function decodeKeys(chunk: string, pending = ''): { keys: Key[]; rest: string } {
  let s = pending + chunk;
  const keys: Key[] = [];
  while (s.length) {
    if (s.startsWith(PASTE_START)) {
      const end = s.indexOf(PASTE_END);
      if (end < 0) return { keys, rest: s };
      keys.push({ name: 'paste', text: s.slice(PASTE_START.length, end).replace(/\r\n?/g, '\n') });
      s = s.slice(end + PASTE_END.length);
      continue;
    }
    if (s[0] === '\x1b') {
      const seq = Object.keys(SEQUENCES).find((k) => s.startsWith(k));
      if (seq) {
        keys.push({ name: SEQUENCES[seq]! } as Key);
        s = s.slice(seq.length);
        continue;
      }
      // An unknown CSI sequence: swallow it whole rather than reading its bytes as keys.
      // eslint-disable-next-line no-control-regex -- key sequences start with ESC
      const csi = /^\x1b\[[0-9;?]*[ -/]*[@-~]/.exec(s);
      if (csi) {
        s = s.slice(csi[0].length);
        continue;
      }
      keys.push({ name: 'escape' });
      s = s.slice(1);
      continue;
    }
    const ch = String.fromCodePoint(s.codePointAt(0)!);
    s = s.slice(ch.length);
    switch (ch) {
      case '\r':
      case '\n':
        keys.push({ name: 'enter' });
        if (ch === '\r' && s[0] === '\n') s = s.slice(1);
        break;
      case '\x7f':
      case '\b':
        keys.push({ name: 'backspace' });
        break;
      case '\t':
        keys.push({ name: 'tab' });
        break;
      case '\x03':
        keys.push({ name: 'ctrl-c' });
        break;
      case '\x04':
        keys.push({ name: 'ctrl-d' });
        break;
      case '\x0c':
        keys.push({ name: 'ctrl-l' });
        break;
      default:
        if (ch >= ' ') keys.push({ name: 'char', ch });
    }
  }
  return { keys, rest: '' };
}

/** Collects pasted/typed lines until an empty line or Ctrl-D (learner output for `check`). */
export class PasteBuffer {
  readonly lines: string[] = [];
  current = '';

  /** Feed a key; returns 'done' (text complete), 'cancel' (Esc/Ctrl-C) or undefined (go on). */
  feed(key: Key): 'done' | 'cancel' | undefined {
    switch (key.name) {
      case 'paste': {
        const parts = (this.current + key.text).split('\n');
        this.current = parts.pop() ?? '';
        this.lines.push(...parts);
        return undefined;
      }
      case 'char':
        this.current += key.ch;
        return undefined;
      case 'tab':
        this.current += '\t';
        return undefined;
      case 'backspace':
        this.current = [...this.current].slice(0, -1).join('');
        return undefined;
      case 'enter':
        if (this.current === '' && this.lines.length > 0) return 'done';
        if (this.current === '' && this.lines.length === 0) return undefined;
        this.lines.push(this.current);
        this.current = '';
        return undefined;
      case 'ctrl-d':
        if (this.current !== '') {
          this.lines.push(this.current);
          this.current = '';
        }
        return 'done';
      case 'escape':
      case 'ctrl-c':
        return 'cancel';
      default:
        return undefined;
    }
  }

  text(): string {
    return this.lines.join('\n');
  }
}
