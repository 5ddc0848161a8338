// A tiny JSON Schema checker: the subset docs/report-schema.json uses ($ref to $defs, oneOf,
// type, const, enum, properties, required, additionalProperties, items, minimum, minItems,
// format date-time). Returns every violation as `path: problem`.
type Schema = Record<string, unknown>;

export function validate(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(root, value, '$');
  return errors;

  function resolve(s: Schema): Schema {
    if (typeof s.$ref !== 'string') return s;
    const m = /^#\/\$defs\/(.+)$/.exec(s.$ref);
    const def = m ? (root.$defs as Record<string, Schema>)[m[1]!] : undefined;
    if (!def) throw new Error(`unresolvable $ref ${s.$ref}`);
    return def;
  }

  function typeOf(v: unknown): string {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'array';
    if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
    return typeof v;
  }

  function check(schema: Schema, v: unknown, path: string): void {
    const s = resolve(schema);
    const known = new Set(['$schema', '$id', 'title', 'description', '$defs', '$ref', 'oneOf', 'type', 'const', 'enum', 'properties', 'required', 'additionalProperties', 'items', 'minimum', 'minItems', 'format']);
    for (const k of Object.keys(s)) if (!known.has(k)) throw new Error(`schema keyword ${k} not supported by the test checker`);
    if (Array.isArray(s.oneOf)) {
      const matching = s.oneOf.filter((alt) => {
        const before = errors.length;
        check(alt as Schema, v, path);
        const ok = errors.length === before;
        errors.length = before;
        return ok;
      });
      if (matching.length !== 1) errors.push(`${path}: matches ${matching.length} of the oneOf alternatives`);
    }
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      const t = typeOf(v);
      if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) {
        errors.push(`${path}: expected ${types.join('|')}, got ${t}`);
        return;
      }
    }
    if ('const' in s && v !== s.const) errors.push(`${path}: expected ${JSON.stringify(s.const)}`);
    if (Array.isArray(s.enum) && !s.enum.includes(v)) errors.push(`${path}: ${JSON.stringify(v)} not one of ${s.enum.join(', ')}`);
    if (typeof s.minimum === 'number' && typeof v === 'number' && v < s.minimum) errors.push(`${path}: ${v} < ${s.minimum}`);
    if (s.format === 'date-time' && typeof v === 'string' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v)) errors.push(`${path}: not an RFC 3339 date-time`);
    if (Array.isArray(v)) {
      if (typeof s.minItems === 'number' && v.length < s.minItems) errors.push(`${path}: fewer than ${s.minItems} items`);
      if (s.items) v.forEach((item, i) => check(s.items as Schema, item, `${path}[${i}]`));
    }
    if (typeOf(v) === 'object') {
      const obj = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const r of (s.required ?? []) as string[]) if (!(r in obj)) errors.push(`${path}: missing ${r}`);
      for (const [k, val] of Object.entries(obj)) {
        if (val === undefined) continue;
        if (k in props) check(props[k]!, val, `${path}.${k}`);
        else if (s.additionalProperties === false) errors.push(`${path}: unexpected property ${k}`);
        else if (typeof s.additionalProperties === 'object') check(s.additionalProperties as Schema, val, `${path}.${k}`);
      }
    }
  }
}
