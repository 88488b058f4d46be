// The custom functions' metadata: functions.json as the webpack build generates it from the JSDoc (the same
// generator the CustomFunctionsMetadataPlugin runs), the zh-CN file built from it, and the manifest wiring.
import * as fs from "fs";
import * as path from "path";
import { generateCustomFunctionsMetadata } from "custom-functions-metadata/lib/generate";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { localizeMetadata } = require("../../src/functions/localize-metadata");
import zh from "../../src/functions/functions.zh-cn.json";
import * as fns from "../../src/functions/functions";

const ROOT = path.resolve(__dirname, "../..");
const CJK = /[\u4e00-\u9fff]/;

interface Param { name: string; description?: string; type: string; dimensionality?: string; optional?: boolean }
interface Fn { id: string; name: string; description?: string; parameters: Param[]; result: { dimensionality?: string }; options?: { volatile?: boolean } }

let metadata: { functions: Fn[] };

beforeAll(async () => {
  const generated = await generateCustomFunctionsMetadata([path.join(ROOT, "src/functions/functions.ts")], false);
  expect(generated.errors).toEqual([]);
  metadata = JSON.parse(generated.metadataJson);
}, 60_000);

// The family named in the issue: names and meaning are fixed.
const FAMILY = ["STAGE", "SCORE", "SCOREPARTS", "TIER", "VALUETIER", "CLOSENESS", "TAGS", "RISK", "RFM", "NEXTFOLLOWUP", "USCC", "MASKPHONE", "AHP"];

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
