// The template tables `crm init` creates (src/workbook/templates.ts, issue 22), read back through the engine's own
// header matching: every header of every table, in both languages, is recognised as the column it was made for;
// each sheet is found as its kind of table; the lists' choices parse as the enumeration's values; and a book of
// the empty tables (the rules sheet with every default) validates with no finding at all.
import { ENUM_LOOKUPS, findTables, matchHeader, normalizeText, runPipeline, TABLES, type CellValue, type WorkbookModel } from "../../src/core";
import { templateTables, TEMPLATE_KINDS, type TemplateTable } from "../../src/workbook/templates";

const grid = (t: TemplateTable): CellValue[][] => [t.columns.map((c) => c.header), ...t.rows.map((r) => t.columns.map((c) => r[c.key] ?? null))];
const book = (lang: "zh" | "en"): WorkbookModel => ({ sheets: templateTables(TEMPLATE_KINDS, lang).map((t) => ({ name: t.sheet, cells: grid(t) })) });

describe.each(["zh", "en"] as const)("in %s", (lang) => {
  const tables = templateTables(TEMPLATE_KINDS, lang);

  test("seven tables on seven sheets, each column's header matched to its own key", () => {
    expect(tables.map((t) => t.kind)).toEqual(["customers", "interactions", "orders", "tasks", "keyDates", "plan", "rules"]);
    expect(new Set(tables.map((t) => t.sheet)).size).toBe(7);
    for (const t of tables) for (const c of t.columns) expect([t.kind, c.header, matchHeader(t.kind, c.header)]).toEqual([t.kind, c.header, c.key]);
  });

  test("each sheet is found as its kind of table, with every column", () => {
    for (const t of tables) {
      const found = findTables({ name: t.sheet, cells: grid(t) });
      expect(found.map((f) => f.kind)).toEqual([t.kind]);
      expect([...found[0].match.columns.keys()].sort()).toEqual(t.columns.map((c) => c.key).sort());
    }
  });

  test("required columns are the schema's, marked with * ; every other header has none", () => {
    for (const t of tables) {
      for (const c of t.columns) {
        const def = TABLES[t.kind].columns.find((d) => d.key === c.key)!;
        expect([c.key, c.header.endsWith("*")]).toEqual([c.key, def.required === true]);
      }
    }
  });

  test("every drop-down choice parses as a value of its enumeration, each value offered once", () => {
    for (const t of tables) {
      for (const c of t.columns) {
        const def = TABLES[t.kind].columns.find((d) => d.key === c.key)!;
        if (typeof def.type !== "object") continue;
        const lookup = ENUM_LOOKUPS[def.type.enum];
        const values = c.choices!.map((x) => lookup.get(normalizeText(x).toLowerCase()) ?? lookup.get(normalizeText(x)));
        expect(values.every((v) => v !== undefined)).toBe(true);
        expect(new Set(values).size).toBe(new Set(lookup.values()).size);
      }
    }
  });

  test("the book of empty tables and the default rules validates with no finding", () => {
    const r = runPipeline(book(lang), "2024-06-30");
    expect(r.findings.map((f) => `${f.code} ${f.address}`)).toEqual([]);
    expect(r.tables.filter((t) => t.used).map((t) => t.kind).sort()).toEqual([...TEMPLATE_KINDS].sort());
  });
});
