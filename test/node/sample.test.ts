// The sample workbook generator (scripts/sample.ts): deterministic, spread over the six lifecycle stages by
// construction, and every injected mistake is found by the engine where it was put.
import { checkUscc, hasFullPhone, runPipeline, STAGE_LABEL, STAGES, type PipelineResult } from "../../src/core";
import { CUSTOMER_HEADERS, generateSample, generateSampleWorkbook, injectedMistakes, SHEETS, usccCheckChar, type SampleWorkbook } from "../../scripts/sample";

const AS_OF = "2024-11-26";

describe("generateSampleWorkbook", () => {
  let sample: SampleWorkbook;
  let result: PipelineResult;
  beforeAll(() => {
    sample = generateSample({ customers: 400, seed: 20241126, asOf: AS_OF, mistakes: true });
    result = runPipeline(sample.model, AS_OF);
  });

  test("is deterministic: the same options give an identical model, another seed a different one", () => {
    const random = jest.spyOn(Math, "random").mockImplementation(() => {
      throw new Error("Math.random used");
    });
    const now = jest.spyOn(Date, "now").mockImplementation(() => {
      throw new Error("Date.now used");
    });
    try {
      const a = generateSampleWorkbook({ customers: 120, seed: 7, asOf: AS_OF });
      const b = generateSampleWorkbook({ customers: 120, seed: 7, asOf: AS_OF });
      expect(b).toEqual(a);
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      expect(generateSampleWorkbook({ customers: 120, seed: 8, asOf: AS_OF })).not.toEqual(a);
      expect(injectedMistakes({ customers: 120, seed: 7, asOf: AS_OF })).toEqual(generateSample({ customers: 120, seed: 7, asOf: AS_OF }).mistakes);
    } finally {
      random.mockRestore();
      now.mockRestore();
    }
  });

  test("defaults are 400 customers as of 2024-11-26 with mistakes", () => {
    expect(generateSampleWorkbook()).toEqual(sample.model);
    expect(result.summary.rows).toBe(400);
  });

  test("has the seven sheets, the customers table under a merged title row and a blank row", () => {
    expect(sample.model.sheets.map((s) => s.name)).toEqual(Object.values(SHEETS));
    const cust = sample.model.sheets[0];
    expect(cust.merged).toEqual(["A1:H1"]);
    expect(cust.cells[0][0]).toBe("客户关系周期管理表");
    expect(cust.cells[1].every((v) => v === null)).toBe(true);
    expect(cust.cells[2]).toEqual([...CUSTOMER_HEADERS]);
    const kinds = Object.fromEntries(result.tables.map((t) => [t.sheet, t.kind]));
    expect(kinds).toEqual({ 客户: "customers", 客户分类表: "customers", 维护记录: "interactions", 订单: "orders", 跟进任务: "tasks", 关键节点: "keyDates", 执行计划: "plan", CRM规则: "rules" });
    // The 分类表 is merged with the 周期表: every customer once, its classification row on the same customer.
    expect(result.tables.filter((t) => t.kind === "customers").map((t) => [t.sheet, t.used])).toEqual([["客户", true], ["客户分类表", true]]);
    expect(result.customers.every((c) => c.sheet === SHEETS.customers)).toBe(true);
    expect(result.tables.find((t) => t.kind === "customers")?.headerRow).toBe(3);
    // Every template column was recognised.
    expect(Object.keys(result.tables.find((t) => t.kind === "customers")!.columns)).toHaveLength(CUSTOMER_HEADERS.length);
  });

  test("every one of the six lifecycle stages appears, each customer in the stage it was built for", () => {
    const stages = new Set(result.customers.map((c) => c.stage));
    for (const s of STAGES) expect(stages).toContain(STAGE_LABEL[s].zh);
    const byRow = new Map(result.customers.map((c) => [c.row, c]));
    const wrong = sample.intended
      .filter((e) => byRow.get(e.row)?.stage !== e.stage)
      .map((e) => `${e.id} (${e.design}): expected ${e.stage}, got ${byRow.get(e.row)?.stage} — ${byRow.get(e.row)?.stageReason}`);
    expect(wrong).toEqual([]);
    // Each stage holds a fair share of the customers, not a token one.
    for (const s of STAGES) expect(result.customers.filter((c) => c.stageKey === s).length).toBeGreaterThanOrEqual(20);
  });

  test("every injected mistake is found by the engine at its sheet and cell", () => {
    const m = sample.mistakes;
    expect(m.length).toBeGreaterThanOrEqual(12);
    expect(new Set(m.map((x) => x.code))).toEqual(
      new Set(["UNMASKED_PHONE", "BAD_USCC", "DUPLICATE_ID", "BAD_DATE", "NEGATIVE_AMOUNT", "FUTURE_DATE", "BAD_ENUM", "REQUIRED_MISSING", "UNKNOWN_CUSTOMER", "BLANK_ROWS", "BAD_RULE", "BAD_AMOUNT", "OUT_OF_RANGE", "CELL_ERROR", "DATE_ORDER", "STAGE_STALE"]),
    );
    for (const x of m) {
      const found = result.findings.filter((f) => f.code === x.code && f.sheet === x.sheet);
      expect({ mistake: x, foundAtSheet: found.length > 0 }).toEqual({ mistake: x, foundAtSheet: true });
      expect({ mistake: x, addresses: found.map((f) => f.address) }).toEqual({ mistake: x, addresses: expect.arrayContaining([x.address]) });
    }
    // …and nothing else: the rest of the sample is clean.
    const unexpected = result.findings.filter((f) => !m.some((x) => x.code === f.code && x.address === f.address));
    expect(unexpected.map((f) => `${f.code} ${f.address} ${f.message}`)).toEqual([]);
  });

  test("without mistakes the sample is clean and the customers are in the same stages", () => {
    const clean = generateSample({ customers: 400, seed: 20241126, asOf: AS_OF, mistakes: false });
    expect(clean.mistakes).toEqual([]);
    const r = runPipeline(clean.model, AS_OF);
    expect(r.findings.map((f) => `${f.code} ${f.address} ${f.message}`)).toEqual([]);
    expect(r.customers.map((c) => c.stage)).toEqual(clean.intended.map((e) => e.stage));
  });

  test("stages and mistakes hold for other seeds, sizes and as-of dates", () => {
    for (const [customers, seed, asOf] of [[60, 1, "2024-02-29"], [150, 2, "2025-03-31"], [250, 3, "2023-01-01"]] as const) {
      const s = generateSample({ customers, seed, asOf });
      const r = runPipeline(s.model, asOf);
      expect(new Set(r.customers.map((c) => c.stageKey))).toEqual(new Set(STAGES));
      const byRow = new Map(r.customers.map((c) => [c.row, c.stage]));
      expect(s.intended.filter((e) => byRow.get(e.row) !== e.stage)).toEqual([]);
      for (const x of s.mistakes) expect(r.findings.some((f) => f.code === x.code && f.address === x.address)).toBe(true);
    }
  });

  test("the data is written the way real teams write it", () => {
    const sheet = (name: string) => sample.model.sheets.find((s) => s.name === name)!;
    const col = (name: string, header: string) => {
      const s = sheet(name);
      const h = s.cells.findIndex((r) => r.includes(header));
      const c = s.cells[h].indexOf(header);
      return s.cells.slice(h + 1).map((r) => r[c]);
    };
    const times = col(SHEETS.interactions, "维护时间");
    expect(times.some((v) => typeof v === "number" && !Number.isInteger(v))).toBe(true); // Excel serial with a time
    expect(times.some((v) => typeof v === "string" && /^\d{4}\/\d{1,2}\/\d{1,2} \d{2}:\d{2}$/.test(v))).toBe(true);
    expect(times.some((v) => typeof v === "string" && /^\d{4}年\d{1,2}月\d{1,2}日/.test(v))).toBe(true);
    expect(times.some((v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(v))).toBe(true);
    const amounts = col(SHEETS.orders, "金额(元)");
    expect(amounts.some((v) => typeof v === "string" && /^\d+(\.\d+)?万$/.test(v))).toBe(true);
    expect(amounts.some((v) => typeof v === "string" && /,/.test(v))).toBe(true);
    const stages = col(SHEETS.customers, "当前周期阶段");
    expect(stages).toEqual(expect.arrayContaining(["潜在", "成交", "潜在客户"]));
    const channels = col(SHEETS.customers, "联系方式(*)").filter((v): v is string => typeof v === "string");
    expect(channels.some((v) => /^尾号\d{4}$/.test(v))).toBe(true);
    // Only the injected mistake holds a full phone number.
    const phone = sample.mistakes.find((x) => x.code === "UNMASKED_PHONE")!;
    expect(channels.filter((v) => hasFullPhone(v))).toHaveLength(1);
    expect(phone.address).toMatch(/^客户!D\d+$/);
    expect(col(SHEETS.classification, "年度采购总额(万元)").some((v) => typeof v === "number")).toBe(true);
  });

  // DOMAIN.md section 5 (revised): default tier.mode = quantile, cut on the active buyers' scores (stage 成交/稳定/
  // 流失风险), 5 / 15 / 30 / 50 %. The sample's CRM规则 sets weights but no tier thresholds.
  test("with default tier rules the active buyers split 5 / 15 / 30 / 50 % across the four tiers (±5 points)", () => {
    const rules = sample.model.sheets.find((s) => s.name === SHEETS.rules)!.cells.map((r) => String(r[0]));
    expect(rules.filter((k) => k.startsWith("tier."))).toEqual([]);
    const active = result.customers.filter((c) => c.stageKey === "won" || c.stageKey === "stable" || c.stageKey === "atRisk");
    expect(active.length).toBeGreaterThan(100);
    const share = (tier: string) => active.filter((c) => c.tier === tier).length / active.length;
    const shares = ["战略客户", "重点客户", "普通客户", "观察客户"].map(share);
    [0.05, 0.15, 0.3, 0.5].forEach((want, k) => expect(Math.abs(shares[k] - want)).toBeLessThanOrEqual(0.05));
    // The old fixed bands on the same scores put most of them in 观察客户 (the problem section 5 records).
    const watchByBands = active.filter((c) => c.score !== null && c.score < 50).length / active.length;
    expect(watchByBands).toBeGreaterThan(0.6);
  });

  test("value tiers come from the 分类表's 年度采购总额, and the report says so", () => {
    const withAnnual = result.customers.filter((c) => c.annualPurchase !== null && c.sources.annualPurchase?.startsWith(`${SHEETS.classification}!`));
    expect(withAnnual.length).toBeGreaterThan(150);
    const tierOf = (v: number) => (v >= 1_000_000 ? "战略客户" : v >= 500_000 ? "重点客户" : "普通客户");
    for (const c of withAnnual) expect(c.valueTier).toBe(tierOf(c.annualPurchase!));
  });

  test("USCCs carry a valid GB 32100-2015 check character (except the injected one)", () => {
    // A published example code.
    expect(usccCheckChar("91350100M000100Y4")).toBe("3");
    const usccs = sample.model.sheets[0].cells.slice(3).map((r) => r[CUSTOMER_HEADERS.indexOf("统一社会信用代码")]).filter((v): v is string => typeof v === "string");
    expect(usccs.length).toBeGreaterThan(250);
    const invalid = usccs.filter((u) => !checkUscc(u).valid);
    expect(invalid).toHaveLength(1);
    for (const u of usccs) expect(u).toMatch(/^91\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/);
  });
});
