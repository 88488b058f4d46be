// Static checks of issue 8, "Privacy and security":
// - src/ writes no HTML and evaluates no code: no dangerouslySetInnerHTML, innerHTML/outerHTML assignment,
//   insertAdjacentHTML, document.write, eval( or new Function( anywhere (comments included: a mention is a smell);
// - src/ holds no network client and no outside URL but XML namespaces (no telemetry endpoint, no CDN);
// - the task pane page's Content-Security-Policy lets it connect only to its own origin (no wildcard connect-src)
//   and frame nothing from elsewhere — in the source page and in the built dist/taskpane.html;
// - the manifest asks for ReadWriteDocument — the least that works, since the add-in writes its columns and
//   sheets — and not more, and points only at the add-in's own origin.
import { XMLParser } from "fast-xml-parser";
import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import { join, relative } from "path";
import { recordReliability } from "../reliability";

const ROOT = join(__dirname, "..", "..");
const SRC = join(ROOT, "src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(tsx?|jsx?|html|json)$/.test(f) ? [p] : [];
  });
}

const SOURCES = files(SRC);
const rel = (p: string) => relative(ROOT, p);

const FORBIDDEN: { name: string; re: RegExp }[] = [
  { name: "dangerouslySetInnerHTML", re: /dangerouslySetInnerHTML/ },
  { name: "innerHTML =", re: /\.(?:inner|outer)HTML\s*(?:\+?=)(?!=)/ },
  { name: "insertAdjacentHTML", re: /insertAdjacentHTML/ },
  { name: "document.write", re: /document\.write(?:ln)?\s*\(/ },
  { name: "eval(", re: /(?<![\w$])eval\s*\(/ },
  { name: "new Function(", re: /new\s+Function\s*\(/ },
  { name: "setTimeout/setInterval with a string", re: /set(?:Timeout|Interval)\s*\(\s*["'`]/ },
];

/** Ways out of a page or a Node process: none belongs in src/ (the add-in loads only its own files). */
const NETWORK: { name: string; re: RegExp }[] = [
  { name: "fetch(", re: /(?<![\w.$])fetch\s*\(/ },
  { name: "XMLHttpRequest", re: /XMLHttpRequest/ },
  { name: "sendBeacon", re: /sendBeacon/ },
  { name: "WebSocket", re: /\bWebSocket\b/ },
  { name: "EventSource", re: /\bEventSource\b/ },
  { name: "Node network modules", re: /(?:from\s+|require\s*\(\s*)["'](?:node:)?(?:http|https|http2|net|tls|dns|dgram)["']/ },
];

/** URLs allowed in src/: XML namespaces (they are names, never fetched). */
const NAMESPACE = /^https?:\/\/(?:schemas\.openxmlformats\.org|schemas\.microsoft\.com|www\.w3\.org|purl\.org|purl\.oclc\.org\/ooxml)\//;

const figures = { checks: 0, failed: 0 };
afterAll(() => {
  recordReliability("source-scan", {
    group: "privacy and security",
    what: "源码/CSP/清单静态检查（文件 × 规则） static checks of src/, the CSP and the manifest (files × rules)",
    tried: figures.checks,
    failed: figures.failed,
    where: "test/security/source-scan.test.ts",
  });
});

function count(hits: unknown[]): void {
  figures.failed += hits.length;
}

describe("src/ writes no HTML and evaluates no code", () => {
  test("the scan reads the whole source tree", () => {
    expect(SOURCES.length).toBeGreaterThan(30);
    expect(SOURCES.some((f) => f.endsWith("ValidatePanel.tsx"))).toBe(true);
  });

  test.each(FORBIDDEN.map((f) => [f.name, f.re] as const))("no %s", (_name, re) => {
    const hits = SOURCES.flatMap((f) => readFileSync(f, "utf8").split("\n").map((line, i) => ({ at: `${rel(f)}:${i + 1}`, line })).filter((x) => re.test(x.line)));
    figures.checks += SOURCES.length;
    count(hits);
    expect(hits).toEqual([]);
  });

  test("the patterns catch what they are meant to (so a clean scan means something)", () => {
    const bad = ["<div dangerouslySetInnerHTML={{ __html: x }} />", "el.innerHTML = name;", "el.outerHTML += s", "eval(code)", "window.eval (s)", "new Function('a', b)", "document.write(x)", "setTimeout(\"alert(1)\", 0)"];
    for (const s of bad) expect([s, FORBIDDEN.some((f) => f.re.test(s))]).toEqual([s, true]);
    const fine = ["el.innerHTML === ''", "medieval(x)", "retrieval(y)", "x.evaluate(z)", "setTimeout(() => f(), 0)"];
    for (const s of fine) expect([s, FORBIDDEN.some((f) => f.re.test(s))]).toEqual([s, false]);
  });
});

describe("src/ makes no network request and names no outside host (no telemetry; Office.js from its CDN only through the build)", () => {
  test.each(NETWORK.map((n) => [n.name, n.re] as const))("no %s", (_name, re) => {
    const hits = SOURCES.flatMap((f) => readFileSync(f, "utf8").split("\n").map((line, i) => ({ at: `${rel(f)}:${i + 1}`, line: line.trim() })).filter((x) => re.test(x.line)));
    figures.checks += SOURCES.length;
    count(hits);
    expect(hits).toEqual([]);
  });

  // The build (not src/) names the one outside address ARCHITECTURE.md requires: Microsoft's Office.js CDN, which
  // production pages load Office's runtime from (no customer data goes there); the rest are local or placeholders.
  test("the build names one outside host: the Office.js CDN, for Office's runtime", () => {
    const config = readFileSync(join(ROOT, "webpack.config.js"), "utf8");
    const hosts = new Set([...config.matchAll(/https?:\/\/([^\s"'`<>)\]/:;$]+)/g)].map((m) => m[1].replace(/\.$/, "")));
    const local = (h: string) => h === "localhost" || h === "example.com" || h.endsWith(".example.com") || h === "your.host";
    expect([...hosts].filter((h) => !local(h))).toEqual(["appsforoffice.microsoft.com"]);
    expect(config).toContain('"https://appsforoffice.microsoft.com/lib/1/hosted/office.js"');
  });

  test("every URL in src/ is an XML namespace", () => {
    const urls = SOURCES.flatMap((f) => [...readFileSync(f, "utf8").matchAll(/https?:\/\/[^\s"'`<>)\]]+/g)].map((m) => ({ at: rel(f), url: m[0] })));
    figures.checks += SOURCES.length;
    const outside = urls.filter((u) => !NAMESPACE.test(u.url));
    count(outside);
    expect(outside).toEqual([]);
  });
});

// ── the Content-Security-Policy of the task pane page ──

/** The attributes of an HTML start tag (quoted with " or ', or unquoted as a minifier writes them). */
function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/g)) out.set(m[1].toLowerCase(), m[2] ?? m[3] ?? m[4] ?? "");
  return out;
}

/** The CSP of an HTML page's <meta http-equiv> as directive → sources (null when the page has none). */
function cspOf(html: string): Map<string, string[]> | null {
  const metas = [...html.matchAll(/<meta\b[^>]*>/gi)].map((m) => attributes(m[0]));
  const policies = metas.filter((a) => a.get("http-equiv")?.toLowerCase() === "content-security-policy");
  if (policies.length !== 1) return null;
  const out = new Map<string, string[]>();
  for (const part of (policies[0].get("content") ?? "").split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

/** Sources that let a page reach another host: a wildcard, any scheme-only source, a host. Only 'self' / 'none' pass. */
function openSources(sources: string[]): string[] {
  return sources.filter((s) => s !== "'self'" && s !== "'none'");
}

const PAGES = [join(SRC, "taskpane", "taskpane.html"), join(ROOT, "dist", "taskpane.html")];

describe("the task pane's Content-Security-Policy", () => {
  test.each(PAGES.map((p) => [rel(p), p] as const))("%s: connect-src is the page's own origin only, no wildcard; frames and plugins from nowhere else", (_name, page) => {
    if (!existsSync(page)) throw new Error(`${page} is missing: run npm run build first`);
    const csp = cspOf(readFileSync(page, "utf8"));
    expect(csp).not.toBeNull();
    // connect-src falls back to default-src; with neither, a page may connect anywhere (an implicit wildcard).
    const connect = csp!.get("connect-src") ?? csp!.get("default-src");
    figures.checks += 3;
    expect(connect).toBeDefined();
    expect(connect!.length).toBeGreaterThan(0);
    const open = [...openSources(connect!), ...openSources(csp!.get("frame-src") ?? csp!.get("child-src") ?? csp!.get("default-src") ?? ["*"])];
    count(open);
    expect(open).toEqual([]);
    expect(connect!.some((s) => s.includes("*"))).toBe(false);
    expect(csp!.get("object-src") ?? csp!.get("default-src")).toEqual(["'none'"]);
  });

  test("the built page carries the same policy as the source page", () => {
    const [src, dist] = PAGES.map((p) => (existsSync(p) ? cspOf(readFileSync(p, "utf8")) : null));
    expect(dist && [...dist.entries()]).toEqual(src && [...src.entries()]);
  });

  test("the parser reads a wildcard as open (so the check above can fail)", () => {
    const csp = cspOf(`<meta http-equiv="Content-Security-Policy" content="connect-src * https:; frame-src 'self'" />`)!;
    expect(openSources(csp.get("connect-src")!)).toEqual(["*", "https:"]);
  });
});

// ── the manifest ──

describe("manifest.xml asks for the least permission that works, on its own origin", () => {
  const xml = readFileSync(join(ROOT, "manifest.xml"), "utf8");
  const app = new XMLParser({ ignoreAttributes: false }).parse(xml).OfficeApp as Record<string, unknown>;

  test("Permissions is ReadWriteDocument: writing is needed (◆ columns, findings and review sheets), nothing above it", () => {
    // Office's levels for a workbook add-in, least first; ReadWriteMailbox and friends are Outlook's.
    const LEVELS = ["Restricted", "ReadDocument", "ReadAllDocument", "WriteDocument", "ReadWriteDocument"];
    figures.checks += 1;
    expect(app.Permissions).toBe("ReadWriteDocument");
    expect(LEVELS.indexOf(String(app.Permissions))).toBe(LEVELS.length - 1);
    expect(xml.match(/<Permissions>/g)).toHaveLength(1);
    expect(xml).not.toMatch(/ReadWriteMailbox|ReadItem|ReadWriteItem/);
  });

  test("every URL the manifest loads is on the add-in's own origin; no AppDomains", () => {
    const body = xml.replace(/<!--[\s\S]*?-->/g, "").replace(/xmlns(?::\w+)?="[^"]*"/g, "");
    const urls = [...body.matchAll(/https?:\/\/[^"<\s]+/g)].map((m) => m[0]);
    figures.checks += 1;
    expect(urls.length).toBeGreaterThan(5);
    const origins = new Set(urls.map((u) => new URL(u).origin));
    count([...origins].slice(1));
    expect([...origins]).toEqual(["https://localhost:3000"]);
    expect(xml).not.toMatch(/<AppDomains?>/);
  });
});
