// The memory-saving modes of the pass give the same answers: results kept, computed on demand, or not built;
// the model's cells kept or let go once the tables are read.
import { runPipeline, type WorkbookModel } from "../../src/core";
import { generateSample } from "../../scripts/sample";

const AS_OF = "2024-11-26";
const fresh = (): WorkbookModel => generateSample({ customers: 300, asOf: AS_OF }).model;

test("on demand and released: the same findings and, customer by customer, the same results", () => {
  const full = runPipeline(fresh(), AS_OF);
  const model = fresh();
  const lean = runPipeline(model, AS_OF, { customers: "onDemand", release: true });
  expect(lean.customers).toEqual([]);
  expect(lean.findings).toEqual(full.findings);
  expect(lean.summary).toEqual(full.summary);
  expect(lean.tables).toEqual(full.tables);
  expect(full.customers.length).toBe(lean.summary.rows);
  full.customers.forEach((c, i) => {
    expect(lean.customerRow(i)).toBe(c.row);
    expect(lean.customerAt(i)).toEqual(c);
  });
  // Released: only each customers table's header row (and rows reaching right of the table) are left; the sample
  // has two, the 周期表 and the 分类表.
  const tables = full.tables.filter((t) => t.kind === "customers" && t.used);
  expect(tables.map((t) => t.sheet)).toEqual(["客户", "客户分类表"]);
  for (const table of tables) {
    const sheet = model.sheets.find((s) => s.name === table.sheet)!;
    const kept = sheet.cells.map((row, i) => (row.length > 0 ? i + (sheet.originRow ?? 1) : 0)).filter((r) => r > 0);
    expect(kept).toEqual([table.headerRow]);
  }
  expect(model.sheets.filter((s) => !tables.some((t) => t.sheet === s.name)).every((s) => s.cells.length === 0)).toBe(true);
});

test("validation only: the same findings without building any customer's results", () => {
  const full = runPipeline(fresh(), AS_OF);
  const only = runPipeline(fresh(), AS_OF, { customers: false, release: true });
  expect(only.customers).toEqual([]);
  expect(only.findings).toEqual(full.findings);
  expect(only.customerAt(5)).toEqual(full.customers[5]);
});
