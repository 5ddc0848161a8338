import { describe, expect, it } from 'vitest';
import { emptyAttrs, parseInfoString, validateAttrs, type AttrTarget } from '../../src/lab/attrs.js';
import { Diagnostics } from '../../src/lab/diagnostics.js';
import { LineIndex } from '../../src/lab/source.js';

const index = new LineIndex('x', 'lab.md');

function info(text: string) {
  const diags = new Diagnostics();
  const parsed = parseInfoString(text, 1, 4, index, diags);
  return { ...parsed, problems: diags.items.map((d) => `${d.pos.col} ${d.code}`) };
}

function attrs(text: string, target: AttrTarget = 'sh') {
  const diags = new Diagnostics();
  const { attrs: raw } = parseInfoString(text, 1, 4, index, diags);
  const result = validateAttrs(raw, target, 1, index, diags);
  return { attrs: result, problems: diags.items.map((d) => `${d.pos.col} ${d.severity} ${d.code}: ${d.message}`) };
}

describe('parseInfoString', () => {
  it('splits the language from braced attributes, with columns', () => {
    expect(info('sh { name=a b="two words" c=\'x y\' flag }')).toEqual({
      lang: 'sh',
      attrs: [
        { key: 'name', value: 'a', col: 9 },
        { key: 'b', value: 'two words', col: 16 },
        { key: 'c', value: 'x y', col: 30 },
        { key: 'flag', value: true, col: 38 },
      ],
      problems: [],
    });
  });

  it('accepts no space before the brace and escapes in double quotes', () => {
    expect(info('SH{name="a \\"q\\""}')).toMatchObject({ lang: 'sh', attrs: [{ key: 'name', value: 'a "q"' }], problems: [] });
  });

  it('reports syntax problems at their column', () => {
    expect(info('sh name=x').problems).toEqual(['7 attribute-syntax']);
    expect(info('sh { name=x').problems).toEqual(['7 attribute-syntax']);
    expect(info('sh { name="x }').problems).toEqual(['14 attribute-syntax']);
    expect(info('sh { a } b').problems).toEqual(['13 attribute-syntax']);
    expect(info('sh { =x }').problems).toEqual(['9 attribute-syntax']);
  });
});

describe('validateAttrs', () => {
  it('types every known key', () => {
    expect(attrs('sh { name=n timeout=1m30s exit=2 retry=500ms points=1.5 stream=stderr verify skip unordered secret }')).toEqual({
      attrs: {
        ...emptyAttrs(),
        name: 'n',
        timeout: 90_000,
        exit: 2,
        retry: 500,
        points: 1.5,
        stream: 'stderr',
        verify: true,
        skip: true,
        unordered: true,
        secret: true,
        raw: { name: 'n', timeout: '1m30s', exit: '2', retry: '500ms', points: '1.5', stream: 'stderr', verify: true, skip: true, unordered: true, secret: true },
      },
      problems: [],
    });
  });

  it('access-review keys', () => {
    expect(attrs('access-review { as=jane verb=list resource=pods groups=a,b }', 'access-review').attrs).toMatchObject({ as: 'jane', verb: 'list', resource: 'pods', groups: ['a', 'b'] });
  });

  it('bad values, unknown keys, flags with values, duplicates', () => {
    expect(attrs('sh { timeout=0s exit=-1 points=x stream=out nme=1 skip=no skip hint=maybe retry }').problems).toEqual([
      '9 error bad-attribute: bad value `timeout=0s`: the timeout must be longer than zero',
      '20 error bad-attribute: bad value `exit=-1`: an exit code is a whole number from 0 to 255',
      '28 error bad-attribute: bad value `points=x`: points are a number of zero or more',
      '37 error bad-attribute: bad value `stream=out`: the stream is one of both, stdout, stderr',
      '48 error unknown-attribute: unknown attribute `nme`',
      '54 error bad-attribute: `skip` is a flag and takes no value (got `skip=no`)',
      '62 error bad-attribute: attribute `skip` is given twice',
      '67 error bad-attribute: `hint` is a flag and takes no value (got `hint=maybe`)',
      '78 error bad-attribute: attribute `retry` needs a value',
    ]);
  });

  it('`skip=no` is an explicit false', () => {
    expect(attrs('sh { skip=false }')).toMatchObject({ attrs: { skip: false }, problems: [] });
  });

  it('keys that mean nothing on a kind are warnings; on an output block errors', () => {
    expect(attrs('apply { exit=1 }', 'apply').problems).toEqual(['12 warning attribute-no-effect: `exit` has no effect on apply blocks']);
    expect(attrs('output { name=x }', 'output').problems).toEqual(['13 error bad-attribute: `name` does not apply to an output block']);
  });

  it('one role per block', () => {
    expect(attrs('sh { solution cleanup }').problems).toEqual(['18 error conflicting-flags: a block cannot be both `solution` and `cleanup`']);
  });
});
