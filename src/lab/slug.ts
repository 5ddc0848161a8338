// URL-style slugs for step ids and the default lab id.

/** `Check the "kubelet" flag!` → `check-the-kubelet-flag`. Never empty (falls back to `fallback`). */
export function slugify(text: string, fallback = 'step'): string {
  const ascii = asciiSlug(text);
  if (ascii !== undefined) return ascii || fallback;
  // Unicode normalisation is slow and only matters for non-ASCII titles (accents).
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug || fallback;
}

/**
 * The slug of an ASCII title in one pass (a step title is slugged for every step of a big lab):
 * letters lower-cased, digits kept, every other run of characters one `-`, none at the ends.
 * Undefined when the text is not ASCII.
 */
function asciiSlug(text: string): string | undefined {
  let out = '';
  let dash = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return undefined;
    const upper = c >= 65 && c <= 90;
    if (!upper && !isLowerOrDigit(c)) {
      dash = out !== '';
      continue;
    }
    if (dash) out += '-';
    dash = false;
    if (upper) {
      out += String.fromCharCode(c + 32);
      continue;
    }
    // A run of lower-case letters and digits is copied in one slice.
    let j = i + 1;
    while (j < text.length && isLowerOrDigit(text.charCodeAt(j))) j++;
    out += text.slice(i, j);
    i = j - 1;
  }
  return out;
}

const isLowerOrDigit = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

/** Hands out slugs unique within one lab: the second `setup` becomes `setup-2`. */
export class SlugRegistry {
  private readonly used = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.used.add(r);
  }

  claim(base: string): string {
    let slug = base;
    for (let n = 2; this.used.has(slug); n++) slug = `${base}-${n}`;
    this.used.add(slug);
    return slug;
  }
}

/** Lab id from a file name: `labs/Kubelet AuthZ.md` → `kubelet-authz`. */
export function idFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? '';
  return slugify(base.replace(/\.(md|markdown)$/i, ''), 'lab');
}
