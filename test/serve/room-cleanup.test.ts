// Clean up from the page: a step's `{cleanup}` block and the Cleanup section run in the page's
// terminal (a pty bash), after the learner ran and checked the steps. The check's `yes | grep -q`
// ends `yes` with SIGPIPE, as labs/69's `journalctl | grep -q` does: cleanup used to hang after it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/serve/course.js';
import { LabRoom } from '../../src/serve/room.js';

const dir = mkdtempSync(join(tmpdir(), 'kubelab-room-cleanup-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lab = `---
title: Clean
id: room-cleanup
cluster: { provider: none }
---

# Clean

## Make a file

\`\`\`sh
NAME=made; touch "$NAME"
echo ok
\`\`\`

\`\`\`sh { cleanup }
rm -f "$NAME"
\`\`\`

\`\`\`sh { verify }
yes | grep -q y
[ -e "$NAME" ]
\`\`\`

## Cleanup

\`\`\`sh
[ ! -e made ] && echo "cluster as found"
\`\`\`
`;

describe('cleanup from the page', () => {
  it("runs the step's cleanup block and the Cleanup section in the page's shell", async () => {
    writeFileSync(join(dir, 'clean.md'), lab);
    const course = await loadCourse([join(dir, 'clean.md')], dir);
    const room = await LabRoom.open(course.labs[0]!, { stateDir: join(dir, 'state'), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, providerOptions: {} });
    try {
      expect((await room.run(0, 0)).status).toBe('passed');
      const check = await room.check();
      expect(check.ok).toBe(true);
      const cleanup = await room.cleanup();
      expect(cleanup.lines.join('\n')).toMatch(/✓ .*rm -f[\s\S]*✓/);
      expect(cleanup.ok).toBe(true);
    } finally {
      await room.close();
    }
  }, 60_000);
});
