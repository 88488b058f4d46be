// Package parts (workbook.xml, relationships, [Content_Types].xml, styles.xml) are read with a namespace-aware
// XML parser (saxes) into a tree that remembers where each element sits in the source text, and written back
// by a serializer that copies every byte it was not asked to change: prefixes declared anywhere, numeric and
// named entities, CDATA, comments, single-quoted attributes, mc:AlternateContent, the order of everything.
// What the product changes is an element's attributes (its start tag is written anew), an element removed,
// or new elements inserted, named with the prefixes in scope at that point (declared when none is).
import { SaxesParser, type SaxesTagPlain } from "saxes";

export const NS = {
  main: "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
  rel: "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
  pkgRel: "http://schemas.openxmlformats.org/package/2006/relationships",
  contentTypes: "http://schemas.openxmlformats.org/package/2006/content-types",
  mc: "http://schemas.openxmlformats.org/markup-compatibility/2006",
  xmlns: "http://www.w3.org/2000/xmlns/",
  // ISO/IEC 29500 Strict: the same parts under other namespaces.
  strictMain: "http://purl.oclc.org/ooxml/spreadsheetml/main",
  strictRel: "http://purl.oclc.org/ooxml/officeDocument/relationships",
} as const;

/** A part that is not well-formed, namespace-well-formed XML (or declares a DOCTYPE, which Excel refuses). */
export class XmlError extends Error {}

export interface XmlAttr {
  /** As written: `r:id`, `name`, `xmlns:r`. */
  qname: string;
  local: string;
  uri: string;
  value: string;
}

export class XmlElement {
  readonly children: XmlElement[] = [];
  /** Offsets in the source: `<` of the start tag, after its `>`, `<` of the end tag (= openEnd when self-closing), after the end. */
  start = 0;
  openEnd = 0;
  closeStart = 0;
  end = 0;
  selfClosing = false;
  /** Text and CDATA directly inside the element, entities decoded. */
  text = "";
  // Edits, applied when the document is written.
  removed = false;
  attrsChanged = false;
  readonly appended: string[] = [];
  readonly before: string[] = [];
  dirty = false;

  constructor(
    readonly doc: XmlDoc,
    readonly parent: XmlElement | null,
    readonly qname: string,
    readonly local: string,
    readonly uri: string,
    readonly attrs: XmlAttr[],
    /** Prefix → namespace in scope here ("" is the default namespace); shared with the parent when it declares none. */
    public scope: ReadonlyMap<string, string>,
  ) {}

  /** An attribute's value by namespace and local name (no namespace: unprefixed attributes). */
  attr(local: string, uri = ""): string | undefined {
    return this.attrs.find((a) => a.local === local && a.uri === uri && !a.qname.startsWith("xmlns"))?.value;
  }

  /** Sets (or, with null, removes) an attribute; a new namespaced attribute gets a prefix in scope or declares one. */
  setAttr(local: string, value: string | null, uri = ""): void {
    const i = this.attrs.findIndex((a) => a.local === local && a.uri === uri && !a.qname.startsWith("xmlns"));
    if (i >= 0 && value === null) this.attrs.splice(i, 1);
    else if (i >= 0 && value !== null) {
      if (this.attrs[i].value === value) return;
      this.attrs[i] = { ...this.attrs[i], value };
    } else if (value !== null) {
      let qname = local;
      if (uri) {
        const prefix = prefixIn(this.scope, uri, true) ?? declareOn(this, uri);
        qname = `${prefix}:${local}`;
      }
      this.attrs.push({ qname, local, uri, value });
    } else return;
    this.attrsChanged = true;
    this.markDirty();
  }

  /** Child elements, optionally by namespace and local name. */
  elements(local?: string, uri = this.uri): XmlElement[] {
    return local === undefined ? this.children : this.children.filter((c) => c.local === local && c.uri === uri);
  }

  element(local: string, uri = this.uri): XmlElement | undefined {
    return this.children.find((c) => c.local === local && c.uri === uri);
  }

  remove(): void {
    this.removed = true;
    this.parent?.markDirty();
  }

  /** Appends new elements (XML text built with `tag`) at the end of this element's content. */
  append(xml: string): void {
    this.appended.push(xml);
    this.markDirty();
  }

  /** Inserts new elements just before this one. */
  insertBefore(xml: string): void {
    this.before.push(xml);
    this.parent?.markDirty();
  }

