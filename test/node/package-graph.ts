// What ../shared/tools/ooxml-check does not look at in a package, and Excel does: every part reached from the
// package's relationships (a part nothing reaches is dead weight a later run adds to again), every relationship's
// target present, drawings and charts under their own content types (the `xml` default would make Excel drop
// them), a drawing's r:ids naming its own relationships, and its shapes' ids distinct. Read with regular
// expressions over the raw parts, not with the product's package code (package.ts), which this checks.
import { readZipEntry, zipEntries } from "../../src/xlsx/zip";

const CT = {
  chart: "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
  drawing: "application/vnd.openxmlformats-officedocument.drawing+xml",
};

const attr = (tag: string, name: string) => new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`).exec(tag)?.[1];
const unescape = (s: string) => s.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'");

function resolve(from: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const parts = from.split("/").slice(0, -1);
  for (const seg of target.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== "." && seg !== "") parts.push(seg);
  }
  return parts.join("/");
}

const relsOf = (part: string) => {
  const i = part.lastIndexOf("/");
  return `${part.slice(0, i + 1)}_rels/${part.slice(i + 1)}.rels`;
};

export interface PackageGraph {
  parts: string[];
  /** Parts no relationship reaches from the package's own (_rels/.rels), relationship parts and content types aside. */
  unreachable: string[];
  problems: string[];
  /** Content type of each part, from its Override or its extension's Default. */
  contentType: (part: string) => string | undefined;
  /** A part's relationships: id → { type, part }. */
  rels: (part: string) => Map<string, { type: string; part: string | null }>;
}

export function packageGraph(file: string): PackageGraph {
  const names = zipEntries(file)!.map((e) => e.name);
  const has = new Set(names.map((n) => n.toLowerCase()));
  const text = (n: string) => readZipEntry(file, n)?.toString("utf8") ?? "";
  const ct = text("[Content_Types].xml");
  const overrides = new Map<string, string>();
  const defaults = new Map<string, string>();
  for (const m of ct.matchAll(/<(?:\w+:)?Override\b[^>]*>/g)) overrides.set((attr(m[0], "PartName") ?? "").slice(1).toLowerCase(), attr(m[0], "ContentType") ?? "");
  for (const m of ct.matchAll(/<(?:\w+:)?Default\b[^>]*>/g)) defaults.set((attr(m[0], "Extension") ?? "").toLowerCase(), attr(m[0], "ContentType") ?? "");
  const contentType = (part: string) => overrides.get(part.toLowerCase()) ?? defaults.get(part.slice(part.lastIndexOf(".") + 1).toLowerCase());
  const problems: string[] = [];
  const rels = (part: string) => {
    const out = new Map<string, { type: string; part: string | null }>();
    const r = relsOf(part);
    if (!names.includes(r)) return out;
    for (const m of text(r).matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
      const external = attr(m[0], "TargetMode") === "External";
      const target = unescape(attr(m[0], "Target") ?? "").split("#")[0];
      out.set(attr(m[0], "Id") ?? "", { type: attr(m[0], "Type") ?? "", part: external || target === "" ? null : resolve(part, decodeURI(target)) });
    }
    return out;
  };
  const reached = new Set<string>();
  const walk = (part: string) => {
    for (const [id, r] of rels(part)) {
      if (r.part === null) continue;
      if (!has.has(r.part.toLowerCase())) {
        problems.push(`${relsOf(part)} ${id} → ${r.part}: no such part`);
        continue;
      }
      if (reached.has(r.part.toLowerCase())) continue;
      reached.add(r.part.toLowerCase());
      walk(r.part);
    }
  };
  walk("");
  const unreachable = names.filter((n) => !n.endsWith("/") && !/(^|\/)_rels\/[^/]*\.rels$/.test(n) && n !== "[Content_Types].xml" && !reached.has(n.toLowerCase()));
  for (const n of names) {
    if (/(^|\/)charts\/chart\d*\.xml$/i.test(n) && contentType(n) !== CT.chart) problems.push(`${n}: content type ${contentType(n)}, not a chart's`);
    if (/(^|\/)drawings\/drawing\d*\.xml$/i.test(n) && contentType(n) !== CT.drawing) problems.push(`${n}: content type ${contentType(n)}, not a drawing's`);
    if (contentType(n) === CT.drawing) {
      const xml = text(n);
      const own = rels(n);
      for (const m of xml.matchAll(/\sr:(?:id|embed|link)\s*=\s*["']([^"']*)["']/g)) if (!own.has(m[1])) problems.push(`${n}: r:id ${m[1]} is not one of its relationships`);
      const ids = [...xml.matchAll(/<(?:\w+:)?cNvPr\b[^>]*>/g)].map((m) => attr(m[0], "id"));
      if (new Set(ids).size !== ids.length) problems.push(`${n}: shape ids repeat (${ids.join(", ")})`);
    }
  }
  return { parts: names, unreachable, problems, contentType, rels };
}

/** The graph's problems, and the parts an output leaves unreachable that its input did not. */
export function packageProblems(out: string, input?: string): string[] {
  const g = packageGraph(out);
  const before = new Set(input ? packageGraph(input).unreachable : []);
  return [...g.problems, ...g.unreachable.filter((n) => !before.has(n)).map((n) => `${n}: no relationship reaches it`)];
}
