// 新建模板 Create templates on the strict fake Excel (issue 22), compared table by table with what `crm init`
// writes into an .xlsx (read back by openpyxl, not by the product): the same sheets, Excel tables (names and
// headers), lists (the column and its choices), header notes and frozen header row. On a book that has a customers
// table already, only the missing tables are added and the user's sheet is left exactly as it was.
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { columnLetter } from "../../src/core";
import { createTemplates, useHost } from "../../src/excel/actions";
import { main } from "../../src/cli/cli";
import { createFakeExcel, type FakeBookSpec, type FakeExcel } from "./fake-excel";

jest.setTimeout(120_000);
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
let fake: FakeExcel;
let restore: (() => void) | undefined;
function open(spec: FakeBookSpec): FakeExcel {
  restore?.();
  fake = createFakeExcel(spec);
  restore = fake.install();
  useHost({ run: (b) => fake.Excel.run(b as never) as never, isSetSupported: (s, v) => fake.Office.context.requirements.isSetSupported(s, v) });
  return fake;
}
afterAll(() => restore?.());

interface TableView {
  sheet: string;
  table: string;
  headers: string[];
  /** Column letter → the list's choices, for every list on the sheet below the header. */
  lists: Record<string, string>;
  /** Column letter → the header's note. */
  notes: Record<string, string>;
  frozenRows: number;
}

/** `crm init` into a new .xlsx, as openpyxl reads it. */
async function initViaCli(lang: "zh" | "en"): Promise<TableView[]> {
  const file = join(mkdtempSync(join(tmpdir(), "crm-tpl-")), "init.xlsx");
  const io = { stdout: () => undefined, stderr: () => undefined, env: { LANG: lang === "en" ? "en_US.UTF-8" : "zh_CN.UTF-8" }, stdoutTTY: false, stderrTTY: false, today: () => "2024-06-30" };
  expect(await main(["init", file, "--lang", lang], io as never)).toBe(0);
  const script = [
    "import sys, json, re, warnings, openpyxl",
    "warnings.simplefilter('ignore')",
    "wb = openpyxl.load_workbook(sys.argv[1])",
    "out = []",
    "for ws in wb.worksheets:",
    "    dv = ws.data_validations.dataValidation",
    "    (name, t), = ws.tables.items()",
    "    out.append({'sheet': ws.title, 'table': name, 'headers': [c.value for c in ws[1]],",
    "      'lists': {re.match('[A-Z]+', str(v.sqref)).group(0): v.formula1.strip('\"') for v in dv if v.type == 'list'},",
    "      'notes': {re.match('[A-Z]+', str(v.sqref)).group(0): v.prompt for v in dv if v.prompt},",
    "      'frozenRows': 1 if ws.freeze_panes == 'A2' else 0})",
    "print(json.dumps(out, ensure_ascii=False))",
  ].join("\n");
  const r = spawnSync(PYTHON, ["-c", script, file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/** The fake book's tables as the same view. */
function fakeView(only?: string[]): TableView[] {
  const tables = fake.book.tables();
  const dvs = fake.book.dataValidations();
  return fake.book.sheetNames().filter((s) => !only || only.includes(s)).map((sheet) => {
    const t = tables.find((x) => x.sheet === sheet)!;
    const col = (ref: string) => /^[A-Z]+/.exec(ref)![0];
    const mine = dvs.filter((d) => d.sheet === sheet);
    return {
      sheet, table: t.name, headers: t.headers,
      lists: Object.fromEntries(mine.filter((d) => (d.rule as { list?: unknown }).list).map((d) => [col(d.ref), String((d.rule as { list: { source: string } }).list.source)])),
      notes: Object.fromEntries(mine.filter((d) => d.prompt && (d.prompt as { showPrompt?: boolean }).showPrompt).map((d) => [col(d.ref), String((d.prompt as { message: string }).message)])),
      frozenRows: fake.book.frozenRows(sheet),
    };
  });
}

test.each(["zh", "en"] as const)("in %s, on an empty book: the same tables as crm init, table by table", async (lang) => {
  open({ sheets: [{ name: "Sheet1", cells: [] }] });
  const out = await createTemplates({ lang });
  const cli = await initViaCli(lang);
  expect(out.created.map((c) => c.sheet)).toEqual(cli.map((t) => t.sheet));
  const pane = fakeView(cli.map((t) => t.sheet));
  expect(pane).toHaveLength(cli.length);
  for (let k = 0; k < cli.length; k++) expect(pane[k]).toEqual(cli[k]);
  // Lists down to the sheet's last row, below the header only.
  for (const d of fake.book.dataValidations().filter((x) => (x.rule as { list?: unknown }).list)) expect(d.ref).toMatch(/^[A-Z]+2:[A-Z]+1048576$/);
  // The rules table holds every default (its first data row is the first rule).
  const rules = cli.find((t) => t.table === "CRM_Rules")!;
  expect(fake.book.values(rules.sheet, `A2:${columnLetter(rules.headers.length)}2`)[0][0]).toBe("stage.churnDays");
});

test("on a book with a customers table: the other six added; the user's sheet exactly as it was; a second run adds nothing", async () => {
  open({ sheets: [{ name: "我的客户", cells: [["客户编号", "客户名称", "联系人", "首次触达时间"], ["C1", "甲公司", "王经理", "2024-01-02"]] }] });
  const before = JSON.stringify(fake.book.sheet("我的客户"));
  const out = await createTemplates({ lang: "zh" });
  expect(out.present).toEqual([{ kind: "customers", sheet: "我的客户" }]);
  expect(out.created.map((c) => c.kind)).toEqual(["interactions", "orders", "tasks", "keyDates", "plan", "rules"]);
  expect(JSON.stringify(fake.book.sheet("我的客户"))).toBe(before);
  const again = await createTemplates({ lang: "zh" });
  expect(again.created).toEqual([]);
  expect(again.present.map((p) => p.kind)).toEqual(["customers", "interactions", "orders", "tasks", "keyDates", "plan", "rules"]);
});

test("a sheet or table name already taken gets a number; nothing of the user's is renamed", async () => {
  open({ sheets: [{ name: "客户", cells: [["区域", "销售额"], ["华东", 120]] }] });
  const out = await createTemplates({ lang: "zh", kinds: ["customers"] });
  expect(out.created).toEqual([{ kind: "customers", sheet: "客户 (2)", table: "CRM_Customers", rows: 0 }]);
  expect(fake.book.values("客户", "A1:B2")).toEqual([["区域", "销售额"], ["华东", 120]]);
});