  /**
   * A new child element as text: `{ns}local` named with a prefix in scope here, attributes likewise
   * (`[uri, local, value]`, uri "" for plain attributes). A namespace with no prefix in scope is declared on
   * the new element itself: the default namespace for the element, a fresh prefix for an attribute.
   */
  tag(uri: string, local: string, attrs: readonly (readonly [string, string, string])[] = [], inner = ""): string {
    const decls: string[] = [];
    const scope = new Map(this.scope);
    let name = local;
    const elPrefix = prefixIn(scope, uri, false);
    if (elPrefix === null) {
      decls.push(` xmlns="${escapeAttr(uri)}"`);
      scope.set("", uri);
    } else if (elPrefix !== "") name = `${elPrefix}:${local}`;
    const parts: string[] = [];
    for (const [auri, alocal, value] of attrs) {
      let q = alocal;
      if (auri) {
        let p = prefixIn(scope, auri, true);
        if (p === null) {
          p = freshPrefix(scope, auri);
          decls.push(` xmlns:${p}="${escapeAttr(auri)}"`);
          scope.set(p, auri);
        }
        q = `${p}:${alocal}`;
      }
      parts.push(` ${q}="${escapeAttr(value)}"`);
    }
    const open = `<${name}${decls.join("")}${parts.join("")}`;
    return inner === "" ? `${open}/>` : `${open}>${inner}</${name}>`;
  }

  /** The element as written in the source (its edits not applied). */
  outer(): string {
    return this.doc.slice(this.start, this.end);
  }

  /** A copy of the element as text with some attributes changed (by local name; no namespace), content as written. */
  copyWith(changes: Record<string, string>): string {
    const attrs = this.attrs.map((a) => (a.uri === "" && a.local in changes ? { ...a, value: changes[a.local] } : a));
    for (const [k, v] of Object.entries(changes)) if (!attrs.some((a) => a.uri === "" && a.local === k)) attrs.push({ qname: k, local: k, uri: "", value: v });
    const open = `<${this.qname}${attrs.map((a) => ` ${a.qname}="${escapeAttr(a.value)}"`).join("")}`;
    return this.selfClosing ? `${open}/>` : `${open}>${this.doc.slice(this.openEnd, this.end)}`;
  }

  markDirty(): void {
    for (let e: XmlElement | null = this; e && !e.dirty; e = e.parent) e.dirty = true;
  }
}

/** A prefix bound to `uri` in scope (the default namespace counts for elements only), or null. */
function prefixIn(scope: ReadonlyMap<string, string>, uri: string, forAttribute: boolean): string | null {
  if (!forAttribute && scope.get("") === uri) return "";
  for (const [p, u] of scope) if (p !== "" && u === uri) return p;
  return null;
}

const PREFERRED: Record<string, string> = { [NS.rel]: "r", [NS.mc]: "mc", [NS.main]: "x" };

function freshPrefix(scope: ReadonlyMap<string, string>, uri: string): string {
  const base = PREFERRED[uri] ?? "ns";
  if (!scope.has(base)) return base;
  for (let i = 1; ; i++) if (!scope.has(`${base}${i}`)) return `${base}${i}`;
}

/** Declares `uri` with a fresh prefix on an existing element (its start tag is rewritten); returns the prefix. */
function declareOn(el: XmlElement, uri: string): string {
  const old = el.scope;
  const p = freshPrefix(old, uri);
  el.attrs.push({ qname: `xmlns:${p}`, local: p, uri: NS.xmlns, value: uri });
  el.scope = new Map(old).set(p, uri);
  // Descendants see it too, unless one binds the prefix itself.
  const stack = [...el.children];
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (c.scope === old) c.scope = el.scope;
    else if (!c.scope.has(p)) c.scope = new Map(c.scope).set(p, uri);
    else continue;
    stack.push(...c.children);
  }
  return p;
}

const ROOT_SCOPE: ReadonlyMap<string, string> = new Map([["xml", "http://www.w3.org/XML/1998/namespace"]]);

export function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}

export class XmlDoc {
  root!: XmlElement;
  private bom = "";

  private constructor(
    readonly part: string,
    private source: string,
  ) {}

  /** Parses a part; an XmlError names the part and what is wrong. */
  static parse(text: string, part: string): XmlDoc {
    const doc = new XmlDoc(part, text);
    if (text.charCodeAt(0) === 0xfeff) {
      doc.bom = "\ufeff";
      doc.source = text.slice(1);
    }
    doc.build();
    return doc;
  }

