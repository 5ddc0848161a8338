// What `kubelab serve PATH...` serves: a course, i.e. labs in order. A PATH is a lab file or a
// directory of labs: its `*.md` files in file-name order (README.md excepted), or the order and
// titles of its optional course.yaml:
//
//   title: Node access
//   labs:
//     - 69-kubelet-logs.md
//     - { file: 71-node-log-kubelet-authz.md, title: Splitting nodes/proxy }
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';
import type { Lab } from '../lab/model.js';
import { displayPath, loadLab } from '../cli/load.js';

export interface CourseLab {
  /** 0-based position in the course (the page's URL uses it). */
  index: number;
  /** Absolute path of the lab file (progress is kept per path). */
  file: string;
  /** As shown to the learner (relative to where kubelab was started). */
  display: string;
  title: string;
  lab: Lab;
}

export interface Course {
  title: string;
  labs: CourseLab[];
  /** What stands for the course in its journal (shared clusters): its course.yaml, directory or first lab (absolute). */
  home: string;
}

interface Listed {
  file: string;
  title?: string;
}

export async function loadCourse(paths: string[], cwd: string): Promise<Course> {
  const listed: Listed[] = [];
  let title: string | undefined;
  let home: string | undefined;
  for (const p of paths.length ? paths : ['labs']) {
    const abs = resolve(cwd, p);
    home ??= abs;
    const st = await stat(abs).catch(() => undefined);
    if (!st) throw new UsageError('serve-no-path', `${p}: no such file or directory`, { hint: 'give a lab file or a directory of labs (default ./labs)' });
    if (st.isDirectory()) {
      const dir = await listDirectory(abs, displayPath(abs, cwd));
      title ??= dir.title ?? (paths.length <= 1 ? basename(abs) : undefined);
      listed.push(...dir.labs);
    } else listed.push({ file: abs });
  }
  if (!listed.length) throw new UsageError('serve-no-labs', `no labs in ${paths.join(', ') || 'labs'}`, { hint: 'a course directory holds lab markdown files (*.md), or a course.yaml that lists them' });
  const labs: CourseLab[] = [];
  for (const [index, entry] of listed.entries()) {
    const lab = await loadLab(entry.file, cwd);
    if (!lab.steps.length) throw new UsageError('lab-no-steps', `${displayPath(entry.file, cwd)} has no steps to learn`, { hint: 'each step starts with a level-2 heading (`## Title`); see docs/lab-format.md' });
    labs.push({ index, file: entry.file, display: displayPath(entry.file, cwd), title: entry.title ?? lab.title, lab });
  }
  return { title: title ?? (labs.length === 1 ? labs[0]!.title : 'kubelab course'), labs, home: home! };
}

async function listDirectory(dir: string, display: string): Promise<{ title?: string; labs: Listed[] }> {
  const yamlPath = join(dir, 'course.yaml');
  const text = await readFile(yamlPath, 'utf8').catch(() => undefined);
  if (text === undefined) {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.md') && n.toLowerCase() !== 'readme.md').sort();
    return { labs: names.map((n) => ({ file: join(dir, n) })) };
  }
  const where = join(display, 'course.yaml');
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new UsageError('course-yaml', `${where}${line ? `:${line}` : ''}: not valid YAML: ${(e as Error).message.split('\n')[0]}`, { hint: 'see docs/learn.md ("A course") for the format' });
  }
  const doc = (data ?? {}) as { title?: unknown; labs?: unknown };
  if (typeof doc !== 'object' || !Array.isArray(doc.labs)) throw new UsageError('course-yaml', `${where}: needs a \`labs:\` list`, { hint: 'list the lab files in order, e.g. `labs: [intro.md, 71-node-log-kubelet-authz.md]`' });
  const labs = doc.labs.map((item: unknown, i: number): Listed => {
    const entry = typeof item === 'string' ? { file: item } : (item as { file?: unknown; title?: unknown });
    if (!entry || typeof entry.file !== 'string') throw new UsageError('course-yaml', `${where}: labs[${i}] needs a file`, { hint: 'each entry is a file name, or `{ file: NAME.md, title: TEXT }`' });
    const file = resolve(dir, entry.file);
    if (relative(dir, file).startsWith('..')) throw new UsageError('course-yaml', `${where}: labs[${i}] (${entry.file}) is outside the course directory`, { hint: 'keep a course\'s labs in its directory' });
    return { file, title: typeof entry.title === 'string' ? entry.title : undefined };
  });
  return { title: typeof doc.title === 'string' ? doc.title : undefined, labs };
}
