// The report writer in pieces (src/cli/json-pieces.ts) against the reference it replaces: JSON.stringify(x, null, 2)
// of the same object with every list whole. Equal text, whatever the values, and each item made only when written.
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Items, writeJsonFile, writeJsonPieces } from "../../src/cli/json-pieces";

const pieces = (object: Record<string, unknown>) => {
  const out: string[] = [];
  writeJsonPieces((s) => out.push(s), object);
  return out.join("");
};
const whole = (object: Record<string, unknown>) =>
  JSON.stringify(Object.fromEntries(Object.entries(object).map(([k, v]) => [k, v instanceof Items ? Array.from({ length: v.length }, (_, i) => v.at(i)) : v])), null, 2);

describe("writeJsonPieces", () => {
  test("writes what JSON.stringify(…, null, 2) writes, for any JSON values and lists", () => {
    const member = fc.oneof(
      fc.jsonValue(),
      fc.array(fc.jsonValue(), { maxLength: 6 }).map((a) => new Items(a.length, (i) => a[i])),
      fc.constantFrom(undefined, () => 1),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), member, { maxKeys: 6 }), (object) => {
        expect(pieces(object)).toBe(whole(object));
      }),
      { numRuns: 2_000 },
    );
  });

  test("hand-picked shapes: empty object and lists, items JSON cannot show, line breaks and CJK in strings", () => {
    const fn = () => 0;
    const cases: Record<string, unknown>[] = [
      {},
      { a: new Items(0, () => 1) },
      { a: undefined, b: fn },
      { list: new Items(3, (i) => [undefined, fn, { x: undefined }][i]) },
      { s: "两行\n文本\r\n\u2028", list: new Items(2, (i) => ({ 名称: `客户${i}\n`, n: [1, [2, {}], []] })) },
      { head: { nested: { deep: [1, { y: null }] } }, list: new Items(1, () => "") },
    ];
    for (const c of cases) expect(pieces(c)).toBe(whole(c));
    // Worked by hand, so the reference itself is pinned too.
    expect(pieces({ a: 1, b: new Items(2, (i) => ({ k: i })) })).toBe('{\n  "a": 1,\n  "b": [\n    {\n      "k": 0\n    },\n    {\n      "k": 1\n    }\n  ]\n}');
  });

  test("each item is made as it is written, once, in order", () => {
    const made: number[] = [];
    const log: string[] = [];
    writeJsonPieces((s) => log.push(s), {
      list: new Items(4, (i) => {
        made.push(i);
        // Item i is made only after item i-1's text was handed over.
        if (i > 0) expect(log.join("")).toContain(`"item": ${i - 1}`);
        expect(log.join("")).not.toContain(`"item": ${i}`);
        return { item: i };
      }),
    });
    expect(made).toEqual([0, 1, 2, 3]);
  });
});

describe("writeJsonFile", () => {
  test("the file holds the text and a final line break, and parses back to the object", () => {
    const dir = mkdtempSync(join(tmpdir(), "crm-json-"));
    try {
      const file = join(dir, "r.json");
      // About 3 MB of text: many buffered writes.
      const rows = Array.from({ length: 20_000 }, (_, i) => ({ id: `K${String(i).padStart(7, "0")}`, 名称: "苏州永美汽车零部件有限公司", score: i / 7, tags: ["高价值", "待跟进"] }));
      const object = { asOf: "2026-12-03", summary: { rows: rows.length }, customers: new Items(rows.length, (i) => rows[i]) };
      writeJsonFile(file, object);
      const text = readFileSync(file, "utf8");
      expect(text).toBe(`${whole(object)}\n`);
      expect(JSON.parse(text).customers[19_999]).toEqual(rows[19_999]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
