import { describe, expect, it } from 'vitest';
import { annotation, createGithubReporter, escapeData, escapeProperty } from '../../src/report/github.js';
import { capture, play } from './capture.js';
import { sampleRun } from './events.js';

describe('github reporter', () => {
  it('escapes % \\r \\n in data, and also : and , in properties', () => {
    expect(escapeData('50% a\r\nb')).toBe('50%25 a%0D%0Ab');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
    expect(annotation('error', 'x\ny', { file: 'l.md', line: 3, title: 't: 1, 2' })).toBe('::error file=l.md,line=3,title=t%3A 1%2C 2::x%0Ay\n');
  });

  it('groups each step and annotates failed blocks and cleanup with file and line', async () => {
    const out = capture();
    await play(createGithubReporter({ stream: out }), sampleRun().events);
    const lines = out.text().split('\n');
    expect(lines.filter((l) => l.startsWith('::group::'))).toEqual(['::group::[1/3] Create a file', '::group::[2/3] Check <it> & "quote"', '::group::[3/3] Never']);
    expect(lines.filter((l) => l === '::endgroup::')).toHaveLength(3);
    const errors = lines.filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^::error file=labs\/demo.md,line=20,title=kubelab%3A Check <it> & "quote" \(check-it\/1\)::output differs from lab.md:22%0A--- expected%0A/);
    expect(errors[0]).toContain('%0A-hello%0A+hullo <b>%0Ahint: run');
    expect(errors[1]).toBe('::error file=labs/demo.md,line=40,title=kubelab%3A cleanup failed::restore /etc/x on kind-worker: no such file');
  });
});
