// Stage 2 of the pipeline: the rules in force, from the book's CRM规则 table (DOMAIN.md section 9). Every refused
// row is a BAD_RULE finding at its cell, and the default stays in force.
import { makeFinding } from "./findings";
import { DEFAULT_RULES, readRules, ruleDef, type Rules } from "./rules";
import { a1, type FoundTable } from "./schema";
import { findBookTables } from "./tables";
import type { Day, Finding, WorkbookModel } from "./types";
import { readTable } from "./validate";

/** The rules table used: the one on the sheet named CRM规则, else the first found. */
export function pickRulesTable(tables: readonly FoundTable[]): FoundTable | undefined {
  return tables.find((t) => t.sheet === "CRM规则") ?? tables[0];
}

export function rulesFromBook(table: FoundTable | undefined, asOf: Day, date1904: boolean, findings: Finding[]): Rules {
  if (!table) return DEFAULT_RULES;
  const rt = readTable(table, asOf, date1904, findings);
  const keyCol = rt.columns.get("key");
  const valCol = rt.columns.get("value");
  if (!keyCol || !valCol) return DEFAULT_RULES;
  const ko = keyCol.col - table.firstCol;
  const vo = valCol.col - table.firstCol;
  const read = readRules(table.rows.map((r) => ({ key: r[ko], value: r[vo] })));
  for (const p of read.problems) {
    const i = p.index >= 0 ? p.index : 0;
    const row = table.rowNumbers[i] ?? table.headerRow;
    const col = p.inKey ? keyCol : valCol;
    const def = ruleDef(p.key);
    findings.push(makeFinding("BAD_RULE", { sheet: table.sheet, row, column: col.header, address: a1(table.sheet, row, col.col) }, {
      key: p.key, reason: p.reasonZh, reasonEn: p.reasonEn, def: def && !p.inKey ? String(def.value ?? "(quintiles)") : "",
    }));
  }
  return read.rules;
}

/**
 * The rules of another workbook (`crm --rules team-rules.xlsx`: one rules book shared by a team): its CRM规则
 * table read as the book's own would be; null when it has none. Its BAD_RULE findings name its own cells.
 */
export function rulesOfBook(model: WorkbookModel, asOf: Day): { rules: Rules | null; findings: Finding[] } {
  const findings: Finding[] = [];
  const table = pickRulesTable(findBookTables(model).byKind.get("rules") ?? []);
  if (!table) return { rules: null, findings };
  return { rules: rulesFromBook(table, asOf, model.date1904 === true, findings), findings };
}
