import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createJsonReporter } from '../../src/report/json.js';
import { play } from './capture.js';
import { sampleRun } from './events.js';
import { validate } from './json-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const schema = JSON.parse(await readFile(join(root, 'docs/report-schema.json'), 'utf8')) as Record<string, unknown>;

describe('json reporter', () => {
  it('writes the RunReport, which validates against docs/report-schema.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubelab-json-'));
    const file = join(dir, 'report.json');
    const { events, report } = sampleRun();
    await play(createJsonReporter({ outputFile: file }), events);
    const written = JSON.parse(await readFile(file, 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(report)));
    expect(validate(schema, written)).toEqual([]);
  });

  it('writes an array of RunReports for several labs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubelab-json-'));
    const file = join(dir, 'report.json');
    const reporter = createJsonReporter({ outputFile: file });
    await play(reporter, sampleRun().events);
    await play(reporter, sampleRun().events);
    const written = JSON.parse(await readFile(file, 'utf8'));
    expect(Array.isArray(written) && written.length).toBe(2);
    expect(validate(schema, written)).toEqual([]);
  });

  it('the schema checker rejects what the doc forbids', () => {
    const { report } = sampleRun();
    const bad = JSON.parse(JSON.stringify(report));
    bad.status = 'ok';
    bad.steps[0].blocks[0].exitCode = 'zero';
    delete bad.summary.cleanupFailures;
    bad.extra = true;
    bad.startedAt = 'yesterday';
    expect(validate(schema, bad).join('\n')).toBe(
      [
        '$: matches 0 of the oneOf alternatives',
      ].join('\n'),
    );
    expect(validate({ $defs: schema.$defs, $ref: '#/$defs/RunReport' }, bad).sort()).toEqual(
      [
        '$: unexpected property extra',
        '$.startedAt: not an RFC 3339 date-time',
        '$.status: "ok" not one of passed, failed, error, interrupted',
        '$.steps[0].blocks[0].exitCode: expected integer|null, got string',
        '$.summary: missing cleanupFailures',
      ].sort(),
    );
  });

  it('docs/report-schema.md describes every field of the schema', async () => {
    const doc = await readFile(join(root, 'docs/report-schema.md'), 'utf8');
    const fields = new Set<string>();
    const walk = (s: unknown): void => {
      if (!s || typeof s !== 'object') return;
      const props = (s as { properties?: Record<string, unknown> }).properties;
      if (props) for (const k of Object.keys(props)) fields.add(k);
      Object.values(s).forEach(walk);
    };
    walk(schema);
    expect(fields.size).toBeGreaterThan(40);
    const documented = new Set([...doc.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]));
    const missing = [...fields].filter((f) => !documented.has(f) && !doc.includes(`\`${f}\``));
    expect(missing).toEqual([]);
    expect(doc).toContain('schemaVersion 1');
  });
});
