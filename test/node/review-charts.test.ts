// Issue 19: `crm review` draws its review blocks as real DrawingML charts. Checked on a book another program wrote
// with its own chart (XlsxWriter), given the fixed customers of add_customers.py (8 rows, hand-countable): the
// output passes ooxml-check and the package checks ooxml-check lacks; openpyxl (not the product's code) finds
// each chart and its series' ranges, whose cells hold the block's labels and counts (summing to the 8 customers,
// and per industry to the fixture's 3/3/2); every cached value is what its cell holds; the user's chart is
// untouched; review twice = once, byte for byte; undo takes every chart part out; and LibreOffice draws the bars.
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { generateSample } from "../../scripts/sample";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { readZipEntry, zipEntries } from "../../src/xlsx/zip";
import { runCrm } from "./cli-io";
import { ooxmlProblems } from "./foreign-books";
import { AS_OF } from "./messy-book";
import { packageProblems } from "./package-graph";

jest.setTimeout(300_000);
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const dir = mkdtempSync(join(tmpdir(), "crm-charts-"));
const f = (n: string) => join(dir, n);
const ARTIFACTS = join(__dirname, "..", "..", "test-artifacts", "review");

/** A sales sheet with the user's own column chart, written by XlsxWriter; then the customers sheet added beside it. */
beforeAll(async () => {
  const script = [
    "import sys, xlsxwriter",
    "wb = xlsxwriter.Workbook(sys.argv[1])",
    "ws = wb.add_worksheet('销售')",
    "ws.write_row(0, 0, ['区域', '销售额'])",
    "for i, (k, v) in enumerate([('华东', 120), ('华南', 95), ('华北', 80)], start=1): ws.write_row(i, 0, [k, v])",
    "ch = wb.add_chart({'type': 'column'})",
    "ch.add_series({'name': '销售额', 'categories': ['销售', 1, 0, 3, 0], 'values': ['销售', 1, 1, 3, 1]})",
    "ws.insert_chart('D2', ch)",
    "wb.close()",
  ].join("\n");
  const w = spawnSync(PYTHON, ["-c", script, f("user.xlsx")], { encoding: "utf8" });
  if (w.status !== 0) throw new Error(`xlsxwriter: ${w.stderr}`);
  const add = spawnSync(PYTHON, [join(__dirname, "..", "fixtures", "real-world", "add_customers.py"), f("user.xlsx"), f("in.xlsx")], { encoding: "utf8" });
  if (add.status !== 0) throw new Error(`add_customers.py: ${add.stderr}`);
  for (const [cmd, from, out] of [["review", "in", "once"], ["review", "once", "twice"], ["undo", "once", "undone"]]) {
    const r = await runCrm([cmd, f(`${from}.xlsx`), "--out", f(`${out}.xlsx`), "--as-of", AS_OF], "en");
    if (r.code >= 2) throw new Error(`crm ${cmd}: ${r.stderr}`);
  }
});

interface ChartRead {
  sheet: string;
  kind: string;
  title: string;
  /** Each series: its name cell's text, its category and value cells, its cached values. */
  series: { name: string; cats: (string | null)[]; vals: (number | null)[]; cache: (number | null)[]; catF: string; valF: string; noFill: boolean }[];
  /** The value axis's minimum, when set. */
  min: number | null;
}

