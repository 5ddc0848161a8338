// A small strict XML parser for tests: elements, attributes, text, CDATA, the five entities and
// character references. It throws on what a real XML parser rejects (bad nesting, stray `<`/`&`,
// characters XML 1.0 cannot hold), so the JUnit reporter's output is checked by parsing it.
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

// eslint-disable-next-line no-control-regex
const ILLEGAL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;

function decode(raw: string, where: number): string {
  if (ILLEGAL.test(raw)) throw new Error(`illegal character near offset ${where}`);
  if (raw.includes('<')) throw new Error(`stray < near offset ${where}`);
  return raw.replace(/&([^;]*);?/g, (all, ent: string) => {
    if (!all.endsWith(';')) throw new Error(`unterminated entity near offset ${where}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ent in named) return named[ent]!;
    const m = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(ent);
    if (!m) throw new Error(`unknown entity &${ent}; near offset ${where}`);
    const code = m[1]!.startsWith('x') ? parseInt(m[1]!.slice(1), 16) : parseInt(m[1]!, 10);
    const ch = String.fromCodePoint(code);
    if (ILLEGAL.test(ch)) throw new Error(`illegal character reference &${ent};`);
    return ch;
  });
}

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const skipWs = () => {
    while (i < xml.length && /\s/.test(xml[i]!)) i++;
  };
  if (xml.startsWith('<?xml')) i = xml.indexOf('?>') + 2;
  skipWs();
  const root = element();
  skipWs();
  if (i !== xml.length) throw new Error(`content after the root element at offset ${i}`);
  return root;

  function element(): XmlElement {
    if (xml[i] !== '<') throw new Error(`expected < at offset ${i}`);
    i++;
    const name = /^[A-Za-z_][\w.-]*/.exec(xml.slice(i))?.[0];
    if (!name) throw new Error(`bad element name at offset ${i}`);
    i += name.length;
    const el: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      skipWs();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const m = /^([A-Za-z_][\w.:-]*)="([^"]*)"/.exec(xml.slice(i));
      if (!m) throw new Error(`bad attribute at offset ${i}: ${xml.slice(i, i + 30)}`);
      if (m[1]! in el.attrs) throw new Error(`duplicate attribute ${m[1]}`);
      el.attrs[m[1]!] = decode(m[2]!, i);
      i += m[0].length;
    }
    for (;;) {
      if (i >= xml.length) throw new Error(`unclosed <${name}>`);
      if (xml.startsWith('</', i)) {
        const end = xml.indexOf('>', i);
        const closing = xml.slice(i + 2, end).trim();
        if (closing !== name) throw new Error(`</${closing}> closes <${name}> at offset ${i}`);
        i = end + 1;
        return el;
      }
      if (xml.startsWith('<![CDATA[', i)) {
        const end = xml.indexOf(']]>', i);
        el.text += xml.slice(i + 9, end);
        i = end + 3;
      } else if (xml[i] === '<') {
        el.children.push(element());
      } else {
        const next = xml.indexOf('<', i);
        const raw = xml.slice(i, next === -1 ? xml.length : next);
        if (raw.includes(']]>')) throw new Error(']]> in text');
        el.text += decode(raw, i);
        i += raw.length;
      }
    }
  }
}

export function find(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(el);
  return out;
}
