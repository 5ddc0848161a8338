// The shell recipes set-up drives, shipped in the npm package under assets/setup/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** assets/setup of this package (found from src/ under vitest and from dist/src/ when built). */
export function setupAssetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'assets', 'setup');
    if (existsSync(join(candidate, 'build-node-image.sh'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('kubelab assets/setup/build-node-image.sh not found next to the package');
}
