// Offline checks of manifest.xml (`office-addin-manifest validate` needs the network): it is
// well-formed, declares the shared runtime and the custom functions, and every URL it references
// is either a committed asset or a file the webpack build emits.
import * as fs from "fs";
import * as path from "path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { COMMAND_NAMES } from "../../src/commands/commands";

const ROOT = path.resolve(__dirname, "../..");
const ORIGIN = "https://localhost:3000/";
const xml = fs.readFileSync(path.join(ROOT, "manifest.xml"), "utf8");

type Node = Record<string, unknown>;
const doc = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
}).parse(xml) as Node;
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

/** The files the production build emits at the top of dist/, read from webpack.config.js. */
function buildOutputs(): Set<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const configFactory = require(path.join(ROOT, "webpack.config.js"));
  const config = configFactory({}, { mode: "production" });
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

  test("the shared page loads Office.js from the local copy, not a CDN", () => {
    const html = fs.readFileSync(path.join(ROOT, "src/taskpane/taskpane.html"), "utf8");
    const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(["office-js/office.js"]);
    expect(fs.existsSync(path.join(ROOT, "node_modules/@microsoft/office-js/dist/office.js"))).toBe(true);
  });
});
