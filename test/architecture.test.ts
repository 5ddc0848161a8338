// The shape of src/: no import cycles, the pure layers (lab, match, model) free of the runtime,
// and the environment read only where the configuration is built. Read from the sources with
// TypeScript's own parser, so a cycle or a stray import fails here, printed, before it ships.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

interface Edge {
  /** The importing module and the imported one, relative to the repository (`src/lab/parse.ts`). */
  from: string;
  to: string;
  /** `import type`, `export type … from`, or every name imported is type-only. */
  typeOnly: boolean;
  dynamic: boolean;
  line: number;
  /** A package (`@kubernetes/client-node`, `node:fs`): `to` is its specifier as written. */
  external?: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const rel = (path: string) => relative(ROOT, path);

/** Every module `file` imports: static imports, `export … from`, `import()` calls and `import('…')` types. */
function importsOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edges: Edge[] = [];
  const add = (spec: ts.Expression | undefined, node: ts.Node, typeOnly: boolean, dynamic: boolean) => {
    if (!spec || !ts.isStringLiteralLike(spec)) return;
    if (!spec.text.startsWith('.')) {
      edges.push({ from: rel(file), to: spec.text, typeOnly, dynamic, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, external: true });
      return;
    }
    // ESM specifiers name the emitted .js; the source is the .ts beside it.
    const to = resolve(dirname(file), spec.text).replace(/\.js$/, '.ts');
    edges.push({ from: rel(file), to: rel(to), typeOnly, dynamic, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      // `import { type A, type B } from` loads nothing at run time either; a bare `import './x'` does.
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, node, typeOnly, false);
    } else if (ts.isExportDeclaration(node)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier, node, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)), false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], node, false, true);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, node, true, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

const files = sourceFiles(SRC);
const allEdges = files.flatMap(importsOf);
const edges = allEdges.filter((e) => !e.external);
const packageEdges = allEdges.filter((e) => e.external);

/** The cycles of the graph (one per strongly connected component with more than one module, or a self-import). */
function cycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's strongly connected components, then one concrete cycle through each.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  return components.map((component) => {
    // The shortest way back to the component's first module (breadth-first inside it).
    const inside = new Set(component);
    const start = [...component].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (!inside.has(w)) continue;
        if (w === start) {
          const path = [v];
          while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
          return [...path, start];
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    return [start, start];
  });
}

function graphOf(which: Edge[]): Map<string, string[]> {
  const graph = new Map<string, string[]>(files.map((f) => [rel(f), []]));
  for (const e of which) graph.get(e.from)!.push(e.to);
  return graph;
}

const show = (cycle: string[]) => cycle.join('\n  → ');

describe('src/ import graph', () => {
  it('is read from every module (the parser sees imports, exports and import())', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(edges.some((e) => e.dynamic)).toBe(true);
    expect(edges.some((e) => e.typeOnly)).toBe(true);
    // Every relative import names a module that exists.
    const known = new Set(files.map(rel));
    expect(edges.filter((e) => !known.has(e.to)).map((e) => `${e.from}:${e.line} → ${e.to}`)).toEqual([]);
  });

  it('has no cycles, type-only imports and import() included', () => {
    const found = cycles(graphOf(edges));
    expect(found.map(show), `import cycles:\n${found.map((c) => `  ${show(c)}`).join('\n')}`).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(cycles(g).map((c) => c.join(' → ')).sort()).toEqual(['a → b → c → a', 'e → e']);
  });

  it('keeps the pure layers (src/lab, src/match, src/model) off the runtime: engine, cli, blocks', () => {
    const pure = /^src\/(lab|match|model)\//;
    const runtime = /^src\/(engine|cli|blocks)\/|^src\/cli\.ts$/;
    // Type-only imports of model types are allowed; loading runtime code is not.
    const bad = edges.filter((e) => pure.test(e.from) && runtime.test(e.to) && !e.typeOnly);
    expect(bad.map((e) => `${e.from}:${e.line} imports ${e.to}${e.dynamic ? ' (import())' : ''}`)).toEqual([]);
  });
  it('loads @kubernetes/client-node at run time only through src/kube/client-node.ts (the module `npm run build` bundles)', () => {
    const loaders = packageEdges.filter((e) => e.to === '@kubernetes/client-node' && !e.typeOnly);
    expect(loaders.length, 'the check sees the package import').toBeGreaterThan(0);
    const bad = loaders.filter((e) => e.from !== 'src/kube/client-node.ts');
    expect(bad.map((e) => `${e.from}:${e.line} loads @kubernetes/client-node; import its values from src/kube/client-node.ts (types: import type)`)).toEqual([]);
  });
  it('keeps src/model/ a leaf: it imports only other model types', () => {
    const bad = edges.filter((e) => e.from.startsWith('src/model/') && !(e.typeOnly && (e.to.startsWith('src/model/') || e.to === 'src/lab/model.ts')));
    expect(bad.map((e) => `${e.from}:${e.line} imports ${e.to}`)).toEqual([]);
  });
});

describe('process.env', () => {
  // Where the configuration is built: the CLI, src/config.ts, set-up (run before any config
  // exists), and the reporters' defaults for an API caller that passed no env.
  const allowed = /^src\/(cli\.ts|cli\/|config\.ts|setup\/|report\/)/;

  it('is read nowhere else under src/', () => {
    const readers: string[] = [];
    for (const file of files) {
      const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        // `process.env`, `process['env']`, and `const { env } = process` (comments do not count).
        const read =
          (ts.isPropertyAccessExpression(node) && node.name.text === 'env' && ts.isIdentifier(node.expression) && node.expression.text === 'process') ||
          (ts.isElementAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'process' && ts.isStringLiteralLike(node.argumentExpression) && node.argumentExpression.text === 'env') ||
          (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && !!node.initializer && ts.isIdentifier(node.initializer) && node.initializer.text === 'process' && node.name.elements.some((e) => (e.propertyName ?? e.name).getText() === 'env'));
        if (read && !allowed.test(rel(file))) readers.push(`${rel(file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    expect(readers, 'pass the configuration (src/config.ts, built in the CLI) down instead').toEqual([]);
  });
});
