// The rules table CRM规则 (src/core/rules.ts readRules), DOMAIN.md section 9: missing keys take the default,
// a bad value is a problem (→ BAD_RULE finding) and the default stays in force; never an exception.
import { readRules, DEFAULT_RULES } from "../../src/core/rules";
import type { CellValue } from "../../src/core/types";

const read = (...rows: [CellValue, CellValue][]) => readRules(rows.map(([key, value]) => ({ key, value })));

describe("valid overrides", () => {
  test("percent, 万 amounts and whole numbers are read in their units", () => {
    const { rules, problems } = read(["weight.spend6m", "30%"], ["value.strategic", "120万"], ["stage.churnDays", 60]);
    expect(problems).toEqual([]);
    expect(rules.num("weight.spend6m")).toBeCloseTo(0.3, 12); // 30 % = 0.3
    expect(rules.num("value.strategic")).toBe(1_200_000); // 120 × 10,000
    expect(rules.num("stage.churnDays")).toBe(60);
    expect([...rules.overridden].sort()).toEqual(["stage.churnDays", "value.strategic", "weight.spend6m"]);
    // untouched keys keep the DOMAIN.md defaults
    expect(rules.num("tier.strategic")).toBe(90);
    expect(rules.num("weight.tenure")).toBe(0.15);
  });

  test("other spellings of the same values", () => {
    const { rules, problems } = read(["weight.spend6m", 0.3], ["weight.tenure", "20"], ["value.key", "¥600,000"], ["stage.churnDays", "120"], ["tier.key", "75分"]);
    expect(problems).toEqual([]);
    expect(rules.num("weight.spend6m")).toBeCloseTo(0.3, 12);
    expect(rules.num("weight.tenure")).toBeCloseTo(0.2, 12); // bare 20 in a fraction key = 20 %
    expect(rules.num("value.key")).toBe(600_000);
    expect(rules.num("stage.churnDays")).toBe(120);
    expect(rules.num("tier.key")).toBe(75);
  });

  test("no rows: every default", () => {
    const { rules, problems } = readRules([]);
    expect(problems).toEqual([]);
    expect(rules.num("stage.churnDays")).toBe(DEFAULT_RULES.num("stage.churnDays"));
    expect(rules.breaks("rfm.rBreaks")).toBeNull();
  });

  test("blank key rows are skipped silently", () => {
    expect(read([null, 5], ["", ""], ["\u3000", 1]).problems).toEqual([]);
  });
});

describe("bad values fall back to the default with a problem", () => {
  test.each<[string, CellValue, string, number]>([
    ["stage.churnDays", "ninety", "non-number", 90],
    ["stage.churnDays", 0, "below the minimum of 1", 90],
    ["stage.churnDays", 4000, "above the maximum of 3650", 90],
    ["stage.churnDays", 45.5, "not a whole number", 90],
    ["stage.churnDays", "", "blank", 90],
    ["stage.churnDays", { error: "#N/A" }, "a cell error", 90],
    ["weight.spend6m", "150%", "a weight above 100 %", 0.25],
    ["score.clipLow", 0.6, "a lower clip above 0.5", 0.05],
    ["stage.stableSatisfaction", 6, "satisfaction above 5", 4.5],
    ["value.strategic", -5, "a negative amount", 1_000_000],
  ])("%s = %j (%s) → default %d", (key, value, _why, fallback) => {
    const { rules, problems } = read([key, value]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ index: 0, key, inKey: false });
    expect(problems[0].reasonZh.length).toBeGreaterThan(0);
    expect(problems[0].reasonEn.length).toBeGreaterThan(0);
    expect(rules.num(key)).toBe(fallback);
    expect(rules.overridden.has(key)).toBe(false);
  });

  test("an unknown key is a problem in the key cell; the other rows still apply", () => {
    const { rules, problems } = read(["stage.churnDayz", 60], ["stage.churnDays", 60]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ index: 0, key: "stage.churnDayz", inKey: true });
    expect(rules.num("stage.churnDays")).toBe(60);
  });

  test("a repeated key: the first row wins, the second is a problem", () => {
    const { rules, problems } = read(["stage.churnDays", 60], ["stage.churnDays", 120]);
    expect(rules.num("stage.churnDays")).toBe(60);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ index: 1, inKey: true });
  });
});

