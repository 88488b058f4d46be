// The pane's dashboard (src/excel/dashboard.ts) as validate and apply return it through the adapter: stage counts
// against the stages the sample generator built each customer for (its design, not the engine's output), findings
// by severity against the summary, and the listed customers against the book's own cells.
import { STAGE_LABEL, STAGES } from "../../src/core";
import { applyTags, useHost, validate } from "../../src/excel/actions";
import { DASHBOARD_LIST_LIMIT } from "../../src/excel/dashboard";
import { generateSample } from "../../scripts/sample";
import { createFakeExcel, type FakeExcel } from "./fake-excel";
import { fakeHost, specOf } from "./spec";

jest.setTimeout(120_000);

const AS_OF = "2024-11-26";
const sample = generateSample({ customers: 400, asOf: AS_OF });

let fake: FakeExcel;
let restore: () => void;
beforeEach(() => {
  fake = createFakeExcel(specOf(sample.model));
  restore = fake.install();
  useHost(fakeHost(fake));
});
afterEach(() => restore());

test("the funnel counts each customer in the stage the sample built it for, in funnel order", async () => {
  const { dashboard: d, summary } = await validate({ asOf: AS_OF });
  expect(d.customers).toBe(summary.rows);
  expect(d.stages.map((s) => s.zh)).toEqual([...STAGES.map((s) => STAGE_LABEL[s].zh), "无法判定"]);
  const built = (zh: string) => sample.intended.filter((e) => e.stage === zh).length;
  for (const s of d.stages.slice(0, STAGES.length)) expect({ stage: s.zh, count: s.count }).toEqual({ stage: s.zh, count: built(s.zh) });
  expect(d.stages.reduce((n, s) => n + s.count, 0)).toBe(d.customers);
  expect(d.tiers.reduce((n, t) => n + t.count, 0)).toBe(d.customers);
  expect(d.findings).toEqual({ errors: summary.errors, warnings: summary.warnings, infos: summary.infos });
});

test("churn-risk customers: every one built 流失风险客户 is listed, each with its reason and the row that holds its id", async () => {
  const { dashboard: d } = await validate({ asOf: AS_OF });
  const builtAtRisk = sample.intended.filter((e) => e.stage === STAGE_LABEL.atRisk.zh);
  expect(d.atRisk.total).toBeGreaterThanOrEqual(builtAtRisk.length);
  expect(d.atRisk.customers.length).toBe(Math.min(d.atRisk.total, DASHBOARD_LIST_LIMIT));
  const listed = new Set(d.atRisk.customers.map((c) => c.id));
  if (d.atRisk.total <= DASHBOARD_LIST_LIMIT) for (const e of builtAtRisk) expect(listed).toContain(e.id);
  for (const c of d.atRisk.customers) {
    expect(c.reasonZh.length).toBeGreaterThan(0);
    expect(c.reasonEn.length).toBeGreaterThan(0);
    const [sheet, ref] = c.address.split("!");
    expect(fake.book.values(sheet, ref)[0][0]).toBe(c.id);
  }
});

test("overdue follow-ups: longest overdue first, every date before the as-of day, at most the list limit", async () => {
  const { dashboard: d } = await applyTags({ asOf: AS_OF });
  expect(d.overdue.total).toBeGreaterThan(0);
  expect(d.overdue.customers.length).toBe(Math.min(d.overdue.total, DASHBOARD_LIST_LIMIT));
  const dates = d.overdue.customers.map((c) => c.nextFollowUp ?? "");
  expect(dates).toEqual([...dates].sort());
  for (const day of dates) expect(day < AS_OF).toBe(true);
});
