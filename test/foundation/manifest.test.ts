// Offline checks of the add-in manifests (`office-addin-manifest validate` needs the network):
// - manifest.xml (development, https://localhost:3000): well-formed, valid against Microsoft's add-in manifest
//   XSDs (schema/addin-manifest, with lxml), shared runtime, custom functions, every URL a committed asset or a
//   build output;
// - the production manifest, made by a real production build (webpack's Node API, a test origin, a temporary
//   folder): no localhost anywhere, SupportUrl, valid against the XSDs, every URL on the origin and a file of the
//   build, every icon a PNG of the declared pixel size, each ribbon button its own icon; the pages load Office.js
//   from Microsoft's CDN and no copy of it is shipped.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { COMMAND_NAMES } from "../../src/commands/commands";

const ROOT = path.resolve(__dirname, "../..");
const ORIGIN = "https://localhost:3000/";
const xml = fs.readFileSync(path.join(ROOT, "manifest.xml"), "utf8");

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
});
const doc = parser.parse(xml) as Node;
const app = doc.OfficeApp as Node;

/** Every element named `name` anywhere below `node` (the parser gives objects or arrays). */
function findAll(node: unknown, name: string, out: Node[] = []): Node[] {
  if (Array.isArray(node)) {
    for (const item of node) findAll(item, name, out);
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node as Node)) {
      if (key === name) for (const v of Array.isArray(value) ? value : [value]) out.push(v as Node);
      findAll(value, name, out);
    }
  }
  return out;
}
const attr = (node: Node, name: string): string => String(node[`@_${name}`] ?? "");
const text = (node: unknown): string =>
  typeof node === "object" && node !== null ? String((node as Node)["#text"] ?? "") : String(node);