describe("consistency checks across keys", () => {
  const WEIGHTS = ["spend6m", "tenure", "margin", "interactions", "complaints", "usage", "growth", "sizeFit"];

  test("all-zero weights are refused and the default weights used", () => {
    const { rules, problems } = read(...WEIGHTS.map((k): [CellValue, CellValue] => [`weight.${k}`, 0]));
    expect(problems.map((p) => p.key)).toEqual(["weight.*"]);
    expect(rules.num("weight.spend6m")).toBe(0.25);
    expect(rules.num("weight.sizeFit")).toBe(0.07);
  });

  test("some zero weights are fine (they are normalised later)", () => {
    const { rules, problems } = read(...WEIGHTS.slice(1).map((k): [CellValue, CellValue] => [`weight.${k}`, 0]));
    expect(problems).toEqual([]);
    expect(rules.num("weight.spend6m")).toBe(0.25);
    expect(rules.num("weight.tenure")).toBe(0);
  });

  test("tier thresholds out of order are refused: all three revert to 50/70/90", () => {
    // key 95 > strategic 90
    const a = read(["tier.key", 95]);
    expect(a.problems.map((p) => p.key)).toEqual(["tier.*"]);
    expect([a.rules.num("tier.regular"), a.rules.num("tier.key"), a.rules.num("tier.strategic")]).toEqual([50, 70, 90]);
    // regular 80 > key 75, even though strategic 95 is fine on its own
    const b = read(["tier.regular", 80], ["tier.key", 75], ["tier.strategic", 95]);
    expect(b.problems.map((p) => p.key)).toEqual(["tier.*"]);
    expect([b.rules.num("tier.regular"), b.rules.num("tier.key"), b.rules.num("tier.strategic")]).toEqual([50, 70, 90]);
    // in order: accepted
    const c = read(["tier.regular", 40], ["tier.key", 60], ["tier.strategic", 85]);
    expect(c.problems).toEqual([]);
    expect([c.rules.num("tier.regular"), c.rules.num("tier.key"), c.rules.num("tier.strategic")]).toEqual([40, 60, 85]);
  });
});

// DOMAIN.md section 5 (revised): tier.mode quantile (default) or threshold; the shares of the quantile mode.
describe("tier mode and shares", () => {
  test("the default is quantile 5 / 15 / 30 %", () => {
    const { rules } = read();
    expect(rules.text("tier.mode")).toBe("quantile");
    expect(["tier.shareStrategic", "tier.shareKey", "tier.shareRegular"].map((k) => rules.num(k))).toEqual([0.05, 0.15, 0.3]);
  });

  test.each([["threshold", "threshold"], [" Threshold ", "threshold"], ["按比例", "quantile"], ["固定分数线", "threshold"]])("tier.mode %j → %s", (value, mode) => {
    const { rules, problems } = read(["tier.mode", value]);
    expect(problems).toEqual([]);
    expect(rules.text("tier.mode")).toBe(mode);
  });

  test("any other mode is a problem and the default stays", () => {
    const { rules, problems } = read(["tier.mode", "四分法"]);
    expect(problems).toHaveLength(1);
    expect(problems[0].reasonEn).toBe("must be quantile or threshold");
    expect(rules.text("tier.mode")).toBe("quantile");
  });

  test("shares adding up to at most 100 % are accepted; more is refused and all three revert", () => {
    const ok = read(["tier.shareStrategic", "10%"], ["tier.shareKey", "20%"], ["tier.shareRegular", "70%"]);
    expect(ok.problems).toEqual([]);
    expect(ok.rules.num("tier.shareRegular")).toBe(0.7);
    const over = read(["tier.shareStrategic", "10%"], ["tier.shareKey", "20%"], ["tier.shareRegular", "71%"]);
    expect(over.problems.map((p) => p.key)).toEqual(["tier.share*"]);
    expect(["tier.shareStrategic", "tier.shareKey", "tier.shareRegular"].map((k) => over.rules.num(k))).toEqual([0.05, 0.15, 0.3]);
  });
});

describe("RFM breaks", () => {
  test("four increasing numbers are read", () => {
    const { rules, problems } = read(["rfm.rBreaks", "10,20,30,40"], ["rfm.fBreaks", "2，3，5，8"], ["rfm.mBreaks", "1000 5000 10000 50000"]);
    expect(problems).toEqual([]);
    expect(rules.breaks("rfm.rBreaks")).toEqual([10, 20, 30, 40]);
    expect(rules.breaks("rfm.fBreaks")).toEqual([2, 3, 5, 8]);
    expect(rules.breaks("rfm.mBreaks")).toEqual([1000, 5000, 10000, 50000]);
  });

  test.each([["10,5,30,40"], ["10,20,20,40"], ["10,20,30"], ["10,20,30,40,50"], ["a,b,c,d"]])("%j is refused; quintiles stay in force", (text) => {
    const { rules, problems } = read(["rfm.rBreaks", text]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ key: "rfm.rBreaks", inKey: false });
    expect(rules.breaks("rfm.rBreaks")).toBeNull();
  });

  test("a blank breaks value means quintiles, without a problem", () => {
    const { rules, problems } = read(["rfm.rBreaks", ""]);
    expect(problems).toEqual([]);
    expect(rules.breaks("rfm.rBreaks")).toBeNull();
  });
});

describe("a blank value in the rules sheet", () => {
  // The RFM breaks may be left blank (their description says so: blank = quintiles); any other rule's blank value
  // is missing. A rules sheet as crm init writes it lists every rule, the breaks blank.
  const { runPipeline } = jest.requireActual("../../src/core") as typeof import("../../src/core");
  const codes = (rows: CellValue[][]) => runPipeline({ sheets: [{ name: "客户", cells: [["客户编号", "客户名称", "联系人", "首次触达时间"], ["C1", "甲", "王经理", "2024-01-02"]] }, { name: "CRM规则", cells: [["参数", "值"], ...rows] }] }, "2024-06-30").findings.map((f) => `${f.code} ${f.address}`);
  test("rfm.rBreaks blank: no finding; stage.churnDays blank: the cell is named as missing", () => {
    expect(codes([["rfm.rBreaks", null]])).toEqual([]);
    expect(codes([["stage.churnDays", null]])).toContain("REQUIRED_MISSING CRM规则!B2");
  });
});
