// The custom functions' metadata: functions.json as the webpack build generates it from the JSDoc (the same
// generator the CustomFunctionsMetadataPlugin runs), the zh-CN file built from it, and the manifest wiring.
import * as fs from "fs";
import * as path from "path";
import { generateCustomFunctionsMetadata } from "custom-functions-metadata/lib/generate";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { localizeMetadata, completeMetadata } = require("../../src/functions/localize-metadata");
import zh from "../../src/functions/functions.zh-cn.json";
import * as fns from "../../src/functions/functions";

const ROOT = path.resolve(__dirname, "../..");
const CJK = /[\u4e00-\u9fff]/;

interface Param { name: string; description?: string; type: string; dimensionality?: string; optional?: boolean }
interface Fn { id: string; name: string; description?: string; parameters: Param[]; result: { dimensionality?: string }; options?: { volatile?: boolean } }
interface Metadata { functions: Fn[]; allowErrorForDataTypeAny?: boolean; allowCustomDataForDataTypeAny?: boolean }

let metadata: { functions: Fn[] };

beforeAll(async () => {
  const generated = await generateCustomFunctionsMetadata([path.join(ROOT, "src/functions/functions.ts")], false);
  expect(generated.errors).toEqual([]);
  metadata = JSON.parse(generated.metadataJson);
}, 60_000);

// The family named in the issue: names and meaning are fixed.
const FAMILY = ["STAGE", "SCORE", "SCOREPARTS", "TIER", "VALUETIER", "CLOSENESS", "TAGS", "RISK", "RFM", "PALIVE", "EXPECTEDPURCHASES", "CLV", "NEXTFOLLOWUP", "USCC", "MASKPHONE", "AHP"];

test("functions.json lists the whole family, each with a description and help for every parameter", () => {
  expect(metadata.functions.map((f) => f.id).sort()).toEqual([...FAMILY].sort());
  for (const f of metadata.functions) {
    expect([f.id, (f.description ?? "").length > 40]).toEqual([f.id, true]);
    for (const p of f.parameters) expect([f.id, p.name, (p.description ?? "").length > 10]).toEqual([f.id, p.name, true]);
    // Batch use: every function accepts and returns ranges (spills), and none is volatile.
    expect([f.id, f.result.dimensionality]).toEqual([f.id, "matrix"]);
    expect([f.id, f.options?.volatile ?? false]).toEqual([f.id, false]);
  }
  // The exported wrappers are the functions the metadata names (the plugin associates ids with them).
  expect(Object.keys(fns).length).toBe(FAMILY.length);
});

test("the zh-CN file covers every id and every parameter, in Chinese, with unique names", () => {
  const { metadata: local, errors } = localizeMetadata(metadata, zh);
  expect(errors).toEqual([]);
  const names = local.functions.map((f: Fn) => f.name);
  expect(new Set(names).size).toBe(FAMILY.length);
  for (const f of local.functions as Fn[]) {
    expect([f.id, CJK.test(f.name), CJK.test(f.description ?? "")]).toEqual([f.id, true, true]);
    // Excel's rules for a function name: starts with a letter, at least three characters, letters/digits/_/.
    expect([f.id, /^[\p{L}][\p{L}\p{N}_.]{2,}$/u.test(f.name)]).toEqual([f.id, true]);
    for (const p of f.parameters) expect([f.id, p.name, CJK.test(p.description ?? "")]).toEqual([f.id, p.name, true]);
  }
});

test("a missing translation is an error (the build fails on it)", () => {
  const partial = JSON.parse(JSON.stringify(zh));
  delete partial.AHP;
  delete partial.RFM.parameters.asOf;
  partial.TIER.parameters.extra = "多余";
  const { errors } = localizeMetadata(metadata, partial);
  expect(errors).toEqual(expect.arrayContaining([
    "functions.zh-cn.json: no translation for AHP",
    "functions.zh-cn.json: no translation for RFM(asOf)",
    "functions.zh-cn.json: TIER has no parameter extra",
  ]));
});

test("the manifest points Excel at functions.json, and at functions-zh-cn.json for zh-CN", () => {
  const xml = fs.readFileSync(path.join(ROOT, "manifest.xml"), "utf8");
  const url = /<bt:Url id="Functions\.Metadata\.Url" DefaultValue="([^"]+)">\s*<bt:Override Locale="zh-CN" Value="([^"]+)"\/>\s*<\/bt:Url>/.exec(xml);
  expect(url?.slice(1)).toEqual(["https://localhost:3000/functions.json", "https://localhost:3000/functions-zh-cn.json"]);
  // …and the build emits both files.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const config = require(path.join(ROOT, "webpack.config.js"))({}, { mode: "production" });
  const outputs = config.plugins.map((p: { options?: { output?: string } }) => p.options?.output).filter(Boolean);
  expect(outputs).toEqual(expect.arrayContaining(["functions.json", "functions-zh-cn.json"]));
});

