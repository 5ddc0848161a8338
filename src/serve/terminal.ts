// The page's terminal over a WebSocket: /ws/labs/N attaches to lab N's shell (./pty-shell.ts).
// Server → page: {t:'out', d} terminal output (the recent history first, so a reload shows what
// was there), {t:'busy', running} whether a block runs (typing is then held), {t:'exit'}.
// Page → server: {t:'in', d} keys, {t:'resize', cols, rows}.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Rooms } from './api.js';

export class TerminalSockets {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  constructor(private readonly rooms: Rooms) {}

  /** Take an upgrade that was already authorized. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, path: string): void {
    const m = /^\/ws\/labs\/(\d+)$/.exec(path);
    const index = m ? Number(m[1]) : -1;
    if (!m || index >= this.rooms.course.labs.length) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.attach(ws, index));
  }

  private async attach(ws: WebSocket, index: number): Promise<void> {
    const send = (data: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(data));
    };
    let shell;
    try {
      shell = await (await this.rooms.room(index)).terminal();
    } catch (e) {
      send({ t: 'out', d: `\r\nkubelab: could not start the lab's shell: ${(e as Error).message}\r\n` });
      ws.close();
      return;
    }
    const history = shell.history();
    if (history) send({ t: 'out', d: history });
    let running = shell.running;
    send({ t: 'busy', running });
    const offData = shell.onData((d) => {
      send({ t: 'out', d });
      if (shell.running !== running) send({ t: 'busy', running: (running = shell.running) });
    });
    const poll = setInterval(() => {
      if (shell.running !== running) send({ t: 'busy', running: (running = shell.running) });
    }, 200);
    const offExit = shell.onExit(() => {
      send({ t: 'out', d: '\r\n[the lab\'s shell ended; a new one starts, without the variables of this one]\r\n' });
      send({ t: 'exit' });
    });
    ws.on('message', (raw) => {
      let msg: { t?: string; d?: unknown; cols?: unknown; rows?: unknown };
      try {
        msg = JSON.parse(raw.toString()) as typeof msg;
      } catch {
        return;
      }
      if (msg.t === 'in' && typeof msg.d === 'string') shell.input(msg.d);
      else if (msg.t === 'resize' && typeof msg.cols === 'number' && typeof msg.rows === 'number') shell.resize(msg.cols, msg.rows);
    });
    ws.on('close', () => {
      clearInterval(poll);
      offData();
      offExit();
    });
  }

  close(): void {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}
