// `npm run demo`: generate a realistic sample CRM workbook as a real .xlsx (assets/sample-customers.xlsx), run
// validate → apply → review on it exactly as `crm` does, write the result workbook
// (assets/sample-customers-result.xlsx) and the report (assets/sample-report.json), and print a short
// bilingual summary.
//   npm run demo -- [--customers 400] [--seed 20241126] [--as-of 2024-11-26] [--clean]
// Colours only when stdout is a terminal (and NO_COLOR is not set). Text from the workbook is printed through
// safeText, so a full phone number never reaches the console.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "fs";
import { join, relative, resolve } from "path";
import {
  buildReview, runPipeline, safeText, STAGE_LABEL, STAGES, TABLES, TIER_LABEL, VALUE_TIER_LABEL, UNDETERMINED,
  type Finding, type PipelineResult, type ReviewData, type Severity,
} from "../src/core";
import { reportOf } from "../src/cli/cli";
import { writeJsonFile } from "../src/cli/json-pieces";
import { applyEdit, BookError, readModelParts, reviewEdit, stylesOf, writeModelXlsx, writePatched } from "../src/xlsx";
import { generateSample, SAMPLE_DEFAULTS } from "./sample";

// ── options ──
function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const customers = Number(option("customers") ?? SAMPLE_DEFAULTS.customers);
const seed = Number(option("seed") ?? SAMPLE_DEFAULTS.seed);
const asOf = option("as-of") ?? SAMPLE_DEFAULTS.asOf;
const mistakes = !process.argv.includes("--clean");
if (!Number.isInteger(customers) || customers < 6 || !Number.isFinite(seed) || !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
  process.stderr.write("usage: npm run demo -- [--customers N≥6] [--seed N] [--as-of YYYY-MM-DD] [--clean]\n");
  process.exit(2);
}

// ── colours and layout ──
const COLOUR = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: string) => (s: string | number) => (COLOUR ? `\x1b[${code}m${s}\x1b[0m` : String(s));
const bold = paint("1");
const dim = paint("2");
const red = paint("31");
const green = paint("32");
const yellow = paint("33");
const blue = paint("34");
const magenta = paint("35");
const cyan = paint("36");
const STAGE_COLOUR: Record<string, (s: string | number) => string> = {
  潜在客户: dim, 意向客户: cyan, 成交客户: blue, 稳定客户: green, 流失风险客户: yellow, 流失客户: red, [UNDETERMINED]: magenta,
};
const SEVERITY_COLOUR: Record<Severity, (s: string | number) => string> = { error: red, warning: yellow, info: cyan };
const SEVERITY_ZH: Record<Severity, string> = { error: "错误", warning: "警告", info: "提示" };