/** resid → DefaultValue for every bt:Url, bt:Image and bt:String in Resources. */
const resources = new Map<string, string>();
for (const kind of ["bt:Url", "bt:Image", "bt:String"]) {
  for (const r of findAll(app.VersionOverrides, kind)) resources.set(attr(r, "id"), attr(r, "DefaultValue"));
}
const resolveResid = (node: Node): string => {
  const id = attr(node, "resid");
  const value = resources.get(id);
  if (value === undefined) throw new Error(`resid "${id}" is not defined in <Resources>`);
  return value;
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const webpackConfig = require(path.join(ROOT, "webpack.config.js"));

/** Debian's python3 (scripts/setup.js installs python3-lxml for it), whatever python3 is first on PATH. */
const PYTHON = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const XSD = path.join(ROOT, "schema/addin-manifest/OfficeAppManifestV1_1.xsd");
const VALIDATE_PY = [
  "import sys",
  "from lxml import etree",
  "schema = etree.XMLSchema(etree.parse(sys.argv[1]))",
  "ok = schema.validate(etree.parse(sys.argv[2]))",
  "[print(f'line {e.line}: {e.message}') for e in schema.error_log]",
  "sys.exit(0 if ok else 1)",
].join("\n");
/** The XSD errors of a manifest file ([] when valid). */
function schemaErrors(file: string): string[] {
  const r = spawnSync(PYTHON, ["-c", VALIDATE_PY, XSD, file], { encoding: "utf8" });
  if (r.status !== 0 && r.status !== 1) throw new Error(`lxml could not validate ${file}: ${r.stderr || r.error?.message}`);
  const lines = r.stdout.split("\n").filter((l) => l.trim() !== "");
  if (r.status === 1 && lines.length === 0) throw new Error(`lxml refused ${file} without saying why: ${r.stderr}`);
  return lines;
}

/** The files the production build emits at the top of dist/, read from webpack.config.js. */
function buildOutputs(): Set<string> {
  const config = webpackConfig({}, { mode: "production" });
  const out = new Set<string>();
  for (const entry of Object.keys(config.entry)) out.add(`${entry}.js`);
  for (const plugin of config.plugins) {
    const name = plugin.constructor.name;
    if (name === "HtmlWebpackPlugin") out.add(plugin.userOptions.filename);
    if (name === "CustomFunctionsMetadataPlugin" || name === "LocalizedFunctionsMetadataPlugin") out.add(plugin.options.output);
  }
  out.add("manifest.xml");
  return out;
}

describe("manifest.xml", () => {
  test("is well-formed XML", () => {
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  test("is an Excel task pane add-in with a GUID id, provider and bilingual name", () => {
    expect(attr(app, "xsi:type")).toBe("TaskPaneApp");
    expect(text(app.Id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    expect(text(app.ProviderName).trim()).not.toBe("");
    const displayName = app.DisplayName as Node;
    expect(attr(displayName, "DefaultValue")).toBe("CRM Workbench");
    expect(findAll(displayName, "Override").map((o) => [attr(o, "Locale"), attr(o, "Value")])).toContainEqual([
      "zh-CN",
      "CRM 工作台",
    ]);
    expect(findAll(app.Hosts, "Host").map((h) => attr(h, "Name"))).toEqual(["Workbook"]);
    expect(text(app.Permissions)).toBe("ReadWriteDocument");
  });

  test("requires SharedRuntime 1.1 and declares one long-lived runtime page", () => {
    const sets = findAll(app.Requirements, "Set");
    expect(sets.map((s) => [attr(s, "Name"), attr(s, "MinVersion")])).toContainEqual(["SharedRuntime", "1.1"]);
    const runtimes = findAll(app.VersionOverrides, "Runtime");
    expect(runtimes).toHaveLength(1);
    expect(attr(runtimes[0], "lifetime")).toBe("long");
    const page = resolveResid(runtimes[0]);
    expect(page).toBe(`${ORIGIN}taskpane.html`);
    // Commands and the task pane live in that same page.
    expect(resolveResid(findAll(app.VersionOverrides, "FunctionFile")[0])).toBe(page);
    expect(attr((app.DefaultSettings as Node).SourceLocation as Node, "DefaultValue")).toBe(page);
  });

  test("wires the custom functions: namespace CRM, functions.json metadata, shared page", () => {
    const ext = findAll(app.VersionOverrides, "ExtensionPoint").filter(
      (e) => attr(e, "xsi:type") === "CustomFunctions",
    );
    expect(ext).toHaveLength(1);
    const cf = ext[0];
    const source = (el: string) => resolveResid((cf[el] as Node).SourceLocation as Node);
    expect(source("Metadata")).toBe(`${ORIGIN}functions.json`);
    expect(source("Script")).toBe(`${ORIGIN}functions.js`);
    expect(source("Page")).toBe(`${ORIGIN}taskpane.html`);
    expect(resolveResid(cf.Namespace as Node)).toBe("CRM");
  });

  test("ribbon buttons run the commands registered by src/commands and show the pane", () => {
    const actions = findAll(app.VersionOverrides, "Action");
    const functionNames = actions
      .filter((a) => attr(a, "xsi:type") === "ExecuteFunction")
      .map((a) => text(a.FunctionName));
    expect(functionNames).toEqual(["validateWorkbook", "applyTags", "highlightRisk", "buildReview", "removeOutput"]);
    expect([...functionNames].sort()).toEqual([...COMMAND_NAMES].sort());
    const showPane = actions.filter((a) => attr(a, "xsi:type") === "ShowTaskpane");
    expect(showPane).toHaveLength(1);
    expect(resolveResid(showPane[0].SourceLocation as Node)).toBe(`${ORIGIN}taskpane.html`);
    // Chinese labels for every button.
    const zh = findAll(app.VersionOverrides, "bt:Override").map((o) => attr(o, "Value"));
    for (const label of ["校验", "应用标签", "标记流失风险", "生成复盘", "移除 CRM 结果", "打开面板"]) expect(zh).toContain(label);
  });

  test("every resid is defined and every URL is a committed asset or a build output", () => {
    // All resid references resolve.
    const refs: Node[] = [];
    (function walk(node: unknown): void {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        if ("@_resid" in (node as Node)) refs.push(node as Node);
        Object.values(node as Node).forEach(walk);
      }
    })(app);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(() => resolveResid(ref)).not.toThrow();

    // All URL values in the manifest (not the xmlns schema names) point at the dev origin and
    // at a real file.
    const urls = [...xml.matchAll(/(?:DefaultValue|Value)="(https?:\/\/[^"]+)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(5);
    const outputs = buildOutputs();
    for (const url of urls) {
      expect(url.startsWith(ORIGIN)).toBe(true);
      const file = url.slice(ORIGIN.length);
      if (file.startsWith("assets/")) {
        expect({ url, exists: fs.existsSync(path.join(ROOT, file)) }).toEqual({ url, exists: true });
      } else {
        expect({ url, emitted: outputs.has(file) }).toEqual({ url, emitted: true });
      }
    }
  });

  test("icons are real PNGs of the declared sizes", () => {
    for (const size of [16, 32, 64, 80]) {
      const png = fs.readFileSync(path.join(ROOT, "assets", `icon-${size}.png`));
      expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
  });

  test("is valid against Microsoft's add-in manifest schemas", () => {
    expect(schemaErrors(path.join(ROOT, "manifest.xml"))).toEqual([]);
  });

  test("the schemas are real: a misplaced SupportUrl and an unknown element are refused", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crm-manifest-"));
    try {
      const support = /\n\s*<SupportUrl [^>]*\/>/.exec(xml)![0];
      const misplaced = xml.replace(support, "").replace("\n  <DefaultSettings>", `${support}\n  <DefaultSettings>`);
      fs.writeFileSync(path.join(dir, "misplaced.xml"), misplaced);
      expect(schemaErrors(path.join(dir, "misplaced.xml")).join("\n")).toMatch(/SupportUrl.*not expected/);
      fs.writeFileSync(path.join(dir, "unknown.xml"), xml.replace("<Permissions>", "<Frobnicate/>\n  <Permissions>"));
      expect(schemaErrors(path.join(dir, "unknown.xml")).join("\n")).toMatch(/Frobnicate/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the pages take Office.js from the build: the local copy in development, Microsoft's CDN in production", () => {
    for (const page of ["src/taskpane/taskpane.html", "src/dialog/dialog.html"]) {
      const html = fs.readFileSync(path.join(ROOT, page), "utf8");
      expect({ page, scripts: [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]) }).toEqual({ page, scripts: ["<%= officeJs %>"] });
    }
    const pages = (mode: string) =>
      webpackConfig({}, { mode }).plugins.filter((p: { constructor: { name: string } }) => p.constructor.name === "HtmlWebpackPlugin");
    for (const p of pages("development")) if (p.userOptions.templateParameters) expect(p.userOptions.templateParameters.officeJs).toBe("office-js/office.js");
    for (const p of pages("production")) if (p.userOptions.templateParameters) expect(p.userOptions.templateParameters.officeJs).toBe(webpackConfig.OFFICE_JS_CDN);
    expect(webpackConfig.OFFICE_JS_CDN).toBe("https://appsforoffice.microsoft.com/lib/1/hosted/office.js");
    expect(fs.existsSync(path.join(ROOT, "node_modules/@microsoft/office-js/dist/office.js"))).toBe(true);
  });
});

describe("the production origin", () => {
  const { resolveOrigin } = webpackConfig;
  test("comes from --env origin, else CRM_ORIGIN, else the documented default with a build warning", () => {
    expect(resolveOrigin({ origin: "https://crm.contoso.cn/" }, { CRM_ORIGIN: "https://other.example" })).toEqual({ origin: "https://crm.contoso.cn", defaulted: false });
    expect(resolveOrigin({}, { CRM_ORIGIN: "https://addins.contoso.cn/crm/" })).toEqual({ origin: "https://addins.contoso.cn/crm", defaulted: false });
    expect(resolveOrigin({}, {})).toEqual({ origin: "https://crm.example.com", defaulted: true });
    const names = (env: Record<string, string>) =>
      webpackConfig(env, { mode: "production" }).plugins.map((p: { constructor: { name: string } }) => p.constructor.name);
    const saved = process.env.CRM_ORIGIN;
    delete process.env.CRM_ORIGIN;
    try {
      expect(names({})).toContain("BuildWarningPlugin");
      expect(names({ origin: "https://crm.contoso.cn" })).not.toContain("BuildWarningPlugin");
    } finally {
      if (saved !== undefined) process.env.CRM_ORIGIN = saved;
    }
  });

  test("is refused when it is not https, is a local host, or carries a query", () => {
    for (const bad of ["http://crm.contoso.cn", "https://localhost:3000", "https://127.0.0.1", "https://dev.localhost", "crm.contoso.cn", "https://crm.contoso.cn/?x=1"]) {
      expect(() => resolveOrigin({ origin: bad }, {})).toThrow(/CRM Workbench build/);
    }
  });

  test("the manifest rewrite refuses to leave any local host behind", () => {
    expect(() => webpackConfig.productionManifest(xml.replace("</OfficeApp>", "<!-- http://localhost:8080/x --></OfficeApp>"), "https://a.example")).toThrow(/local host/);
  });
});

// ---- the production build ----------------------------------------------------------------------------------
const TEST_ORIGIN = "https://addin.crm-test.example";
const RIBBON_BUTTONS = ["CRM.Validate", "CRM.ApplyTags", "CRM.HighlightRisk", "CRM.BuildReview", "CRM.RemoveOutput", "CRM.ShowTaskpane"];

describe("production build (webpack, origin " + TEST_ORIGIN + ")", () => {
  let out = "";
  let prodXml = "";
  let prod: Node;
  let warnings: string[] = [];

  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "crm-prod-build-"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const webpack = require("webpack");
    const config = webpackConfig({ origin: TEST_ORIGIN, outDir: out }, { mode: "production" });
    const stats = await new Promise<{ hasErrors(): boolean; toJson(o: unknown): { errors: { message: string }[]; warnings: { message: string }[] } }>((resolve, reject) =>
      webpack({ ...config, performance: { hints: false } }, (err: Error | null, st: never) => (err ? reject(err) : resolve(st))),
    );
    const info = stats.toJson({ all: false, errors: true, warnings: true });
    if (stats.hasErrors()) throw new Error(info.errors.map((e) => e.message).join("\n"));
    warnings = info.warnings.map((w) => w.message);
    prodXml = fs.readFileSync(path.join(out, "manifest.xml"), "utf8");
    prod = (parser.parse(prodXml) as Node).OfficeApp as Node;
  }, 240_000);
  afterAll(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  test("the manifest names no local host anywhere, and the build did not warn about the origin", () => {
    expect(prodXml).not.toMatch(/localhost|127\.0\.0\.1/i);
    expect(prodXml).toContain(TEST_ORIGIN);
    expect(warnings.join("\n")).not.toMatch(/no production origin/);
  });

  test("has a SupportUrl right after the icons, pointing at the support page of the build", () => {
    const order = Object.keys(prod).filter((k) => !k.startsWith("@_") && k !== "#text");
    expect(order.slice(order.indexOf("IconUrl"), order.indexOf("IconUrl") + 3)).toEqual(["IconUrl", "HighResolutionIconUrl", "SupportUrl"]);
    const support = attr(prod.SupportUrl as Node, "DefaultValue");
    expect(support).toBe(`${TEST_ORIGIN}/support.html`);
    const page = fs.readFileSync(path.join(out, "support.html"), "utf8");
    expect(page).toMatch(/<html lang=("?)zh-CN\1>/);
    expect(page).toContain("CRM Workbench support");
  });

  test("validates against Microsoft's add-in manifest schemas", () => {
    expect(schemaErrors(path.join(out, "manifest.xml"))).toEqual([]);
  });

  test("every URL is on the one origin and is a file of the build; every icon is a PNG of its declared size", () => {
    const urls = [...prodXml.matchAll(/(?:DefaultValue|Value)="(https?:\/\/[^"]+)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(20);
    for (const url of urls) {
      expect({ url, onOrigin: url.startsWith(`${TEST_ORIGIN}/`) }).toEqual({ url, onOrigin: true });
      const file = path.join(out, url.slice(TEST_ORIGIN.length + 1));
      expect({ url, built: fs.existsSync(file) }).toEqual({ url, built: true });
    }
    // Declared sizes: IconUrl 32, HighResolutionIconUrl 64, each bt:Image by the size its <Icon> asks for.
    const declared = new Map<string, number>([
      [attr(prod.IconUrl as Node, "DefaultValue"), 32],
      [attr(prod.HighResolutionIconUrl as Node, "DefaultValue"), 64],
    ]);
    const images = new Map(findAll(prod.VersionOverrides, "bt:Image").filter((i) => attr(i, "id")).map((i) => [attr(i, "id"), attr(i, "DefaultValue")]));
    for (const icon of findAll(prod.VersionOverrides, "Icon")) {
      for (const ref of findAll(icon, "bt:Image")) {
        const url = images.get(attr(ref, "resid"));
        expect(url).toBeDefined();
        declared.set(url!, Number(attr(ref, "size")));
      }
    }
    // icon-16/32/64/80 (the add-in and the group; IconUrl shares icon-32 with the group) and 6 buttons × 3.
    expect(declared.size).toBe(4 + 6 * 3);
    for (const [url, size] of declared) {
      const png = fs.readFileSync(path.join(out, url.slice(TEST_ORIGIN.length + 1)));
      expect({ url, signature: png.subarray(0, 8).toString("hex"), ihdr: png.subarray(12, 16).toString("ascii") }).toEqual({ url, signature: "89504e470d0a1a0a", ihdr: "IHDR" });
      expect({ url, size: [png.readUInt32BE(16), png.readUInt32BE(20)] }).toEqual({ url, size: [size, size] });
    }
  });

  test("each of the six ribbon buttons has its own icons at 16, 32 and 80 px", () => {
    const images = new Map(findAll(prod.VersionOverrides, "bt:Image").filter((i) => attr(i, "id")).map((i) => [attr(i, "id"), attr(i, "DefaultValue")]));
    const controls = findAll(prod.VersionOverrides, "Control");
    expect(controls.map((c) => attr(c, "id"))).toEqual(RIBBON_BUTTONS);
    const groupIcons = new Set(findAll(findAll(prod.VersionOverrides, "Group")[0].Icon, "bt:Image").map((i) => images.get(attr(i, "resid"))));
    const seenFiles = new Set<string>();
    const seenBytes = new Set<string>();
    for (const control of controls) {
      const refs = findAll(control.Icon, "bt:Image");
      expect(refs.map((r) => attr(r, "size"))).toEqual(["16", "32", "80"]);
      for (const ref of refs) {
        const url = images.get(attr(ref, "resid"))!;
        expect({ id: attr(control, "id"), shared: seenFiles.has(url) || groupIcons.has(url) }).toEqual({ id: attr(control, "id"), shared: false });
        seenFiles.add(url);
        // Different pictures, not the same picture under another name.
        const bytes = fs.readFileSync(path.join(out, url.slice(TEST_ORIGIN.length + 1))).toString("base64");
        expect({ url, duplicate: seenBytes.has(bytes) }).toEqual({ url, duplicate: false });
        seenBytes.add(bytes);
      }
    }
    expect(seenFiles.size).toBe(18);
  });

  test("the pages load Office.js from Microsoft's CDN and no copy of it is shipped; the dialog page is built", () => {
    const scriptSrcs = (file: string) =>
      [...fs.readFileSync(path.join(out, file), "utf8").matchAll(/<script[^>]*\ssrc=("?)([^"\s>]+)\1/g)].map((m) => m[2]);
    expect(scriptSrcs("taskpane.html")).toEqual([webpackConfig.OFFICE_JS_CDN, "runtime.js", "taskpane.js", "commands.js", "functions.js"]);
    expect(scriptSrcs("dialog.html")).toEqual([webpackConfig.OFFICE_JS_CDN, "dialog.js"]);
    expect(fs.existsSync(path.join(out, "office-js"))).toBe(false);
    expect(fs.readFileSync(path.join(out, "dialog.html"), "utf8")).toMatch(/<html lang=("?)zh-CN\1>/);
  });
});
