// Small file helpers shared by the engine, the page's shell and the providers.
import { readFileSync } from 'node:fs';

/** A text file's contents, or undefined when it cannot be read (missing, a directory, no access). */
export function readTextIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
