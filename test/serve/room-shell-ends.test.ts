// A block that ends the page's shell (`exit`, or a failure under `set -e`) must not break the lab
// for good: the next block runs in a new terminal with the lab's environment, and says that the
// earlier shell's variables are gone. Before, every later block failed with "the lab's terminal
// has ended" until the server was restarted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/serve/course.js';
import { LabRoom } from '../../src/serve/room.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-room-exit-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a block that ends the page\'s shell', () => {
  it('the next block runs in a new shell with the lab\'s environment', async () => {
    writeFileSync(
      join(dir, 'exit.md'),
      '---\ntitle: Exit\nid: room-exit\ncluster: { provider: none }\nvars: { GREETING: hello }\n---\n\n# Exit\n\n## Leave\n\n```sh\nX=set-before; exit 3\n```\n\n```sh\necho "$GREETING ${X:-gone}"\n```\n\n```text\nhello gone\n```\n',
    );
    const course = await loadCourse([join(dir, 'exit.md')], dir);
    const room = await LabRoom.open(course.labs[0]!, { stateDir: join(dir, 'state'), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, providerOptions: {} });
    try {
      const first = await room.run(0, 0);
      expect(first.status).toBe('failed');
      const second = await room.run(0, 1);
      expect(second.output).toBe('hello gone\n');
      expect(second.status).toBe('passed');
    } finally {
      await room.close();
    }
  });
});
