import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { learnersFromContexts, parseCsv, parseCsvRows, parseRoster } from '../../src/grade/roster.js';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n\r\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
    ]);
  });
});

describe('parseCsvRows', () => {
  it('gives each row the line it starts on, across blank lines and quoted newlines', () => {
    expect(parseCsvRows('a,b\n\n"x\ny",z\nlast,1')).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['x\ny', 'z'], line: 3 },
      { fields: ['last', '1'], line: 5 },
    ]);
  });

  it('refuses a quote that is never closed, at the line it opened', () => {
    expect(() => parseCsvRows('a,b\nc,"d\ne,f\n')).toThrow(expect.objectContaining({ line: 2, message: expect.stringMatching(/never closed/) }));
  });
});

describe('parseRoster', () => {
  it('reads CSV with any column order and resolves paths against the roster file', () => {
    const learners = parseRoster('context,learner,kubeconfig\nkind-a,alice,kube/a.yaml\nkind-b,bob,/abs/b.yaml\n', '/course/roster.csv');
    expect(learners).toEqual([
      { name: 'alice', context: 'kind-a', kubeconfig: resolve('/course/kube/a.yaml') },
      { name: 'bob', context: 'kind-b', kubeconfig: '/abs/b.yaml' },
    ]);
  });

  it('reads YAML as a list or a learners: mapping', () => {
    const list = parseRoster('- learner: alice\n  context: a\n- learner: bob\n  kubeconfig: b.yaml\n', '/r/roster.yaml');
    expect(list).toEqual([
      { name: 'alice', context: 'a', kubeconfig: undefined },
      { name: 'bob', context: undefined, kubeconfig: '/r/b.yaml' },
    ]);
    expect(parseRoster('learners:\n  - { learner: carol, context: c }\n', 'x.yml')).toHaveLength(1);
  });

  it('says what is wrong, with the file and line', () => {
    expect(() => parseRoster('name,context\nalice,a\n', 'r.csv')).toThrow(/r\.csv:1: the header has no `learner` column/);
    expect(() => parseRoster('learner,context\nalice,a\nalice,b\n', 'r.csv')).toThrow(/r\.csv:3: learner "alice" is listed twice/);
    expect(() => parseRoster('learner,context\nalice,\n', 'r.csv')).toThrow(/neither a kubeconfig nor a context/);
    expect(() => parseRoster('learner: [', 'r.yaml')).toThrow(/not valid YAML/);
    expect(() => parseRoster('{}', 'r.yaml')).toThrow(/expected a list of learners/);
  });

  it('says which line of a malformed CSV or YAML roster is wrong', () => {
    expect(() => parseRoster('learner,kubeconfig,context\nann,k,a\n\nben,"k,b\n', 'r.csv')).toThrow(/^r\.csv:4: a quoted field is never closed/);
    expect(() => parseRoster('learner,kubeconfig,context\nann,k,a\nben,k,b,extra\n', 'r.csv')).toThrow(/^r\.csv:3: this row has 4 fields, the header 3/);
    expect(() => parseRoster('learner,context\nann,a\n\nben,\n', 'r.csv')).toThrow(/^r\.csv:4: learner "ben" has neither/);
    expect(() => parseRoster('- learner: a\n  context: [x\n', 'r.yaml')).toThrow(/^r\.yaml:\d+: not valid YAML: /);
  });
});

describe('learnersFromContexts', () => {
  it('names each learner after the context and refuses duplicates', () => {
    expect(learnersFromContexts(['a', 'b'], '/k')).toEqual([
      { name: 'a', context: 'a', kubeconfig: '/k' },
      { name: 'b', context: 'b', kubeconfig: '/k' },
    ]);
    expect(() => learnersFromContexts(['a', 'a'])).toThrow(/given twice/);
  });
});
