// Courses: the order of course.yaml (with its titles), else file-name order; bad input is one
// clear error with where and what to do.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/serve/course.js';
import { parseLab } from '../../src/lab/parse.js';
import { renderStep } from '../../src/serve/render.js';

const FIXTURE = resolve(__dirname, '../fixtures/serve/course');
const lab = (title: string) => `---\ntitle: ${title}\ncluster: { provider: none }\n---\n\n# ${title}\n\n## One\n\n\`\`\`sh\necho one\n\`\`\`\n`;

describe('loadCourse', () => {
  it('follows course.yaml: its order, its titles, its title', async () => {
    const c = await loadCourse([FIXTURE], '/');
    expect(c.title).toBe('Shell warm-up');
    expect(c.labs.map((l) => [l.index, l.title])).toEqual([
      [0, 'The shell keeps state'],
      [1, 'Files'],
    ]);
  });

  it('without course.yaml, takes the directory\'s labs in file-name order (README.md left out)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-course-'));
    writeFileSync(join(dir, 'b.md'), lab('Second'));
    writeFileSync(join(dir, 'a.md'), lab('First'));
    writeFileSync(join(dir, 'README.md'), '# not a lab\n');
    const c = await loadCourse([dir], '/');
    expect(c.labs.map((l) => l.title)).toEqual(['First', 'Second']);
    // One lab file is a course of one.
    expect((await loadCourse([join(dir, 'b.md')], '/')).labs.map((l) => l.title)).toEqual(['Second']);
  });

  it('refuses a course.yaml without labs, an entry outside the directory, a missing path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-course-'));
    writeFileSync(join(dir, 'course.yaml'), 'title: x\n');
    await expect(loadCourse([dir], '/')).rejects.toThrow(/course\.yaml: needs a `labs:` list/);
    writeFileSync(join(dir, 'course.yaml'), 'labs: [../elsewhere.md]\n');
    await expect(loadCourse([dir], '/')).rejects.toThrow(/outside the course directory/);
    writeFileSync(join(dir, 'course.yaml'), 'labs: [\n');
    await expect(loadCourse([dir], '/')).rejects.toThrow(/course\.yaml:\d+: not valid YAML/);
    await expect(loadCourse([join(dir, 'nope')], '/')).rejects.toThrow(/no such file or directory/);
  });
});

describe('renderStep', () => {
  it('keeps prose next to its block, escapes raw HTML and drops unsafe links', () => {
    const src = `---\ntitle: T\ncluster: { provider: none }\n---\n\n# T\n\n## Step\n\nFirst <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://kubernetes.io).\n\n\`\`\`sh\necho a\n\`\`\`\n\nBetween.\n\n\`\`\`sh\necho b\n\`\`\`\n\n\`\`\`text\nb\n\`\`\`\n\n\`\`\`sh {verify}\ntrue\n\`\`\`\n`;
    const l = parseLab(src, 'x.md');
    const html = renderStep(l, l.steps[0]!);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('href="https://kubernetes.io"');
    const order = ['First', 'data-block="0"', 'Between.', 'data-block="1"', 'expected output'].map((s) => html.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The verify block is the Check button's, not shown as a block.
    expect(html.match(/data-block=/g)).toHaveLength(2);
  });
});