/** Display width: CJK and full-width characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
const padEnd = (s: string, n: number) => s + " ".repeat(Math.max(0, n - width(s)));
const padStart = (s: string, n: number) => " ".repeat(Math.max(0, n - width(s))) + s;
const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
const int = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const bar = (n: number, max: number, span = 30) => "█".repeat(max > 0 ? Math.round((n / max) * span) : 0) || (n > 0 ? "▏" : "");
const heading = (zh: string, en: string) => console.log(`\n${bold(zh)} ${dim(en)}`);

function table(rows: { label: string; en: string; count: number }[], colour: (label: string) => (s: string | number) => string = () => (s) => String(s)): void {
  const max = Math.max(0, ...rows.map((r) => r.count));
  const lw = Math.max(...rows.map((r) => width(r.label) + 1 + width(r.en)));
  for (const r of rows) {
    const c = colour(r.label);
    console.log(`  ${c(r.label)} ${dim(r.en)}${" ".repeat(lw - width(r.label) - 1 - width(r.en))}  ${padStart(int(r.count), 5)}  ${c(bar(r.count, max))}`);
  }
}

// ── run: the same path as `crm validate` → `crm apply` → `crm review`, on a real .xlsx file ──
const assets = resolve(__dirname, "..", "assets");
mkdirSync(assets, { recursive: true });
const inputPath = join(assets, "sample-customers.xlsx");
const outputPath = join(assets, "sample-customers-result.xlsx");

async function runDemo() {
  const t0 = performance.now();
  const sample = generateSample({ customers, seed, asOf, mistakes });
  await writeModelXlsx(sample.model, inputPath, { listObjects: { 订单: "订单表" } });
  const t1 = performance.now();
  const { model, parts } = await readModelParts(inputPath);
  const t2 = performance.now();
  const result = runPipeline(model, asOf);
  const review = buildReview(result);
  const t3 = performance.now();
  // The patching writer, as `crm apply` then `crm review` use it: the result columns first, then the review sheets.
  const applied = join(assets, ".sample-applied.tmp.xlsx");
  const plan = applyEdit(parts, model, result, stylesOf(parts).styles);
  await writePatched(parts, plan.edit, applied);
  const appliedParts = (await readModelParts(applied)).parts;
  await writePatched(appliedParts, reviewEdit(appliedParts, review, stylesOf(appliedParts).styles), outputPath);
  unlinkSync(applied);
  const t4 = performance.now();
  return { sample, result, review, history: plan.history, times: { generate: t1 - t0, read: t2 - t1, engine: t3 - t2, write: t4 - t3 } };
}

runDemo().then(report, (e) => {
  process.stderr.write(`demo: ${e instanceof BookError ? e.line("zh") : String(e?.stack ?? e)}\n`);
  process.exit(2);
});

function report({ sample, result, review, history, times }: Awaited<ReturnType<typeof runDemo>>): void {
const rowsOf = (name: string) => Math.max(0, (sample.model.sheets.find((s) => s.name === name)?.cells.length ?? 1) - 1);
console.log(bold(`CRM Workbench 示例演示`) + dim(" · sample demo"));
console.log(
  `示例工作簿 ${dim("sample workbook")}: ${bold(int(result.summary.rows))} 客户 ${dim("customers")} · ${int(rowsOf("维护记录"))} 维护记录 ${dim("interactions")} · ` +
    `${int(rowsOf("订单"))} 订单 ${dim("orders")} · ${int(rowsOf("跟进任务"))} 跟进任务 ${dim("tasks")} · ${int(rowsOf("关键节点"))} 关键节点 ${dim("key dates")}`,
);
console.log(`统计日 ${dim("as of")} ${bold(result.asOf)} · 随机种子 ${dim("seed")} ${seed} · 注入错误 ${dim("injected mistakes")} ${sample.mistakes.length}`);

heading("识别的表", "Tables found");
for (const t of result.tables) {
  console.log(`  ${padEnd(t.sheet, 10)} → ${padEnd(TABLES[t.kind].labelZh, 10)} ${dim(padEnd(TABLES[t.kind].labelEn, 16))} ${padStart(int(t.rows), 6)} 行 ${dim("rows")} · 表头第${t.headerRow}行 ${dim(`header row ${t.headerRow}`)}`);
}

heading("周期阶段", "Lifecycle stage");
table(
  review.stageCounts.filter((s) => s.stage !== UNDETERMINED || s.count > 0).map((s) => ({ label: s.stage, en: STAGES.map((k) => STAGE_LABEL[k]).find((l) => l.zh === s.stage)?.en ?? "Undetermined", count: s.count })),
  (label) => STAGE_COLOUR[label] ?? ((s) => String(s)),
);

// Tiers are cut by share of the active buyers' scores (DOMAIN.md section 5, tier.mode = quantile): shown over them,
// where the shares hold; prospects, interested and churned customers are placed with the same cut points.
heading("评分等级", "Score tier (评估模型 evaluation model, 成交/稳定/流失风险客户 active buyers)");
const active = result.customers.filter((c) => c.stageKey === "won" || c.stageKey === "stable" || c.stageKey === "atRisk");
table(Object.values(TIER_LABEL).map((l) => ({ label: l.zh, en: l.en, count: active.filter((c) => c.tier === l.zh).length })), () => blue);
const cuts = result.scoring.tierCuts;
if (cuts) {
  const mode = result.rules.text("tier.mode") === "quantile" ? "按比例 by share 5/15/30/50%" : "固定分数线 fixed bands";
  console.log(dim(`  ${mode} · 分数线 cut points ${[cuts.strategic, cuts.key, cuts.regular].map((x) => x.toFixed(1)).join(" / ")} · 全部客户 all customers ${Object.values(TIER_LABEL).map((l) => `${l.zh} ${review.tierCounts.find((t) => t.tier === l.zh)?.count ?? 0}`).join(" ")}`));
}

heading("价值层级", "Value tier (年度采购额 annual purchase)");
const valueRows = Object.values(VALUE_TIER_LABEL).map((l) => ({ label: l.zh, en: l.en, count: result.customers.filter((c) => c.valueTier === l.zh).length }));
valueRows.push({ label: "无采购", en: "No purchase", count: result.customers.filter((c) => c.valueTier === null).length });
table(valueRows, () => magenta);

printFindings(result.findings, result);

heading("漏斗转化", "Funnel conversion");
for (const f of review.funnel) {
  const from = STAGE_LABEL[STAGES.find((k) => STAGE_LABEL[k].zh === f.from)!];
  const to = STAGE_LABEL[STAGES.find((k) => STAGE_LABEL[k].zh === f.to)!];
  console.log(`  ${padEnd(`${f.from} → ${f.to}`, 22)} ${padStart(bold(pct(f.rate)), 7)}  ${dim(`(${int(f.reachedTo)}/${int(f.reachedFrom)}) ${from.en} → ${to.en}`)}`);
}
console.log(`  ${padEnd("留存 成交 → 稳定", 22)} ${padStart(bold(pct(review.retention)), 7)}  ${dim("retention won → stable")}`);
console.log(`  ${padEnd("流失率", 22)} ${padStart(red(pct(review.churnRate)), 7)}  ${dim("churn rate (churned / ever bought)")}`);
printChurnReasons(review);

heading("RFM 分群", "RFM segments (customers with orders)");
const segs = review.rfmSegmentCounts.filter((s) => s.count > 0).sort((a, b) => b.count - a.count);
table(segs.map((s) => ({ label: s.segment, en: s.segmentEn, count: s.count })), () => cyan);

heading("跟进效率", "Follow-up");
const fu = review.followUp;
console.log(
  `  人均维护 ${dim("interactions per customer")} ${bold(fu.perCustomer === null ? "—" : fu.perCustomer.toFixed(1))} · 任务完成率 ${dim("task completion")} ${bold(pct(fu.completionRate))} · ` +
    `逾期任务 ${dim("overdue tasks")} ${bold(fu.overdueTasks)} · 跟进逾期客户 ${dim("overdue follow-ups")} ${bold(fu.overdueFollowUps)}`,
);
console.log(`  执行计划 ${dim("execution plan")} ${review.plan.done}/${review.plan.tasks} 完成 ${dim("done")} (${pct(review.plan.completionRate)}) · 逾期 ${dim("overdue")} ${review.plan.overdue}`);

// The first apply of a book records every customer in the history sheet (DOMAIN.md section 8a).
heading("变更历史", "History (CRM变更历史)");
console.log(
  history.skipped === null
    ? `  已记录 ${dim("recorded")} ${bold(int(history.appended))} 行 ${dim("rows")} · 阶段、评分等级、价值分级、风险等级 ${dim("stage, score tier, value tier, risk")} · 下次“应用”只追加变化 ${dim("the next apply appends only what changed")}`
    : `  未追加 ${dim("not appended")}: ${history.skipped}`,
);

// ── report ──
const reportPath = join(assets, "sample-report.json");
// Written as the command line writes --report: the findings and customers are streamed (json-pieces), not
// JSON.stringify'd (which gave each list as {"length": n}).
writeJsonFile(reportPath, { ...reportOf(result), review });
const json = readFileSync(reportPath, "utf8");
const rel = (p: string) => relative(process.cwd(), p) || p;

heading("耗时", "Timing");
console.log(
  `  生成并写入示例 ${dim("generate + write .xlsx")} ${ms(times.generate)} · 读取 ${dim("read")} ${ms(times.read)} · ` +
    `引擎 ${dim("engine + review")} ${bold(ms(times.engine))} · 写入结果 ${dim("apply + review sheets + save")} ${ms(times.write)}`,
);
heading("文件", "Files");
const fileLine = (mark: string, zh: string, en: string, path: string, note: string) =>
  console.log(`  ${mark} ${zh} ${dim(en)}${" ".repeat(Math.max(1, 28 - width(zh) - 1 - width(en)))}${bold(path)}  ${dim(note)}`);
fileLine(" ", "示例工作簿", "sample workbook", rel(inputPath), "输入 input");
fileLine(green("✔"), "结果工作簿", "result workbook", rel(outputPath), "◆ 结果列 result columns · CRM问题清单 findings · CRM复盘-… review sheets");
fileLine(" ", "报告", "report", rel(reportPath), `${(json.length / 1024).toFixed(0)} KB`);
heading("自己试试", "Try it yourself");
console.log(`  npx crm validate ${rel(inputPath)} --as-of ${asOf}`);
console.log(`  npx crm apply ${rel(inputPath)} --out my-result.xlsx --as-of ${asOf} --report my-report.json`);
console.log(`  npx crm review ${rel(inputPath)} --json --as-of ${asOf}`);
}

// ── helpers ──
function ms(x: number): string {
  return `${x.toFixed(x < 10 ? 1 : 0)} ms`;
}

function printFindings(findings: Finding[], res: PipelineResult): void {
  const s = res.summary;
  heading("校验发现", "Findings");
  console.log(`  ${red(`${s.errors} 错误`)} ${dim("errors")} · ${yellow(`${s.warnings} 警告`)} ${dim("warnings")} · ${cyan(`${s.infos} 提示`)} ${dim("infos")}`);
  const byCode = new Map<string, { n: number; severity: Severity }>();
  for (const f of findings) byCode.set(f.code, { n: (byCode.get(f.code)?.n ?? 0) + 1, severity: f.severity });
  const top = [...byCode.entries()].sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1)).slice(0, 8);
  if (top.length) console.log(`  ${dim("top codes")} ${top.map(([code, x]) => `${SEVERITY_COLOUR[x.severity](code)} ×${x.n}`).join(dim(" · "))}`);
  const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  const first = [...findings].sort((a, b) => order[a.severity] - order[b.severity]).slice(0, 6);
  const aw = Math.max(0, ...first.map((f) => width(f.address)));
  for (const f of first) {
    console.log(`  ${SEVERITY_COLOUR[f.severity](padEnd(SEVERITY_ZH[f.severity], 4))} ${padEnd(f.address, aw)}  ${safeText(f.message)}`);
    console.log(`  ${" ".repeat(4)} ${" ".repeat(aw)}  ${dim(safeText(f.messageEn))}`);
  }
  if (findings.length > first.length) console.log(dim(`  … 另有 ${findings.length - first.length} 条 / ${findings.length - first.length} more in the report`));
}

function printChurnReasons(r: ReviewData): void {
  const top = r.churnReasonsTop3;
  console.log(`  ${padEnd("TOP 3 流失原因", 22)} ${top.length ? top.map((x, i) => `${i + 1}. ${safeText(x.reason)} ${dim(`×${x.count}`)}`).join("  ") : dim("—")}  ${dim("top churn reasons")}`);
}