// Issue 17: error cells and data types inside ranges. Microsoft's metadata reference makes
// allowErrorForDataTypeAny (and allowCustomDataForDataTypeAny) TOP-LEVEL properties that apply to every `any` /
// `any[][]` parameter, and the JSDoc generator has no tag for them, so they are added to the generated file.
describe("error cells and data types reach the functions (allowErrorForDataTypeAny)", () => {
  test("every parameter that takes a range or a cell is typed any, so the top-level flags cover all of them", () => {
    for (const f of metadata.functions) {
      // The only other type is the TRUE/FALSE switches (detail, reason), which Excel checks itself.
      for (const p of f.parameters) expect([f.id, p.name, p.type === "any" || p.type === "boolean"]).toEqual([f.id, p.name, true]);
      const ranges = f.parameters.filter((p) => p.dimensionality === "matrix");
      expect([f.id, ranges.length > 0, ranges.every((p) => p.type === "any")]).toEqual([f.id, true, true]);
    }
    // The generator alone writes allowCustomDataForDataTypeAny (so data-type cells arrive as objects) but never
    // allowErrorForDataTypeAny (it has no tag for it): completeMetadata must.
    expect([(metadata as Metadata).allowErrorForDataTypeAny, (metadata as Metadata).allowCustomDataForDataTypeAny]).toEqual([undefined, true]);
    const done: Metadata = completeMetadata(metadata);
    expect([done.allowErrorForDataTypeAny, done.allowCustomDataForDataTypeAny]).toEqual([true, true]);
    expect(done.functions).toEqual(metadata.functions);
    // Not a per-function option (Excel's schema has no such option): only the top level carries it.
    for (const f of done.functions) expect([f.id, Object.keys(f.options ?? {}).filter((k) => /allow/i.test(k))]).toEqual([f.id, []]);
  });

  test("the zh-CN metadata keeps them, whether or not the English file it is built from has them yet", () => {
    for (const from of [metadata, completeMetadata(metadata)]) {
      const local: Metadata = localizeMetadata(from, zh).metadata;
      expect([local.allowErrorForDataTypeAny, local.allowCustomDataForDataTypeAny]).toEqual([true, true]);
      expect(local.functions.map((f) => [f.id, f.parameters.map((p) => [p.name, p.type, p.dimensionality])])).toEqual(
        metadata.functions.map((f) => [f.id, f.parameters.map((p) => [p.name, p.type, p.dimensionality])]),
      );
    }
  });

  /**
   * The webpack build's own metadata step, run on a stand-in compilation that holds the functions.json the
   * generator made: what the build emits as functions-zh-cn.json (and, once webpack.config.js applies
   * completeMetadata to it, functions.json).
   */
  function buildMetadata(): Record<string, Metadata> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const webpack = require("webpack");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require(path.join(ROOT, "webpack.config.js"))({}, { mode: "production" });
    const assets = new Map<string, string>([["functions.json", JSON.stringify(metadata)]]);
    const taps: (() => void)[] = [];
    const compilation = {
      hooks: { processAssets: { tap: (_o: unknown, f: () => void) => taps.push(f) } },
      getAsset: (name: string) => (assets.has(name) ? { name, source: new webpack.sources.RawSource(assets.get(name)) } : undefined),
      emitAsset: (name: string, src: { source(): string | Buffer }) => assets.set(name, src.source().toString()),
      updateAsset: (name: string, src: { source(): string | Buffer } | ((old: unknown) => { source(): string | Buffer })) =>
        assets.set(name, (typeof src === "function" ? src(new webpack.sources.RawSource(assets.get(name))) : src).source().toString()),
      errors: [] as unknown[],
      fileDependencies: new Set<string>(),
    };
    const compiler = { webpack, hooks: { thisCompilation: { tap: (_n: string, f: (c: unknown) => void) => f(compilation) }, compilation: { tap: () => undefined } } };
    for (const p of config.plugins) if (p.constructor?.name === "LocalizedFunctionsMetadataPlugin") p.apply(compiler);
    taps.forEach((t) => t());
    expect(compilation.errors).toEqual([]);
    return Object.fromEntries([...assets].map(([k, v]) => [k, JSON.parse(v)]));
  }

  test("the build's functions-zh-cn.json carries allowErrorForDataTypeAny", () => {
    const out = buildMetadata()["functions-zh-cn.json"];
    expect([out.allowErrorForDataTypeAny, out.allowCustomDataForDataTypeAny]).toEqual([true, true]);
  });

  // webpack.config.js's LocalizedFunctionsMetadataPlugin writes completeMetadata(functions.json) back, so the
  // English metadata has the flags too (without them one #N/A fails a whole CRM.STAGE in Excel).
  test("the build's functions.json carries allowErrorForDataTypeAny", () => {
    const out = buildMetadata()["functions.json"];
    expect([out.allowErrorForDataTypeAny, out.allowCustomDataForDataTypeAny]).toEqual([true, true]);
  });
});
