// URL-style slugs for step ids and the default lab id.

/** `Check the "kubelet" flag!` → `check-the-kubelet-flag`. Never empty (falls back to `fallback`). */
export function slugify(text: string, fallback = 'step'): string {
  // Unicode normalisation is slow and only matters for non-ASCII titles (accents).
  const base = /[^\x00-\x7f]/.test(text) ? text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '') : text;
  const slug = base
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug || fallback;
}

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