/** Every chart of every sheet as openpyxl reads it, with the cells its ranges name. */
function chartsOf(file: string): ChartRead[] {
  const script = [
    "import datetime, json, sys, warnings, openpyxl, openpyxl.utils.datetime",
    "warnings.simplefilter('ignore')",
    "wb = openpyxl.load_workbook(sys.argv[1])",
    "def cells(f):",
    "    sheet, ref = f.rsplit('!', 1)",
    "    ws = wb[sheet.strip(\"'\").replace(\"''\", \"'\")]",
    "    rows = ws[ref.replace('$', '')]",
    "    rows = rows if isinstance(rows, tuple) else ((rows,),)",
    "    # A date cell as the serial number it holds (openpyxl hands out a datetime).",
    "    conv = lambda v: openpyxl.utils.datetime.to_excel(v, wb.epoch) if isinstance(v, datetime.datetime) else v",
    "    return [conv(c.value) for row in rows for c in (row if isinstance(row, tuple) else (row,))]",
    "def text(t):",
    "    return ''.join(r.t for p in t.rich.p for r in (p.r or []))",
    "out = []",
    "for ws in wb.worksheets:",
    "    for ch in ws._charts:",
    "        ser = []",
    "        for s in ch.series:",
    "            cat = s.cat.strRef or s.cat.numRef",
    "            cache = {p.idx: p.v for p in s.val.numRef.numCache.pt}",
    "            n = s.val.numRef.numCache.ptCount",
    "            ser.append({'name': cells(s.tx.strRef.f)[0] if s.tx.strRef else s.tx.v, 'cats': cells(cat.f), 'vals': cells(s.val.numRef.f),",
    "                        'cache': [cache.get(i) for i in range(n)], 'catF': cat.f, 'valF': s.val.numRef.f,",
    "                        'noFill': bool(s.spPr is not None and s.spPr.noFill and s.spPr.solidFill is None)})",
    "        out.append({'sheet': ws.title, 'kind': ch.tagname + ':' + str(getattr(ch, 'type', '')) + ':' + str(getattr(ch, 'grouping', '')), 'title': text(ch.title.tx) if ch.title and ch.title.tx and ch.title.tx.rich else '', 'series': ser,",
    "                    'min': ch.y_axis.scaling.min if getattr(ch, 'y_axis', None) is not None else None})",
    "print(json.dumps(out, ensure_ascii=False))",
  ].join("\n");
  const r = spawnSync(PYTHON, ["-c", script, file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`openpyxl: ${r.stderr}`);
  return JSON.parse(r.stdout) as ChartRead[];
}

test("the output opens without repair: ooxml-check, and every part reached, typed and named as Excel needs", () => {
  expect(ooxmlProblems(f("once.xlsx"), f("in.xlsx"))).toEqual([]);
  expect(packageProblems(f("once.xlsx"), f("in.xlsx"))).toEqual([]);
  const names = zipEntries(f("once.xlsx"))!.map((e) => e.name);
  // The user's chart, and one per review block that has rows: the book has no churn reasons, so 流失原因 TOP 3 has none.
  expect(names.filter((n) => /^xl\/charts\/chart\d+\.xml$/.test(n)).length).toBe(1 + 10);
  expect(chartsOf(f("once.xlsx")).filter((c) => c.sheet.startsWith("CRM复盘-")).map((c) => c.title)).toEqual([
    "阶段分布 Customers by stage", "转化漏斗 Funnel conversion", "月度新增、成交、流失风险与流失 New, won, at risk and churned by month", "行业 × 价值分级 Industry by value tier", "负责人 × 阶段 Owner by stage",
    "按行业 By industry", "按规模 By size", "按负责人 By owner", "评分等级 Score tiers", "RFM 分群 RFM segments",
  ]);
});

test("openpyxl finds each block's chart, and its ranges are the block's cells: labels, counts summing to the book's 8 customers", () => {
  const charts = chartsOf(f("once.xlsx")).filter((c) => c.sheet.startsWith("CRM复盘-"));
  const byTitle = new Map(charts.map((c) => [c.title, c]));
  const stages = byTitle.get("阶段分布 Customers by stage")!;
  expect(stages.sheet).toBe("CRM复盘-阶段与漏斗");
  expect(stages.kind).toBe("barChart:bar:clustered");
  expect(stages.series).toHaveLength(1);
  expect(stages.series[0].name).toBe("客户数 Customers");
  // DOMAIN.md's six stages in order, then the undetermined row.
  expect(stages.series[0].cats).toEqual(["潜在客户", "意向客户", "成交客户", "稳定客户", "流失风险客户", "流失客户", "undetermined"]);
  expect(stages.series[0].vals.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(8);

  // Industry × value tier: one series per value tier, one category per industry; each industry's counts add up to
  // its customers in add_customers.py (互联网 C001/C005/C008, 制造业 C002/C004/C007, 零售业 C003/C006).
  const industry = byTitle.get("行业 × 价值分级 Industry by value tier")!;
  expect(industry.kind).toBe("barChart:col:clustered");
  const perIndustry = new Map<string, number>();
  for (const s of industry.series) s.cats.forEach((c, i) => perIndustry.set(String(c), (perIndustry.get(String(c)) ?? 0) + (s.vals[i] ?? 0)));
  expect(Object.fromEntries(perIndustry)).toEqual({ 互联网: 3, 制造业: 3, 零售业: 2 });
  // Its series are named by the header cells above them (B5, C5 …).
  expect(industry.series.map((s) => s.valF.replace(/^.*!\$([A-Z]+)\$6:.*$/, "$1"))).toEqual(["B", "C", "D", "E"]);

  const owners = byTitle.get("负责人 × 阶段 Owner by stage")!;
  expect(owners.kind).toBe("barChart:col:stacked");
  let ownerTotal = 0;
  for (const s of owners.series) for (const v of s.vals) ownerTotal += v ?? 0;
  expect(ownerTotal).toBe(8);

  // Monthly moves, a line per move over the twelve months to 2024-06. New customers by 首次触达时间 in
  // add_customers.py: C007 2023-09, C002 2023-11, C006 2024-01, C001 2024-03, C003 2024-06 (C005's 2022-05 is before
  // the window; C004's and C008's dates lie after the as-of date: undated). The book records no cooperation start,
  // order or termination date, so no win or churn has a month, and the note says how many are undated.
  const monthly = byTitle.get("月度新增、成交、流失风险与流失 New, won, at risk and churned by month")!;
  expect(monthly.kind).toBe("lineChart::standard");
  expect(monthly.series.map((s) => s.name)).toEqual(["新增 New", "成交 Won", "流失风险 At risk", "流失 Churned"]);
  expect(monthly.series[0].cats).toEqual(["2023-07", "2023-08", "2023-09", "2023-10", "2023-11", "2023-12", "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]);
  expect(monthly.series[0].vals).toEqual([0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1]);
  // The book has no history sheet (CRM变更历史), so no move into 流失风险客户 has a day either.
  expect([1, 2, 3].every((k) => monthly.series[k].vals.every((v) => v === 0))).toBe(true);
  const stagesSheet = sheetText(f("once.xlsx"), "CRM复盘-阶段与漏斗");
  expect(stagesSheet).toContain("without a date, not counted: new 2, won 7, at risk 0, churned 0");

  // Each chart's cache holds what its cells hold (previews and some readers draw from it).
  for (const c of charts) for (const s of c.series) expect([c.title, s.cache]).toEqual([c.title, s.vals.map((v) => (typeof v === "number" ? v : null))]);
  // Every range names the chart's own sheet.
  for (const c of charts) for (const s of c.series) expect([s.catF, s.valF].every((x) => x.startsWith(`'${c.sheet}'!`))).toBe(true);
});

test("the user's chart is untouched, review twice = once byte for byte, and undo takes every product chart out", () => {
  const read = (file: string, n: string) => readZipEntry(f(file), n)!;
  for (const n of ["xl/charts/chart1.xml", "xl/drawings/drawing1.xml", "xl/worksheets/_rels/sheet1.xml.rels", "xl/drawings/_rels/drawing1.xml.rels"]) {
    expect(read("once.xlsx", n).equals(read("in.xlsx", n))).toBe(true);
  }
  const user = chartsOf(f("once.xlsx")).filter((c) => c.sheet === "销售");
  expect(user.map((c) => c.series.map((s) => s.vals))).toEqual([[[120, 95, 80]]]);

  expect(readFileSync(f("twice.xlsx")).equals(readFileSync(f("once.xlsx")))).toBe(true);

  expect(ooxmlProblems(f("undone.xlsx"), f("once.xlsx"))).toEqual([]);
  expect(packageProblems(f("undone.xlsx"), f("once.xlsx"))).toEqual([]);
  const inNames = zipEntries(f("in.xlsx"))!.map((e) => e.name);
  const undone = zipEntries(f("undone.xlsx"))!.map((e) => e.name);
  expect(undone).toEqual(inNames);
  for (const n of inNames.filter((x) => /chart|drawing/.test(x))) expect(read("undone.xlsx", n).equals(read("in.xlsx", n))).toBe(true);
});

/** Every cell value of one sheet as text, joined (openpyxl's reading). */
function sheetText(file: string, sheet: string): string {
  const script = "import sys, warnings, openpyxl\nwarnings.simplefilter('ignore')\nws = openpyxl.load_workbook(sys.argv[1])[sys.argv[2]]\nprint('\\n'.join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None))";
  const r = spawnSync(PYTHON, ["-c", script, file, sheet], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openpyxl: ${r.stderr}`);
  return r.stdout;
}

/** Pixels of a page (a binary PPM, as pdftoppm writes by default: `P6 W H 255` then RGB) within `tol` of a colour. */
function countColour(ppm: Buffer, rgb: number, tol = 8): number {
  const head = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 50).toString("latin1"));
  if (!head) throw new Error("not a binary PPM");
  const [r, g, b] = [(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255];
  let n = 0;
  for (let i = head[0].length; i + 2 < ppm.length; i += 3) {
    if (Math.abs(ppm[i] - r) <= tol && Math.abs(ppm[i + 1] - g) <= tol && Math.abs(ppm[i + 2] - b) <= tol) n++;
  }
  return n;
}

test("LibreOffice draws the charts: the review pages show the first series' colour, the user's pages do not", () => {
  const soffice = ["/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice"].find(existsSync);
  if (!soffice) throw new Error("soffice (LibreOffice) is not installed: run `npm run setup`");
  if (spawnSync("pdftoppm", ["-v"]).error) throw new Error("pdftoppm (poppler-utils) is not installed: run `npm run setup`");
  const out = f("pdf");
  mkdirSync(out, { recursive: true });
  const lo = spawnSync(soffice, [`-env:UserInstallation=file://${join(dir, "profile")}`, "--headless", "--convert-to", "pdf", "--outdir", out, f("once.xlsx")], { encoding: "utf8", timeout: 240_000 });
  expect(existsSync(join(out, "once.pdf"))).toBe(true);
  // Counted on PPM pages; the same pages as PNG in test-artifacts/review/ to look at.
  mkdirSync(ARTIFACTS, { recursive: true });
  const png = spawnSync("pdftoppm", ["-png", "-r", "60", join(out, "once.pdf"), join(ARTIFACTS, "page")], { encoding: "utf8" });
  const ppm = spawnSync("pdftoppm", ["-r", "60", join(out, "once.pdf"), join(out, "page")], { encoding: "utf8" });
  expect([lo.status, png.status, ppm.status]).toEqual([0, 0, 0]);
  const pages = readdirSync(out).filter((p) => /^page-\d+\.ppm$/.test(p)).sort();
  // Which page is which: pdftotext of each page (its sheet's title in row 1).
  const titleOf = (i: number) => spawnSync("pdftotext", ["-f", String(i + 1), "-l", String(i + 1), join(out, "once.pdf"), "-"], { encoding: "utf8" }).stdout;
  const SERIES = 0x4472c4; // the charts' first colour; the tables' █ text bars are 5B9BD5
  // Each review sheet's page, known by its title in row 1; its charts have bars to draw when a first series has a
  // count above zero (this small book has no interactions, tasks or scores: those sheets' charts are all zero).
  const TITLES: Record<string, string> = {
    "CRM复盘-阶段与漏斗": "客户阶段分布与转化漏斗", "CRM复盘-行业与负责人": "行业 × 价值分级、负责人", "CRM复盘-高价值客户": "高价值客户（",
    "CRM复盘-跟进效率": "跟进效率 ·", "CRM复盘-分级与RFM": "评分等级与 RFM",
  };
  const charts = chartsOf(f("once.xlsx"));
  const drawn = new Set(charts.filter((c) => c.series[0].vals.some((v) => (v ?? 0) > 0)).map((c) => c.sheet));
  expect(drawn.has("CRM复盘-阶段与漏斗")).toBe(true);
  const pixels: Record<string, number> = {};
  const userPages: number[] = [];
  pages.forEach((p, i) => {
    const n = countColour(readFileSync(join(out, p)), SERIES);
    const text = titleOf(i);
    const sheet = Object.keys(TITLES).find((k) => text.includes(TITLES[k]));
    if (sheet) pixels[sheet] = Math.max(pixels[sheet] ?? 0, n);
    else if (!text.includes("执行计划完成情况")) userPages.push(n);
  });
  // A bar chart at 60 dpi fills hundreds of pixels; a page without the product's bars has next to none of that colour.
  for (const sheet of Object.keys(TITLES)) expect([sheet, drawn.has(sheet), (pixels[sheet] ?? 0) > 200]).toEqual([sheet, drawn.has(sheet), drawn.has(sheet)]);
  expect(userPages.length).toBeGreaterThan(0);
  for (const n of userPages) expect(n).toBeLessThan(20);
});

test("LibreOffice draws every chart that has something to draw: each alone in a copy of the book, its series' colours on the page", async () => {
  // One copy of the output per product chart, every other product chart taken out of its drawing (the user's chart,
  // drawn in other colours, stays), all converted by one LibreOffice run; on each copy's pages, the pixels of the
  // colours of that chart's series with a value above zero. Series colours are read from the chart parts.
  const soffice = ["/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice"].find(existsSync)!;
  const JSZip = (await import("jszip")).default;
  const source = await JSZip.loadAsync(readFileSync(f("once.xlsx")));
  const drawings = Object.keys(source.files).filter((n) => /^xl\/drawings\/drawing\d+\.xml$/.test(n));
  const anchorsOf = async (n: string) => (await source.file(n)!.async("string")).match(/<xdr:twoCellAnchor\b[\s\S]*?<\/xdr:twoCellAnchor>/g) ?? [];
  const charts = chartsOf(f("once.xlsx")).filter((c) => c.sheet.startsWith("CRM复盘-"));
  const colours = new Map<string, number[]>();
  for (const n of Object.keys(source.files).filter((x) => /^xl\/charts\/chart\d+\.xml$/.test(x))) {
    const xml = await source.file(n)!.async("string");
    const title = /<a:t>([^<]*)<\/a:t>/.exec(xml)?.[1] ?? "";
    // Each series' own colour: its fill (bars) or its line (the line chart); a series with no fill (the Gantt's start dates) has none.
    const series = xml.match(/<c:ser>[\s\S]*?<\/c:ser>/g) ?? [];
    const colourOf = (ser: string) => /<c:spPr>(?:<a:ln[^>]*>)?<a:solidFill><a:srgbClr val="([0-9A-F]{6})"/.exec(ser)?.[1];
    colours.set(title, series.map((ser) => (colourOf(ser) ? parseInt(colourOf(ser)!, 16) : -1)));
  }
  const variants: { title: string; file: string; want: number[] }[] = [];
  for (const [k, c] of charts.entries()) {
    const want = c.series.flatMap((s, i) => ((colours.get(c.title) ?? [])[i] ?? -1) >= 0 && s.vals.some((v) => (v ?? 0) > 0) ? [colours.get(c.title)![i]] : []);
    // Nothing to draw (every count zero) or only grey (A5A5A5, too close to the axes' and text's greys to count).
    const colourful = want.filter((rgb) => !(((rgb >> 16) & 255) === ((rgb >> 8) & 255) && ((rgb >> 8) & 255) === (rgb & 255)));
    if (colourful.length === 0) continue;
    const zip = await JSZip.loadAsync(readFileSync(f("once.xlsx")));
    for (const n of drawings) {
      const xml = await source.file(n)!.async("string");
      let kept = xml;
      for (const a of await anchorsOf(n)) if (/name="CRM /.test(a) && !a.includes(`name="CRM ${c.title}"`)) kept = kept.replace(a, "");
      zip.file(n, kept);
    }
    const file = f(`chart-${k}.xlsx`);
    writeFileSync(file, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    variants.push({ title: c.title, file, want: colourful });
  }
  expect(variants.map((v) => v.title)).toEqual(expect.arrayContaining(["阶段分布 Customers by stage", "月度新增、成交、流失风险与流失 New, won, at risk and churned by month", "行业 × 价值分级 Industry by value tier"]));
  const out = f("alone");
  mkdirSync(out, { recursive: true });
  const lo = spawnSync(soffice, [`-env:UserInstallation=file://${join(dir, "profile")}`, "--headless", "--convert-to", "pdf", "--outdir", out, ...variants.map((v) => v.file)], { encoding: "utf8", timeout: 280_000 });
  expect(lo.status).toBe(0);
  for (const v of variants) {
    const stem = join(out, v.file.replace(/^.*\//, "").replace(/\.xlsx$/, ""));
    expect(spawnSync("pdftoppm", ["-r", "40", `${stem}.pdf`, stem]).status).toBe(0);
    const pages = readdirSync(out).filter((p) => p.startsWith(`${stem.replace(/^.*\//, "")}-`) && p.endsWith(".ppm"));
    const pixels = v.want.map((rgb) => pages.reduce((n, p) => n + countColour(readFileSync(join(out, p)), rgb), 0));
    // A chart's bars or line at 40 dpi are tens to hundreds of pixels of each drawn series' colour.
    expect([v.title, pixels.every((n) => n > 20)]).toEqual([v.title, true]);
  }
});

test("the execution plan's Gantt chart: a bar per task from its start for its days, the start series not drawn", async () => {
  // The sample's plan (scripts/sample.ts planSheet): each task's days from start to due, as the fixture defines them.
  const DAYS: Record<string, number> = {
    制定客户分层标准: 20, 搭建RFM分析模型: 30, CRM数据清洗与手机号脱敏: 14, A类客户季度战略会: 7, 流失风险客户挽留专项: 45, 满意度调研问卷设计与发放: 30,
    老客户转介绍激励方案: 30, 新客户欢迎礼包: 20, 销售团队跟进SOP培训: 10, 续约提醒机制上线: 40, 年度客户答谢会: 25, 竞品对比资料更新: 30,
  };
  await writeModelXlsx(generateSample({ customers: 60, asOf: AS_OF }).model, f("sample.xlsx"));
  const r = await runCrm(["review", f("sample.xlsx"), "--out", f("sample-reviewed.xlsx"), "--as-of", AS_OF], "en");
  expect(r.code).toBeLessThan(2);
  expect(ooxmlProblems(f("sample-reviewed.xlsx"), f("sample.xlsx"))).toEqual([]);
  expect(packageProblems(f("sample-reviewed.xlsx"), f("sample.xlsx"))).toEqual([]);
  const gantt = chartsOf(f("sample-reviewed.xlsx")).find((c) => c.sheet === "CRM复盘-执行计划")!;
  expect(gantt.kind).toBe("barChart:bar:stacked");
  const [start, days] = gantt.series;
  expect([start.name, days.name, start.noFill, days.noFill]).toEqual(["开始 Start", "工期(天) Days", true, false]);
  expect(Object.fromEntries(days.cats.map((t, i) => [t, days.vals[i]]))).toEqual(DAYS);
  // The bars begin at their start dates: the axis starts at the earliest of them (date serials, as the cells hold).
  expect(gantt.min).toBe(Math.min(...start.vals.map(Number)));
  expect(start.vals.every((v) => typeof v === "number" && v > 40_000)).toBe(true);
});

test("counts carry native data bars and the R × F counts a colour scale, as openpyxl reads the rules", () => {
  const script = [
    "import json, sys, warnings, openpyxl",
    "warnings.simplefilter('ignore')",
    "wb = openpyxl.load_workbook(sys.argv[1])",
    "out = {}",
    "for ws in wb.worksheets:",
    "    for cf in ws.conditional_formatting:",
    "        for r in cf.rules:",
    "            cells = [[c.value for c in row] for row in ws[str(cf.sqref)]]",
    "            out.setdefault(ws.title, []).append({'type': r.type, 'ref': str(cf.sqref), 'cells': cells})",
    "print(json.dumps(out, ensure_ascii=False))",
  ].join("\n");
  const r = spawnSync(PYTHON, ["-c", script, f("sample-reviewed.xlsx")], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  const rules = JSON.parse(r.stdout) as Record<string, { type: string; ref: string; cells: unknown[][] }[]>;
  // The stage counts (B6:B12) have a data bar; no review cell holds the old █ text bars.
  expect(rules["CRM复盘-阶段与漏斗"]).toContainEqual(expect.objectContaining({ type: "dataBar", ref: "B6:B12" }));
  // R × F: a 5 × 5 block of counts under a colour scale; they add up to the customers with RFM scores (those with an
  // order in the window: every sample customer's orders are, so it is the RFM segments' total on the same sheet).
  const heat = rules["CRM复盘-分级与RFM"].find((x) => x.type === "colorScale")!;
  expect([heat.cells.length, heat.cells[0].length]).toEqual([5, 5]);
  const heatTotal = heat.cells.flat().reduce((n: number, v) => n + Number(v), 0);
  const segments = rules["CRM复盘-分级与RFM"].find((x) => x.type === "dataBar" && x.cells.length > 4)!;
  expect(heatTotal).toBe(segments.cells.flat().reduce((n: number, v) => n + Number(v), 0));
  expect(heatTotal).toBeGreaterThan(0);
});
