// `npm run build`, after tsc: bundles dist/src/kube/client-node.js (the one module that loads
// @kubernetes/client-node) with the package and its dependencies into that one file. Node then
// reads one 2 MB file instead of resolving and evaluating about 970 modules: 0.1 s against 0.8 s
// on a 2-core machine, paid by every run that touches a cluster. Names are kept (stack traces stay
// readable). tsc alone leaves the plain re-export, which works the same, only slower to load.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The repository (this file is compiled to dist/build/, and read from build/ by the tests). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), import.meta.url.includes('/dist/build/') ? '../..' : '..');
export const CLIENT_MODULE = join(ROOT, 'dist/src/kube/client-node.js');

/** Whether `text` (a built client-node.js) still loads the package instead of holding it. */
export const loadsPackage = (text: string): boolean => /\bfrom\s*["']@kubernetes\/client-node["']/.test(text);

/** Bundles the compiled module `file` into `out` (default: in place); packages resolve from the repository. */
export async function bundleKubeClient(file = CLIENT_MODULE, out = file): Promise<'bundled' | 'already'> {
  const text = readFileSync(file, 'utf8');
  if (!loadsPackage(text)) return 'already';
  await build({
    stdin: { contents: text, resolveDir: ROOT, sourcefile: relative(ROOT, file), loader: 'js' },
    outfile: out,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    // ws's optional native helpers: absent, and ws works without them.
    external: ['bufferutil', 'utf-8-validate'],
    // The package's CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __kubelabCreateRequire } from 'node:module';\nconst require = __kubelabCreateRequire(import.meta.url);" },
    legalComments: 'eof',
    logLevel: 'warning',
  });
  // tsc's source map described the one-line re-export.
  if (out === file) rmSync(`${file}.map`, { force: true });
  return 'bundled';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!existsSync(CLIENT_MODULE)) {
    console.error(`bundle-kube-client: ${relative(ROOT, CLIENT_MODULE)} is missing; run \`tsc -p tsconfig.json\` first (\`npm run build\` does both)`);
    process.exit(2);
  }
  const started = performance.now();
  const done = await bundleKubeClient();
  console.log(`bundle-kube-client: ${relative(ROOT, CLIENT_MODULE)} ${done === 'already' ? 'is bundled already' : `bundled in ${Math.round(performance.now() - started)} ms`}`);
}