  private build(): void {
    const src = this.source;
    // Namespaces are resolved here, not by saxes: its resolver walks the whole open-tag stack for every name,
    // quadratic in the depth (a 50,000-deep extension list took 38 s); a scope map per declaring element is not.
    const parser = new SaxesParser({ position: true, xmlns: false });
    const stack: XmlElement[] = [];
    let error: Error | null = null;
    let start = 0;
    const fail = (msg: string) => (error ??= new Error(msg));
    parser.on("error", (e) => (error ??= e));
    parser.on("doctype", () => fail("a DOCTYPE is not allowed in a package part"));
    parser.on("opentagstart", () => {
      start = src.lastIndexOf("<", parser.position - 1);
    });
    parser.on("opentag", (t: SaxesTagPlain) => {
      const parent = stack[stack.length - 1] ?? null;
      let scope: ReadonlyMap<string, string> = parent?.scope ?? ROOT_SCOPE;
      const raw = Object.entries(t.attributes as Record<string, string>);
      for (const [name, value] of raw) {
        if (name !== "xmlns" && !name.startsWith("xmlns:")) continue;
        if (scope === parent?.scope || scope === ROOT_SCOPE) scope = new Map(scope);
        (scope as Map<string, string>).set(name === "xmlns" ? "" : name.slice(6), value);
      }
      const split = (q: string, isElement: boolean): [string, string] => {
        const i = q.indexOf(":");
        const prefix = i < 0 ? "" : q.slice(0, i);
        if (prefix === "" && !isElement) return ["", q];
        const uri = scope.get(prefix);
        if (uri === undefined && prefix !== "") fail(`namespace prefix ${prefix} of ${q} is not declared`);
        return [uri ?? "", i < 0 ? q : q.slice(i + 1)];
      };
      const attrs: XmlAttr[] = raw.map(([qname, value]) => {
        if (qname === "xmlns" || qname.startsWith("xmlns:")) return { qname, local: qname === "xmlns" ? "" : qname.slice(6), uri: NS.xmlns, value };
        const [uri, local] = split(qname, false);
        return { qname, local, uri, value };
      });
      const [uri, local] = split(t.name, true);
      const el = new XmlElement(this, parent, t.name, local, uri, attrs, scope);
      el.start = start;
      el.openEnd = parser.position;
      el.selfClosing = t.isSelfClosing;
      if (parent) parent.children.push(el);
      else this.root = el;
      stack.push(el);
    });
    const onText = (t: string) => {
      const top = stack[stack.length - 1];
      if (top) top.text += t;
    };
    parser.on("text", onText);
    parser.on("cdata", onText);
    parser.on("closetag", () => {
      const el = stack.pop()!;
      el.end = parser.position;
      el.closeStart = el.selfClosing ? el.openEnd : src.lastIndexOf("<", parser.position - 1);
    });
    try {
      parser.write(src).close();
    } catch (e) {
      error ??= e as Error;
    }
    if (error || !this.root) throw new XmlError(`${this.part}: not well-formed XML (${(error as Error | null)?.message ?? "no root element"})`);
  }

  slice(from: number, to: number): string {
    return this.source.slice(from, to);
  }

  /** The part with its edits applied; everything not edited is the source's own text. */
  toString(): string {
    const src = this.source;
    if (!this.root.dirty) return this.bom + src;
    return this.bom + src.slice(0, this.root.start) + write(src, this.root) + src.slice(this.root.end);
  }
}

function startTag(el: XmlElement, open: boolean): string {
  const attrs = el.attrs.map((a) => ` ${a.qname}="${escapeAttr(a.value)}"`).join("");
  return `<${el.qname}${attrs}${open ? ">" : "/>"}`;
}

function write(src: string, el: XmlElement): string {
  const before = el.before.join("");
  if (el.removed) return before;
  if (!el.dirty) return before + src.slice(el.start, el.end);
  const hasContent = !el.selfClosing || el.appended.length > 0;
  let out = before + (el.attrsChanged || el.selfClosing ? startTag(el, hasContent) : src.slice(el.start, el.openEnd));
  if (!hasContent) return out;
  let at = el.openEnd;
  for (const c of el.children) {
    // Text, comments, CDATA and processing instructions between elements are copied as they are.
    out += src.slice(at, c.start) + write(src, c);
    at = c.end;
  }
  out += src.slice(at, el.closeStart) + el.appended.join("");
  out += el.selfClosing ? `</${el.qname}>` : src.slice(el.closeStart, el.end);
  return out;
}
