// A throwaway container for node-access tests: the tiny image built from this host's binaries.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

export function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

export function startTinyContainer(name: string): string {
  execFileSync('bash', [join(here, 'tiny-image.sh')], { stdio: 'pipe' });
  removeContainer(name);
  execFileSync('docker', ['run', '-d', '--name', name, 'kubelab-test-tiny:1'], { stdio: 'pipe' });
  return name;
}

export function removeContainer(name: string): void {
  try {
    execFileSync('docker', ['rm', '-f', name], { stdio: 'pipe' });
  } catch {
    /* not there */
  }
}

export function dockerExec(container: string, ...argv: string[]): string {
  return execFileSync('docker', ['exec', container, ...argv], { encoding: 'utf8' });
}
