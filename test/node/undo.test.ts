// `crm undo`: everything the product wrote (result columns, their lists, widths and rules, its sheets) comes
// out again and the workbook is the user's own — compared cell by cell, style by style, with nothing skipped.
import { existsSync, mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { main } from "../../src/cli/cli";
import { readZipEntry, zipEntries } from "../../src/xlsx/zip";
import { isOwnedSheet } from "../../src/workbook/owned";
import { recordReliability } from "../reliability";
import { AS_OF, messyWorkbook } from "./messy-book";
import { readXlsx, snapshot } from "./snapshot";
import { memoryIO, type MemoryIO } from "./cli-io";

jest.setTimeout(120_000);
const dir = mkdtempSync(join(tmpdir(), "crm-undo-"));
const f = (name: string) => join(dir, name);
let tried = 0;
let failed = 0;

const io = () => memoryIO("en");

async function crm(...argv: string[]): Promise<MemoryIO> {
  const x = io();
  const code = await main(argv, x);
  if (code === 2) throw new Error(`crm ${argv.join(" ")} → 2: ${x.err}`);
  return x;
}

/** Everything in the book, the product's parts included (nothing skipped). */
const whole = async (file: string) => snapshot(await readXlsx(file), { includeOwned: true });

beforeAll(async () => {
  await messyWorkbook().xlsx.writeFile(f("messy.xlsx"));
});

afterAll(() => {
  recordReliability("undo-cli", { group: "nothing lost", what: "撤销 undo of the product's output (crm undo, compared with nothing skipped)", tried, failed, where: "test/node/undo.test.ts" });
});

test("after apply and review, undo gives back the book the user had: every cell, style, name, table, list and rule", async () => {
  const original = await whole(f("messy.xlsx"));
  await crm("apply", f("messy.xlsx"), "--out", f("applied.xlsx"), "--as-of", AS_OF);
  await crm("review", f("applied.xlsx"), "--out", f("reviewed.xlsx"), "--as-of", AS_OF);
  const reviewed = await readXlsx(f("reviewed.xlsx"));
  // The findings sheet, the history sheet, seven review sheets, the staging sheet and two PivotTable sheets.
  expect(reviewed.worksheets.filter((w) => isOwnedSheet(w.name)).length).toBe(12);
  const done = await crm("undo", f("reviewed.xlsx"), "--out", f("undone.xlsx"));
  expect(done.out).toContain("removed 13 result columns and 12 sheets");
  tried++;
  const after = await whole(f("undone.xlsx"));
  if (JSON.stringify(after) !== JSON.stringify(original)) failed++;
  expect(after).toEqual(original);
});

test("undo straight after apply (the patching writer's output) restores it too, and undo twice equals undo once", async () => {
  const original = await whole(f("messy.xlsx"));
  await crm("apply", f("messy.xlsx"), "--out", f("a.xlsx"), "--as-of", AS_OF);
  await crm("undo", f("a.xlsx"), "--out", f("u1.xlsx"));
  tried++;
  const after = await whole(f("u1.xlsx"));
  if (JSON.stringify(after) !== JSON.stringify(original)) failed++;
  expect(after).toEqual(original);
  await crm("undo", f("u1.xlsx"), "--out", f("u2.xlsx"));
  for (const e of zipEntries(f("u1.xlsx"))!) expect([e.name, readZipEntry(f("u2.xlsx"), e.name)!.equals(readZipEntry(f("u1.xlsx"), e.name)!)]).toEqual([e.name, true]);
});

test("--in-place on a book without output changes nothing and keeps no backup", async () => {
  const x = await crm("undo", f("messy.xlsx"), "--in-place");
  expect(x.out).toContain("nothing changed");
  expect(existsSync(join(dir, "messy.bak.xlsx"))).toBe(false);
});
