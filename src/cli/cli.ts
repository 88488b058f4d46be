// The `crm` command line (DOMAIN.md section 10): validate, apply, review and mask on .xlsx (and .xlsm) files without Excel.
// Exit codes: 0 done and the book has no errors · 1 done, the book has errors · 2 nothing done (unreadable
// book, no customers table, bad arguments), with one line on stderr saying why.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { setFlagsFromString } from "v8";
import { runInNewContext } from "vm";
import { parseArgs as nodeParseArgs } from "util";
import { basename, dirname, extname, join, resolve } from "path";
import {
  buildReview, findTables, HISTORY_SHEET, rulesOfBook, runPipeline, safeText, SHEET_LAST_ROW, TABLES, toDay, type Rules, type TableKind, type CustomerResult, type Finding, type PipelineOptions, type PipelineResult, type Severity,
} from "../core";
import { layoutFits, NO_ROOM, NoRoomError } from "../workbook/owned";
import { pivotDataRows } from "../workbook/review-pivots";
import { BookError } from "../xlsx/book-error";
import { Items, writeJsonFile } from "./json-pieces";
import { missingTables, TEMPLATE_KINDS, templateTables, templateValue, type TemplateLang, type TemplateTable } from "../workbook/templates";
import type { BookEdit, BookParts, LoadedBook, Placed } from "../xlsx";

/**
 * The .xlsx code (exceljs among it, a fifth of a second to load), loaded when a command first needs it: `crm
 * --help` and `--version` never do.
 */
let xlsxModule: typeof import("../xlsx") | undefined;
const xlsx = (): typeof import("../xlsx") => (xlsxModule ??= require("../xlsx") as typeof import("../xlsx"));

export type Lang = "zh" | "en";

export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
  /** stderr is a terminal (progress bars) / stdout is a terminal (colours). */
  stderrTTY: boolean;
  stdoutTTY: boolean;
  env: Record<string, string | undefined>;
  /** Today's date in the user's calendar, `YYYY-MM-DD` (the default as-of date). */
  today(): string;
  /** Why standard output could not be written (a full disk), if it could not; a reader that left early is no failure. */
  outputFailure?(): string | undefined;
  /** Standard input, for the book `-`; left out (or a terminal), `-` is refused. */
  stdin?: { isTTY: boolean; read(): Promise<Buffer> };
}

/**
 * Writes to stdout or stderr that survive the reader going away: `crm validate book.xlsx | head -1` closes the
 * pipe after one line, and the next write fails with EPIPE, which Node raises as an uncaught 'error' event (a
 * stack trace). Here the stream's error is listened for instead, later output is dropped and the command ends as
 * it would have; any other error (a full disk under `> out.json`) is `failure()`, reported once the command is
 * done. (The stream records its error as it happens; the 'error' event comes a tick later.)
 */
const guarded = new WeakSet<NodeJS.WriteStream>();

function guardedWrite(stream: NodeJS.WriteStream): { write(s: string): void; failure(): string | undefined } {
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on("error", () => {});
  }
  return {
    write: (s) => {
      if (!stream.destroyed && !stream.errored) stream.write(s);
    },
    failure: () => {
      const e = stream.errored as NodeJS.ErrnoException | null;
      return e && e.code !== "EPIPE" ? (e.code ?? e.message) : undefined;
    },
  };
}

export function processIO(): CliIO {
  const out = guardedWrite(process.stdout);
  const err = guardedWrite(process.stderr);
  return {
    stdout: out.write,
    stderr: err.write,
    outputFailure: out.failure,
    stderrTTY: process.stderr.isTTY === true,
    stdoutTTY: process.stdout.isTTY === true,
    env: process.env,
    stdin: {
      isTTY: process.stdin.isTTY === true,
      read: async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      },
    },
    today: () => {
      const d = new Date();
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    },
  };
}

// ── arguments ──

interface Args {
  command: string;
  file?: string;
  asOf?: string;
  out?: string;
  report?: string;
  json: boolean;
  inPlace: boolean;
  all: boolean;
  help: boolean;
  version: boolean;
  /** Every book argument (a folder stands for its .xlsx/.xlsm files). */
  files: string[];
  outDir?: string;
  /** `--rules FILE`: the CRM规则 table of another workbook, for every book of the run. */
  rulesFile?: string;
  rules?: Rules;
  /** Several books in one run: each book's result in one line (validate), or handed to `sink` (--json). */
  brief?: boolean;
  sink?: (book: Record<string, unknown>) => void;
  /** The as-of date in force (the option or today), for the JSON output. */
  day?: string;
  /** The book came from standard input: named "-" in the JSON output. */
  stdin?: boolean;
  progress: boolean;
  lang?: string;
  /** undo: the history sheet CRM变更历史 stays. */
  keepHistory: boolean;
  /** init: `--tables customers,orders,…` (default all seven) and `--sample N` rows. */
  tables?: string;
  sample?: string;
}


/** The tool's version, from the package it was installed from (src/cli and lib/cli both sit two folders down). */
export function toolVersion(): string {
  try {
    return String(JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")).version);
  } catch {
    return "unknown";
  }
}

/** The known option closest to a mistyped one (edit distance ≤ 2), for "did you mean". */
function nearestOption(arg: string): string | undefined {
  const name = arg.replace(/^-+/, "");
  let best: { flag: string; d: number } | undefined;
  for (const option of Object.keys(OPTIONS)) {
    const flag = `--${option}`;
    const d = editDistance(name, option);
    if (d <= 2 && (!best || d < best.d)) best = { flag, d };
  }
  return best?.flag;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

class UsageError extends Error {
  constructor(readonly zh: string, readonly en: string) {
    super(en);
  }
}

/** The options, for node:util.parseArgs (strict; `--` ends the options, so a book may be named `--x.xlsx`). */
const OPTIONS = {
  "as-of": { type: "string" }, out: { type: "string" }, "out-dir": { type: "string" }, report: { type: "string" }, lang: { type: "string" }, rules: { type: "string" },
  json: { type: "boolean" }, "in-place": { type: "boolean" }, all: { type: "boolean" }, "no-progress": { type: "boolean" }, "keep-history": { type: "boolean" },
  tables: { type: "string" }, sample: { type: "string" },
  help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "V" },
} as const;

function parseArgs(argv: string[]): Args {
  let parsed: ReturnType<typeof nodeParseArgs<{ args: string[]; options: typeof OPTIONS; strict: true; allowPositionals: true }>>;
  try {
    parsed = nodeParseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (e) {
    // Node's own messages are English and name no fix: each kind is said again in both languages.
    const code = (e as { code?: string }).code;
    const msg = String((e as Error).message);
    const option = /'(-[^' ]+)/.exec(msg)?.[1] ?? "";
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const near = nearestOption(option);
      throw new UsageError(`未知选项 ${option}${near ? `，是否想用 ${near}？` : ""}`, `unknown option ${option}${near ? `; did you mean ${near}?` : ""}`);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /does not take an argument/.test(msg)) throw new UsageError(`${option} 不带值`, `${option} takes no value`);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") throw new UsageError(`${option} 后面缺少值`, `${option} needs a value`);
    throw e;
  }
  const v = parsed.values;
  const positional = parsed.positionals;
  return {
    command: positional[0] ?? "",
    file: positional[1],
    files: positional.slice(1),
    asOf: v["as-of"], out: v.out, outDir: v["out-dir"], report: v.report, lang: v.lang, rulesFile: v.rules,
    json: v.json === true, inPlace: v["in-place"] === true, all: v.all === true, help: v.help === true, version: v.version === true, progress: v["no-progress"] !== true,
    keepHistory: v["keep-history"] === true, tables: v.tables, sample: v.sample,
  };
}

/** `--lang`, else the environment (LC_ALL, LC_MESSAGES, LANG): English when it says English, Chinese otherwise. */
export function pickLang(flag: string | undefined, env: Record<string, string | undefined>): Lang {
  if (flag !== undefined) {
    if (/^zh/i.test(flag)) return "zh";
    if (/^en/i.test(flag)) return "en";
    throw new UsageError(`--lang 只能是 zh 或 en（收到 ${flag}）`, `--lang must be zh or en (got ${flag})`);
  }
  const loc = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return /^en/i.test(loc) ? "en" : "zh";
}

// ── help ──

const HELP: Record<string, { zh: string; en: string }> = {
  "": {
    zh: `crm — CRM 工作台命令行：在不打开 Excel 的情况下检查和更新客户表

用法：crm <命令> <工作簿.xlsx>… [选项]

命令：
  init       新建模板表格（新工作簿，或为已有工作簿补上缺少的表格）
  validate   检查模板表格，列出每个问题的单元格、原因和修改方法
  apply      写入阶段、评分、分级、标签、风险、下次跟进和预警列（写入副本）
  review     生成复盘工作表（阶段漏斗、留存、流失原因、分布、跟进效率、执行计划）
  mask       遮盖完整的手机号和座机号（写入副本）
  undo       移除 CRM 工作台写入的列、规则和工作表，还原为原来的工作簿（写入副本）

通用选项：
  --as-of YYYY-MM-DD   统计日（默认今天）；结果只取决于工作簿和这个日期
  --lang zh|en         输出语言（默认按环境变量 LANG）
  --rules 规则.xlsx    使用另一个工作簿中的 CRM规则 表（团队共用一份规则），不读各工作簿自己的
  --json               标准输出只输出一个 JSON 对象（各命令格式相同，见 schema/crm-output.schema.json）
  --no-progress        不显示进度条
  -h, --help           显示帮助；crm <命令> --help 查看命令的详细说明
  -V, --version        显示版本

多个工作簿：crm validate *.xlsx、crm apply a.xlsx b.xlsx --out-dir 结果/；文件夹代表其中的 .xlsx/.xlsm
工作簿。每个工作簿一行结果，最后一行汇总；退出码取各工作簿中最严重的；一个工作簿无法读取不影响其他工作簿。

含宏的工作簿（.xlsm）和模板（.xltx、.xltm）保持原样：宏和文件类型都保留，输出文件须使用相同的扩展名。

退出码：0 完成且无错误 · 1 完成但工作簿有错误 · 2 未执行（无法读取、没有客户表或参数错误）

示例：
  npx crm validate 客户管理.xlsx
  npx crm apply 客户管理.xlsx --out 客户管理-结果.xlsx --report 报告.json
  npx crm review 客户管理.xlsx --out 复盘.xlsx --as-of 2024-12-31
`,
    en: `crm — the CRM Workbench command line: check and update customer workbooks without Excel

Usage: crm <command> <book.xlsx>… [options]

Commands:
  init       create the template tables (a new book, or the ones an existing book lacks)
  validate   check the template tables; every problem with its cell, the reason and a fix
  apply      write stage, score, tiers, tags, risk, next follow-up and warning columns (into a copy)
  review     build the review sheets (funnel, retention, churn reasons, distributions, follow-up, plan)
  mask       mask full mobile and landline numbers (into a copy)
  undo       remove the columns, rules and sheets CRM Workbench wrote: back to the book you had (into a copy)

Common options:
  --as-of YYYY-MM-DD   the as-of date (default: today); results depend only on the book and this date
  --lang zh|en         output language (default: from LANG)
  --rules rules.xlsx   the CRM规则 table of another workbook (one rules book a team shares), not each book's own
  --json               stdout holds one JSON object, the same shape for every command (schema/crm-output.schema.json)
  --no-progress        no progress bar
  -h, --help           this help; crm <command> --help for a command
  -V, --version        the version

Several books: crm validate *.xlsx, crm apply a.xlsx b.xlsx --out-dir results/; a folder stands for its
.xlsx/.xlsm books. One line per book, then a summary line; the exit code is the worst of the books; a book that
cannot be read does not stop the others.

Books with macros (.xlsm) and templates (.xltx, .xltm) stay what they are: macros and file type are kept, and
the output file must have the same extension.

Exit codes: 0 done, no errors · 1 done, the book has errors · 2 nothing done (unreadable book, no customers table, bad arguments)

Examples:
  npx crm validate customers.xlsx
  npx crm apply customers.xlsx --out customers-result.xlsx --report report.json
  npx crm review customers.xlsx --out review.xlsx --as-of 2024-12-31
`,
  },
  validate: {
    zh: `crm validate <工作簿.xlsx> [--as-of YYYY-MM-DD] [--json] [--all]

检查工作簿中的模板表格（客户、维护记录、订单、跟进任务、关键节点、执行计划、CRM规则），
列出每个问题：单元格位置、原因和修改方法。不修改任何文件。

  --json   输出 {summary:{rows,errors,warnings,infos}, findings:[…]}
  --all    列出全部问题（默认每类最多 10 条）

退出码：0 没有错误 · 1 有错误 · 2 无法读取或没有客户表

示例：
  npx crm validate 客户管理.xlsx
  npx crm validate 客户管理.xlsx --json > 问题.json
`,
    en: `crm validate <book.xlsx> [--as-of YYYY-MM-DD] [--json] [--all]

Checks the template tables in the book (customers, interactions, orders, tasks, key dates, plan,
CRM规则 rules) and lists every problem with its cell, the reason and a fix. Changes no file.

  --json   print {summary:{rows,errors,warnings,infos}, findings:[…]}
  --all    list every finding (default: at most 10 per code)

Exit codes: 0 no errors · 1 errors found · 2 unreadable, or no customers table

Examples:
  npx crm validate customers.xlsx
  npx crm validate customers.xlsx --json > findings.json
`,
  },
  init: {
    zh: `crm init <工作簿.xlsx> [--tables customers,interactions,orders,tasks,keyDates,plan,rules] [--lang zh|en] [--sample N] [--out <结果.xlsx> | --in-place]

从模板开始：文件不存在时新建工作簿；已存在时只为它补上缺少的表格（用 --out 写入新文件，或 --in-place 更新原文件并先备份），
已有的内容一概不改。每张表格放在新工作表上，是真正的 Excel 表格：模板表头（必填列带 *，表头的批注提示为英文名和“必填”）、
列宽、数字格式（日期、万元金额、百分比）、可选值列的下拉列表（阶段、A/B/C 等级、客户反馈、任务状态、节点类型、维护方式），
冻结表头行；CRM规则 工作表列出每条规则的默认值和说明。新建的工作簿校验无任何问题。

  --tables    只建这些表格（逗号分隔；默认全部七张）
  --lang      表头语言（默认按环境变量 LANG）
  --sample N  填入 N 位示例客户及其维护记录、订单等（与 npm run demo 相同的生成器），便于试用
  undo        会移除仍与 init 写入时完全相同的模板工作表；填过内容的工作表归您所有，不会移除

示例：
  npx crm init 客户管理.xlsx
  npx crm init 客户管理.xlsx --sample 200
  npx crm init 已有工作簿.xlsx --out 已有工作簿-模板.xlsx
`,
    en: `crm init <book.xlsx> [--tables customers,interactions,orders,tasks,keyDates,plan,rules] [--lang zh|en] [--sample N] [--out <out.xlsx> | --in-place]

Starts from the templates: a new book when the file does not exist yet; otherwise only the tables the book lacks
(written to --out, or into the book with --in-place after a backup), nothing already there changed. Each table is on
a new sheet as a real Excel table: the template's headers (required ones marked *, each header's input message giving
its other-language name and 必填 "required"), widths, number formats (dates, 万元 amounts, percentages), a drop-down
list on every enumerated column (stage, grade A/B/C, feedback, task status, key-date type, way of contact), the
header row frozen; and the CRM规则 sheet with every rule's default and description. A new book validates with no
finding.

  --tables    only these tables (comma-separated; default all seven)
  --lang      the headers' language (default from LANG)
  --sample N  N sample customers with their interactions, orders and the rest (the generator of npm run demo), to try it
  undo        takes out a template sheet still exactly as init wrote it; a sheet anyone filled in is yours and stays

Examples:
  npx crm init customers.xlsx
  npx crm init customers.xlsx --sample 200
  npx crm init existing.xlsx --out existing-with-templates.xlsx
`,
  },
  apply: {
    zh: `crm apply <工作簿.xlsx> --out <结果.xlsx> [--as-of YYYY-MM-DD] [--report 报告.json] [--in-place]

在客户表右侧写入本产品自己的列（表头以 ◆ 开头）：周期阶段、判定依据、评分、评分等级、价值分级、
亲密度、标签、风险等级、下次跟进、预警、存活概率、预计购买次数和预计价值（由订单按 BG/NBD 与
Gamma-Gamma 模型估计；数据不足时留空并说明原因）；为可选值的列加下拉列表；用条件格式标出流失风险、流失和
跟进逾期的行；新增“CRM问题清单”工作表（每个问题可点击跳转到单元格）；在“CRM变更历史”工作表
末尾追加阶段、评分等级、价值分级和风险等级有变化的客户（第一次运行记录每位客户，已有的行不会改动）。
其他单元格保持原样。再次运行只会更新这些列。

  --out       结果写入的新文件（不会修改原文件）
  --in-place  直接更新原文件，并先保存备份（<文件名>.bak.xlsx；.xlsm 工作簿为 <文件名>.bak.xlsm）
  --report    同时写出 JSON 报告 {asOf, bgnbd, gammaGamma, findings, customers:[…]}

示例：
  npx crm apply 客户管理.xlsx --out 客户管理-结果.xlsx
  npx crm apply 客户管理.xlsx --in-place --report 报告.json
`,
    en: `crm apply <book.xlsx> --out <out.xlsx> [--as-of YYYY-MM-DD] [--report report.json] [--in-place]

Writes the product's own columns (headers start with ◆) right of the customers table: stage, rule, score,
tier, value tier, closeness, tags, risk level, next follow-up, warnings, P(alive), expected purchases and
expected value (from the orders by the BG/NBD and Gamma-Gamma models; blank, with the reason, when the data are
too few); list validation on the columns
with fixed choices; conditional formatting for at-risk, churned and overdue rows; a "CRM问题清单"
findings sheet whose addresses link to the cells; and, at the end of the "CRM变更历史" history sheet, a row
for each customer whose stage, score tier, value tier or risk changed (every customer on the first run;
rows already there are never changed). Every other cell stays as it was; re-running updates only these.

  --out       the new file to write (the input is never changed)
  --in-place  update the input itself, after saving a backup (<name>.bak.xlsx; <name>.bak.xlsm for an .xlsm)
  --report    also write the JSON report {asOf, bgnbd, gammaGamma, findings, customers:[…]}

Examples:
  npx crm apply customers.xlsx --out customers-result.xlsx
  npx crm apply customers.xlsx --in-place --report report.json
`,
  },
  review: {
    zh: `crm review <工作簿.xlsx> --out <结果.xlsx> [--as-of YYYY-MM-DD] [--json] [--in-place]

生成复盘工作表（CRM复盘-…）：阶段分布与漏斗、留存率、流失率与流失原因 TOP 3、行业×价值分级、
负责人×阶段、高价值客户、跟进效率、评分等级与 RFM 分群、执行计划完成情况与甘特图。
再次运行只替换这些工作表。

  --json   在标准输出打印同样的汇总数字（可以不写 --out）

示例：
  npx crm review 客户管理.xlsx --out 复盘.xlsx
  npx crm review 客户管理.xlsx --json
`,
    en: `crm review <book.xlsx> --out <out.xlsx> [--as-of YYYY-MM-DD] [--json] [--in-place]

Builds the review sheets (CRM复盘-…): stage distribution and funnel, retention, churn rate and the top 3
churn reasons, industry × value tier, owner × stage, high-value customers, follow-up efficiency, score
tiers and RFM segments, execution-plan completion with a Gantt view. Re-running replaces only these sheets.

  --json   print the same figures on stdout (--out may then be left out)

Examples:
  npx crm review customers.xlsx --out review.xlsx
  npx crm review customers.xlsx --json
`,
  },
  mask: {
    zh: `crm mask <工作簿.xlsx> --out <结果.xlsx> [--in-place]

把联系人和联系方式列中的完整手机号、座机号替换为遮盖形式（138****5678、021-****5678），
单元格中的其他文字保持不变，并报告修改了多少个单元格。公式单元格不修改。

示例：
  npx crm mask 客户管理.xlsx --out 客户管理-已遮盖.xlsx
`,
    en: `crm mask <book.xlsx> --out <out.xlsx> [--in-place]

Replaces full mobile and landline numbers in the contact columns with masked forms (138****5678,
021-****5678), keeping the rest of each cell's text, and reports how many cells changed. Formula cells
are left alone.

Example:
  npx crm mask customers.xlsx --out customers-masked.xlsx
`,
  },
  undo: {
    zh: `crm undo <工作簿.xlsx> --out <结果.xlsx> [--in-place] [--keep-history]

移除 CRM 工作台写入的一切：客户表右侧带 ◆ 的结果列（含其下拉列表、列宽和标记的条件格式）、
「CRM问题清单」和「CRM复盘-*」工作表，以及变更历史「CRM变更历史」（加 --keep-history 则保留）。
您自己的单元格、格式、表格、规则和名称保持原样。

示例：
  npx crm undo 客户管理-结果.xlsx --out 客户管理-原样.xlsx
  npx crm undo 客户管理.xlsx --in-place      （先备份为 客户管理.bak.xlsx）
`,
    en: `crm undo <book.xlsx> --out <out.xlsx> [--in-place] [--keep-history]

Removes everything CRM Workbench wrote: the ◆ result columns right of the customers table (with their lists,
widths and marked conditional formats), the sheets 「CRM问题清单」 and 「CRM复盘-*」, and the history
「CRM变更历史」 (kept with --keep-history). Your own cells, formats, tables, rules and names stay as they are.

Examples:
  npx crm undo customers-result.xlsx --out customers-original.xlsx
  npx crm undo customers.xlsx --in-place      (a backup customers.bak.xlsx is kept)
`,
  },
};

const COMMANDS = ["init", "validate", "apply", "review", "mask", "undo"];

// ── kinds of book ──

/**
 * The kinds of book the writers keep, by the content type of the workbook part, and the extension Excel requires
 * for each (it refuses a file whose extension does not match). The patching writer copies [Content_Types].xml
 * and xl/vbaProject.bin as they are, so an output is the same kind of book as its input and must be named so.
 */
interface BookKind {
  ext: string;
  contentType: string;
  /** Why an output named otherwise is refused. */
  needs: { zh: string; en: string };
  /** Why the exceljs writer (which writes a plain .xlsx) is not used for it. */
  noFallback: { zh: string; en: string };
}

const NO_FALLBACK_TAIL = {
  zh: "，而这个工作簿的 XML 结构无法由保留原样的写入方式编辑；未做任何修改",
  en: ", but this book's XML is laid out in a way the writer that keeps every part cannot edit; nothing was changed",
};

const BOOK_KINDS: readonly BookKind[] = [
  {
    ext: ".xlsx",
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    needs: { zh: "输出文件必须以 .xlsx 结尾", en: "the output file must end in .xlsx" },
    noFallback: { zh: "", en: "" },
  },
  {
    ext: ".xlsm",
    contentType: "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    needs: { zh: "工作簿含有宏（.xlsm），输出文件也必须以 .xlsm 结尾", en: "the book has macros (.xlsm), so the output file must end in .xlsm too" },
    noFallback: { zh: `工作簿含有宏（.xlsm），写出时必须保留宏${NO_FALLBACK_TAIL.zh}`, en: `the book has macros (.xlsm), which the output must keep${NO_FALLBACK_TAIL.en}` },
  },
  {
    ext: ".xltx",
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    needs: { zh: "工作簿是模板（.xltx），输出文件也必须以 .xltx 结尾", en: "the book is a template (.xltx), so the output file must end in .xltx too" },
    noFallback: { zh: `工作簿是模板（.xltx），写出时必须保持模板格式${NO_FALLBACK_TAIL.zh}`, en: `the book is a template (.xltx), which the output must stay${NO_FALLBACK_TAIL.en}` },
  },
  {
    ext: ".xltm",
    contentType: "application/vnd.ms-excel.template.macroEnabled.main+xml",
    needs: { zh: "工作簿是含宏的模板（.xltm），输出文件也必须以 .xltm 结尾", en: "the book is a template with macros (.xltm), so the output file must end in .xltm too" },
    noFallback: { zh: `工作簿是含宏的模板（.xltm），写出时必须保留宏和模板格式${NO_FALLBACK_TAIL.zh}`, en: `the book is a template with macros (.xltm), whose macros and template type the output must keep${NO_FALLBACK_TAIL.en}` },
  },
];

/**
 * The kind of a book by its workbook part's content type (what Excel goes by), else by its extension (a file that
 * cannot be read is reported by the reader, not here). An .xlsx-named book with the macro-enabled content type is
 * an .xlsm book: its output must be named .xlsm to open.
 */
function bookKind(file: string): BookKind {
  const byExt = BOOK_KINDS.find((k) => k.ext === extname(file).toLowerCase()) ?? BOOK_KINDS[0];
  const type = xlsx().workbookContentType(file);
  return BOOK_KINDS.find((k) => k.contentType.toLowerCase() === type) ?? byExt;
}

function wrongExtension(kind: BookKind, out: string, inPlace: boolean): UsageError {
  if (inPlace) {
    // The input itself is misnamed (macros under .xlsx): Excel would not open it as it is either.
    return new UsageError(
      `${kind.needs.zh}；原文件的扩展名与内容不符，请用 --out <结果${kind.ext}> 写入新文件：${out}`,
      `${kind.needs.en}; the input's own extension does not match its content, so write a new file with --out <out${kind.ext}>: ${out}`,
    );
  }
  return new UsageError(`${kind.needs.zh}：${out}`, `${kind.needs.en}: ${out}`);
}

// ── output helpers ──

const PLURAL_EN = new Intl.PluralRules("en-US");
const NUMBER = { zh: new Intl.NumberFormat("zh-CN"), en: new Intl.NumberFormat("en-US") };

/** An English noun for a count by the language's plural rules ("1 cell", "0 cells", "2 cells"); Chinese as it is. */
function noun(lang: Lang, n: number, zh: string, en: string): string {
  return lang === "zh" ? zh : PLURAL_EN.select(n) === "one" ? en : `${en}s`;
}

/** A count as people read it: 1,048,576 (Intl.NumberFormat, the same grouping in both languages here). */
function num(lang: Lang, n: number): string {
  return NUMBER[lang].format(n);
}

/**
 * Colour on stdout: FORCE_COLOR (any value but 0 or false) turns it on and FORCE_COLOR=0 off, whatever the
 * terminal; else NO_COLOR turns it off; else a terminal gets it (force-color.org, no-color.org).
 */
export function colourOn(io: Pick<CliIO, "env" | "stdoutTTY">): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return !/^(0|false)$/i.test(force.trim());
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  return io.stdoutTTY;
}

/** The mask command's report: how many numbers in how many cells. */
function maskedLine(lang: Lang, count: { numbers: number; cells: number }): string {
  return lang === "zh"
    ? `已遮盖 ${num(lang, count.cells)} 个单元格中的 ${num(lang, count.numbers)} 个号码`
    : `masked ${num(lang, count.numbers)} ${noun(lang, count.numbers, "", "number")} in ${num(lang, count.cells)} ${noun(lang, count.cells, "", "cell")}`;
}

function paint(enabled: boolean) {
  const p = (code: string) => (s: string | number) => (enabled ? `\x1b[${code}m${s}\x1b[0m` : String(s));
  return { bold: p("1"), dim: p("2"), red: p("31"), green: p("32"), yellow: p("33"), cyan: p("36") };
}

/** A progress bar on stderr for big books; silent when not a terminal or when output is JSON. */
class Progress {
  private last = -1;
  constructor(
    private readonly io: CliIO,
    private readonly enabled: boolean,
  ) {}
  show(label: string, done: number, total: number): void {
    if (!this.enabled || total <= 0) return;
    const pct = Math.min(100, Math.floor((done / total) * 100));
    if (pct === this.last) return;
    this.last = pct;
    const width = 28;
    const fill = Math.round((pct / 100) * width);
    this.io.stderr(`\r${label} [${"█".repeat(fill)}${"░".repeat(width - fill)}] ${String(pct).padStart(3)}%`);
  }
  step(label: string): void {
    if (!this.enabled) return;
    this.last = -1;
    this.io.stderr(`\r\x1b[K${label}…`);
  }
  done(): void {
    if (this.enabled) this.io.stderr("\r\x1b[K");
  }
}

/** Books above this size (bytes) get a progress bar: roughly a few thousand customer rows. */
const PROGRESS_BYTES = 400_000;

// ── the commands ──

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  // From the environment until --lang is read, so an argument error is already in the user's language.
  let lang: Lang = pickLang(undefined, io.env);
  const say = (zh: string, en: string) => (lang === "zh" ? zh : en);
  let parsed: Args | undefined;
  try {
    const args = (parsed = parseArgs(argv));
    lang = pickLang(args.lang, io.env);
    if (args.version) {
      io.stdout(`crm ${toolVersion()}\n`);
      return 0;
    }
    if (args.command === "" || args.command === "help") {
      const topic = args.command === "help" && args.file && HELP[args.file] ? args.file : "";
      io.stdout(HELP[topic][lang]);
      return args.command === "" && !args.help ? 2 : 0;
    }
    if (!COMMANDS.includes(args.command)) throw new UsageError(`未知命令 ${args.command}（可用：${COMMANDS.join("、")}）`, `unknown command ${args.command} (try: ${COMMANDS.join(", ")})`);
    if (args.help) {
      io.stdout(HELP[args.command][lang]);
      return 0;
    }
    if (!args.file) throw new UsageError(`缺少工作簿文件：crm ${args.command} <工作簿.xlsx>`, `missing the workbook: crm ${args.command} <book.xlsx>`);
    if (args.command === "init") return await init(args, lang, io);
    if (args.tables !== undefined || args.sample !== undefined) throw new UsageError("--tables 和 --sample 只用于 init", "--tables and --sample are for init only");
    const asOf = args.asOf ?? io.today();
    args.day = asOf;
    if (!isValidDay(asOf)) throw new UsageError(`--as-of 应为 YYYY-MM-DD 格式的有效日期（收到 ${asOf}）`, `--as-of must be a valid date YYYY-MM-DD (got ${asOf})`);
    let stdinFile: string | undefined;
    if (args.files.includes("-")) {
      if (args.files.length > 1) throw new UsageError("标准输入 - 只能单独使用，不能与其他工作簿一起", "the book - (standard input) cannot be mixed with other books");
      if (args.inPlace) throw new UsageError("标准输入 - 不能用 --in-place 更新，请用 --out", "the book - (standard input) cannot be updated in place; use --out");
      args.file = stdinFile = await stdinBook(io);
      args.files = [args.file];
      args.stdin = true;
    }
    if (args.rulesFile) args.rules = await sharedRules(args.rulesFile, asOf, lang, io);
    let code: number;
    try {
      const files = booksOf(args.files);
      code = files.length === 1 && !args.outDir && args.files.length === 1 && files[0] === args.files[0] ? await run(args, asOf, lang, io) : await runMany(args, files, asOf, lang, io);
    } finally {
      if (stdinFile) rmSync(dirname(stdinFile), { recursive: true, force: true });
    }
    const failure = io.outputFailure?.();
    if (failure !== undefined) {
      io.stderr(`crm: ${say(`无法写入标准输出（${failure}），输出不完整`, `cannot write to standard output (${failure}); the output is incomplete`)}\n`);
      return 2;
    }
    return code;
  } catch (e) {
    if (e instanceof UsageError) {
      // An argument is echoed back: a customer's phone number typed in the wrong place stays masked.
      io.stderr(`crm: ${safeText(say(e.zh, e.en))}\n${say("用 crm --help 查看用法", "see crm --help")}\n`);
      return 2;
    }
    if (e instanceof BookError) {
      io.stderr(`crm: ${safeText(e.line(lang))}\n`);
      // --json: stdout still holds the run's object, saying why.
      if (parsed?.json) io.stdout(`${JSON.stringify({ ...jsonHead(parsed), file: e.file, exitCode: 2, error: safeText(e.reasonEn) }, null, 2)}\n`);
      return 2;
    }
    // Anything else is our bug: still one line, no stack trace unless asked for.
    io.stderr(`crm: ${say("内部错误", "internal error")}: ${safeText(String((e as Error)?.message ?? e))}\n`);
    if (io.env.CRM_DEBUG) io.stderr(`${(e as Error)?.stack ?? ""}\n`);
    return 2;
  }
}

/**
 * `--rules FILE`: the CRM规则 table of a team's shared rules book, read once for every book of the run (the books'
 * own rules sheets are then not used). A refused value is a line on stderr naming its cell, and keeps its default.
 */
async function sharedRules(file: string, asOf: string, lang: Lang, io: CliIO): Promise<Rules> {
  const { model } = await xlsx().readModelParts(file);
  const { rules, findings } = rulesOfBook(model, toDay(asOf));
  if (!rules) throw new BookError(file, "没有找到 CRM规则 表（参数/值 两列）", "no CRM规则 table (参数 / 值 columns) found");
  for (const f of findings) io.stderr(`crm: ${safeText(file)} ${f.address}: ${safeText(lang === "zh" ? f.message : f.messageEn)}\n`);
  return rules;
}

/**
 * The book `-`: standard input, read whole into a temporary file (an .xlsx is a zip, read from its end), which
 * goes when the process exits. Refused from a terminal, and when empty.
 */
async function stdinBook(io: CliIO): Promise<string> {
  if (!io.stdin || io.stdin.isTTY) throw new UsageError("- 表示从标准输入读取工作簿，请用管道或重定向提供（如 crm validate - < 客户.xlsx）", "- reads the book from standard input: pipe or redirect one (crm validate - < customers.xlsx)");
  const data = await io.stdin.read();
  if (data.length === 0) throw new BookError("-", "标准输入为空", "standard input is empty");
  const dir = mkdtempSync(join(tmpdir(), "crm-stdin-"));
  const file = join(dir, "stdin.xlsx");
  writeFileSync(file, data);
  return file;
}

/** The books the arguments name: a folder stands for its .xlsx/.xlsm files (not its subfolders), sorted. */
function booksOf(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    const st = statSync(a, { throwIfNoEntry: false });
    if (st?.isDirectory()) {
      const inside = readdirSync(a).filter((f) => /\.(xlsx|xlsm)$/i.test(f) && !f.startsWith("~$")).sort();
      if (inside.length === 0) throw new BookError(a, "这是文件夹，其中没有 .xlsx/.xlsm 工作簿", "a folder without .xlsx/.xlsm books");
      for (const f of inside) out.push(join(a, f));
    } else out.push(a);
  }
  return out;
}

/**
 * Several books in one run (`crm validate *.xlsx`, `crm apply a.xlsx b.xlsx --out-dir results/`): each book on
 * its own — one that cannot be read is a line on stderr and the others go on — one line per book, a summary
 * line, and the worst exit code of the books. With --json, one object holding every book.
 */
async function runMany(args: Args, files: string[], asOf: string, lang: Lang, io: CliIO): Promise<number> {
  const say = (zh: string, en: string) => (lang === "zh" ? zh : en);
  const c = paint(colourOn(io));
  const writes = args.command !== "validate" && !(args.command === "review" && args.json && !args.outDir && !args.inPlace);
  if (args.out) throw new UsageError("多个工作簿请用 --out-dir <文件夹> 指定输出位置", "with several books, give the output folder with --out-dir <folder>");
  if (args.report) throw new UsageError("--report 只用于单个工作簿", "--report is for a single book");
  if (writes && !args.outDir && !args.inPlace) throw new UsageError("请用 --out-dir <文件夹> 指定输出文件夹（或用 --in-place 更新原文件）", "give the output folder with --out-dir <folder> (or --in-place to update the inputs)");
  if (args.outDir && args.inPlace) throw new UsageError("--out-dir 和 --in-place 只能选一个", "use either --out-dir or --in-place, not both");
  if (args.outDir && !writes) throw new UsageError(`${args.command} 不写文件，不需要 --out-dir`, `${args.command} writes no file; drop --out-dir`);
  const outOf = (file: string) => (args.outDir ? join(args.outDir, basename(file)) : undefined);
  if (args.outDir) {
    const seen = new Map<string, string>();
    for (const f of files) {
      const o = resolve(outOf(f) as string);
      if (seen.has(o)) throw new UsageError(`两个工作簿会写到同一个输出文件 ${outOf(f)}：${seen.get(o)}、${f}`, `two books would be written to the same output ${outOf(f)}: ${seen.get(o)} and ${f}`);
      if (o === resolve(f)) throw new UsageError(`输出文件夹就是输入所在的文件夹：${args.outDir}`, `the output folder is the inputs' own folder: ${args.outDir}`);
      seen.set(o, f);
    }
    mkdirSync(args.outDir, { recursive: true });
  }
  const books: Record<string, unknown>[] = [];
  const codes: number[] = [];
  for (const file of files) {
    let book: Record<string, unknown> = { file };
    const one: Args = { ...args, file, files: [file], out: outOf(file), brief: true, sink: args.json ? (b) => (book = { file, ...b }) : undefined };
    let code: number;
    try {
      code = await run(one, asOf, lang, io);
    } catch (e) {
      if (!(e instanceof BookError || e instanceof UsageError)) throw e;
      const reason = e instanceof BookError ? e.line(lang) : `${file}: ${say(e.zh, e.en)}`;
      io.stderr(`crm: ${safeText(reason)}\n`);
      book = { file, error: safeText(e instanceof BookError ? e.reasonEn : e.en) };
      code = 2;
    }
    codes.push(code);
    books.push({ ...book, exitCode: code });
  }
  const worst = Math.max(...codes);
  if (args.json) {
    io.stdout(`${JSON.stringify({ ...jsonHead(args), exitCode: worst, books }, null, 2)}\n`);
    return worst;
  }
  const n = (k: number) => codes.filter((x) => x === k).length;
  io.stdout(
    `${say(`共 ${num(lang, files.length)} 个工作簿`, `${num(lang, files.length)} ${noun(lang, files.length, "", "book")}`)}: ` +
      `${c.green(num(lang, n(0)))} ${say("无错误", "without errors")} · ${c.red(num(lang, n(1)))} ${say("有错误", "with errors")} · ${c.yellow(num(lang, n(2)))} ${say("未处理", "not done")}\n`,
  );
  return worst;
}

function isValidDay(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

async function run(args: Args, asOf: string, lang: Lang, io: CliIO): Promise<number> {
  const say = (zh: string, en: string) => (lang === "zh" ? zh : en);
  const c = paint(colourOn(io));
  const input = args.file as string;
  const writes = args.command !== "validate" && !(args.command === "review" && args.json && !args.out && !args.inPlace);
  let out: string | undefined;
  let kind: BookKind = BOOK_KINDS[0];
  if (writes) {
    if (args.inPlace && args.out) throw new UsageError("--out 和 --in-place 只能选一个", "use either --out or --in-place, not both");
    if (!args.inPlace && !args.out) throw new UsageError(`请用 --out <结果.xlsx> 指定输出文件（或用 --in-place 更新原文件）`, `give the output file with --out <out.xlsx> (or --in-place to update the input)`);
    out = args.inPlace ? input : (args.out as string);
    kind = bookKind(input);
    if (extname(out).toLowerCase() !== kind.ext) throw wrongExtension(kind, out, args.inPlace);
    if (!args.inPlace && resolve(out) === resolve(input)) throw new UsageError("输出文件与输入相同；要更新原文件请用 --in-place（会先备份）", "the output is the input; use --in-place to update it (a backup is kept)");
    if (!existsSync(dirname(resolve(out)))) throw new UsageError(`输出文件夹不存在：${dirname(out)}`, `the output folder does not exist: ${dirname(out)}`);
  } else if (args.out || args.inPlace) {
    if (args.command === "validate") throw new UsageError("validate 不写文件，不需要 --out/--in-place", "validate writes no file; drop --out/--in-place");
  }
  if (args.report && args.command !== "apply") throw new UsageError("--report 只用于 apply", "--report is for apply only");
  if (args.keepHistory && args.command !== "undo") throw new UsageError("--keep-history 只用于 undo", "--keep-history is for undo only");

  const progress = new Progress(io, args.progress && io.stderrTTY && !args.json);
  if (!writes) return readOnly(args, input, asOf, lang, io, progress);
  if (args.command === "apply") {
    const code = await applyPatching(args, input, out as string, asOf, lang, io, progress);
    if (code !== null) return code;
  }
  if (args.command === "undo") return undo(args, input, out as string, lang, io, progress);
  if (args.command === "review") {
    const code = await reviewPatching(args, input, out as string, asOf, lang, io, progress);
    if (code !== null) return code;
  }
  if (args.command === "mask") {
    const code = await maskPatching(args, input, out as string, asOf, lang, io, progress);
    if (code !== null) return code;
  }
  // The exceljs writer writes an ordinary .xlsx: no VBA project, the .xlsx content type. Under an .xlsm or template
  // name Excel would refuse the file (or it would come without the macros): nothing is written.
  if (kind.ext !== ".xlsx") throw new BookError(input, kind.noFallback.zh, kind.noFallback.en);
  const book = await loadWithProgress(input, progress, say);
  progress.step(say("计算中", "computing"));
  const result = runPipeline(book.model, asOf, { rules: args.rules });
  const hasCustomers = result.tables.some((t) => t.kind === "customers" && t.used);

  if (!hasCustomers) {
    progress.done();
    return noCustomers(args, input, lang, io, result);
  }
  const bookCode = result.summary.errors > 0 ? 1 : 0;
  const port = new (xlsx().ExcelJsBook)(book.workbook);

  switch (args.command) {
    case "apply": {
      progress.step(say("写入结果列", "writing result columns"));
      try {
        await port.applyResults(result);
      } catch (e) {
        throw e instanceof NoRoomError ? new BookError(input, NO_ROOM.zh, NO_ROOM.en) : e;
      }
      await save(book, input, out as string, args.inPlace, progress, say, io);
      if (args.report) await writeJsonAtomic(args.report, reportOf(result));
      progress.done();
      noChurnModel(result, say, io);
      finish(args, io, { exitCode: bookCode, out, report: args.report, summary: result.summary }, () => appliedLine(lang, c, out as string, result, args.report));
      return bookCode;
    }
    case "review": {
      const review = buildReview(result);
      progress.step(say("生成复盘工作表", "building review sheets"));
      await port.writeReview(review);
      await save(book, input, out as string, args.inPlace, progress, say, io);
      progress.done();
      finish(args, io, { exitCode: bookCode, out, review }, () => `${c.green("✔")} ${say("复盘工作表已写入", "review sheets written to")} ${c.bold(out as string)} (${num(lang, result.customers.length)} ${noun(lang, result.customers.length, "位客户", "customer")})\n`);
      return bookCode;
    }
    case "mask": {
      progress.step(say("遮盖号码", "masking numbers"));
      const masked = await port.maskPhones(result);
      await save(book, input, out as string, args.inPlace, progress, say, io);
      progress.done();
      finish(args, io, { exitCode: 0, out, masked }, () => `${c.green("✔")} ${maskedLine(lang, masked)} → ${c.bold(out as string)}\n`);
      return 0;
    }
  }
  return 2;
}

/** Reads a book streaming (a progress bar for a big one) and runs the engine on it; `found`: it has a customers table. */
async function readAndRun(input: string, asOf: string, options: PipelineOptions, say: (zh: string, en: string) => string, progress: Progress, keepStrings = false) {
  const { model, parts } = await readWithProgress(input, say, progress, keepStrings);
  progress.step(say("计算中", "computing"));
  const result = runPipeline(model, asOf, { ...options, collect: options.release ? fullCollection() : undefined });
  return { model, parts, result, found: result.tables.some((t) => t.kind === "customers" && t.used) };
}

/**
 * V8's full garbage collection, for the pipeline to run as it lets a big sheet's raw rows go (PipelineOptions.collect):
 * `gc` as a new context sees it once the flag is set (as jest's leak detection does), without flags on the command
 * line. Undefined where the runtime refuses.
 */
let collector: (() => void) | null | undefined;
function fullCollection(): (() => void) | undefined {
  if (collector === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      collector = runInNewContext("gc") as () => void;
    } catch {
      collector = null;
    }
  }
  return collector ?? undefined;
}

/** Reads a book streaming; a big one shows a bar moving with the sheets' bytes read (the customers sheet's rows). */
function readWithProgress(input: string, say: (zh: string, en: string) => string, progress: Progress, keepStrings = false) {
  const big = (statSync(input, { throwIfNoEntry: false })?.size ?? 0) > PROGRESS_BYTES;
  return xlsx().readModelParts(input, (done, total) => big && progress.show(say("读取", "reading"), done, total), { keepStrings });
}

/**
 * apply through the patching writer (src/xlsx/patch.ts): every part of the input is copied as it is and only
 * the product's own cells, rules, lists, styles and sheets are written. Null when the book's XML is laid out in a
 * way the patcher does not edit (then the exceljs writer does the job).
 */
async function applyPatching(args: Args, input: string, out: string, asOf: string, lang: Lang, io: CliIO, progress: Progress): Promise<number | null> {
  const say = (zh: string, en: string) => (lang === "zh" ? zh : en);
  const c = paint(colourOn(io));
  // Each customer's results are computed as its row is written: a million of them are never held at once.
  const { model, parts, result, found } = await readAndRun(input, asOf, { customers: "onDemand", release: true, rules: args.rules }, say, progress);
  if (!found) {
    progress.done();
    return noCustomers(args, input, lang, io, result);
  }
  progress.step(say("写入结果列", "writing result columns"));
  const { edit, layouts, history } = xlsx().applyEdit(parts, model, result, xlsx().stylesOf(parts).styles);
  if (layouts.some((l) => !layoutFits(l))) throw new BookError(input, NO_ROOM.zh, NO_ROOM.en);
  if (!(await writeWithBackup(args, parts, edit, out, say, io, progress))) return null;
  if (args.report) await writeJsonAtomic(args.report, reportOf(result));
  progress.done();
  const skipped = historySkipped(history.skipped, result);
  if (skipped) io.stderr(`${say("变更历史未追加", "history not appended")}: ${say(skipped.zh, skipped.en)}\n`);
  noChurnModel(result, say, io);
  const code = result.summary.errors > 0 ? 1 : 0;
  finish(args, io, { exitCode: code, out, report: args.report, summary: result.summary, history }, () => appliedLine(lang, c, out, result, args.report));
  return code;
}

/** A book with orders whose churn model gave no figures: one stderr line saying why (the ◆ columns stay blank). */
function noChurnModel(result: PipelineResult, say: (zh: string, en: string) => string, io: CliIO): void {
  const b = result.clv().bgnbd;
  if (b.customers > 0 && b.reason) io.stderr(`${say("存活概率与预计价值未计算", "no P(alive) or expected value")}: ${say(b.reason, b.reasonEn ?? b.reason)}\n`);
}

/** Why apply appended nothing to the history sheet, for stderr (null when it did, or had nothing to add). */
function historySkipped(why: "later" | "unreadable" | "full" | null, result: PipelineResult): { zh: string; en: string } | null {
  const sheet = result.history?.sheet ?? HISTORY_SHEET;
  switch (why) {
    case "later":
      return { zh: `「${sheet}」已有晚于统计日 ${result.asOf} 的记录(历史只能向后追加);请用更晚的 --as-of`, en: `"${sheet}" has rows after the as-of date ${result.asOf} (the history only runs forward); use a later --as-of` };
    case "unreadable":
      return { zh: `「${sheet}」的表头已被修改,无法读取;请恢复表头或删除该工作表`, en: `the header of "${sheet}" was changed, so it cannot be read; restore the header or delete the sheet` };
    case "full":
      return { zh: `「${sheet}」将超过 Excel 的最大行数 ${SHEET_LAST_ROW.toLocaleString("en")};请将其另存归档后删除该工作表,下次运行会重新开始记录`, en: `"${sheet}" would pass Excel's last row (${SHEET_LAST_ROW.toLocaleString("en")}); archive it elsewhere and delete the sheet, and the next run starts the history again` };
    default:
      return null;
  }
}

/** validate, and review --json without an output: values only, read streaming (any size that fits a sheet). */
async function readOnly(args: Args, input: string, asOf: string, lang: Lang, io: CliIO, progress: Progress): Promise<number> {
  const say = (zh: string, en: string) => (lang === "zh" ? zh : en);
  const c = paint(colourOn(io));
  // validate reports findings only: the per-customer results are not built (a fraction of the memory).
  // review reads each customer's results once, as it counts them (buildReview): they are not all kept.
  const { result, found } = await readAndRun(input, asOf, { customers: args.command === "review" ? "onDemand" : false, release: true, rules: args.rules }, say, progress);
  progress.done();
  if (!found) return noCustomers(args, input, lang, io, result);
  const code = result.summary.errors > 0 ? 1 : 0;
  if (args.sink) args.sink(args.command === "review" ? { exitCode: code, review: buildReview(result) } : { exitCode: code, summary: result.summary, findings: result.findings.map(findingOut) });
  else if (args.command === "review") finish(args, io, { exitCode: code, review: buildReview(result) }, () => "");
  else if (args.json) writeFindingsJson(io, result, { ...jsonHead(args), file: args.stdin ? "-" : input, exitCode: code });
  else if (args.brief) io.stdout(`${code === 0 ? c.green("✔") : c.red("✖")} ${c.bold(input)}: ${summaryWords(lang, c, result)}\n`);
  else printFindings(io, c, lang, result, args.all);
  return code;
}

/** review through the patching writer: the review sheets written whole, every other part copied as it is. */
async function reviewPatching(args: Args, input: string, out: string, asOf: string, lang: Lang, io: CliIO, progress: Progress): Promise<number | null> {
  const say = (zh: string, en: string) => (lang === "zh" ? zh : en);
  const c = paint(colourOn(io));
  const { parts, result, found } = await readAndRun(input, asOf, { customers: "onDemand", release: true, rules: args.rules }, say, progress);
  if (!found) {
    progress.done();
    return noCustomers(args, input, lang, io, result);
  }
  const review = buildReview(result);
  progress.step(say("生成复盘工作表", "building review sheets"));
  const edit = xlsx().reviewEdit(parts, review, xlsx().stylesOf(parts).styles, pivotDataRows(result));
  if (!(await writeWithBackup(args, parts, edit, out, say, io, progress))) return null;
  progress.done();
  const code = result.summary.errors > 0 ? 1 : 0;
  finish(args, io, { exitCode: code, out, review }, () => `${c.green("✔")} ${say("复盘工作表已写入", "review sheets written to")} ${c.bold(out)} (${num(lang, result.summary.rows)} ${noun(lang, result.summary.rows, "位客户", "customer")})\n`);
  return code;
}

/** mask through the patching writer: the flagged cells rewritten with masked text, every other part as it is. */
async function maskPatching(args: Args, input: string, out: string, asOf: string, lang: Lang, io: CliIO, progress: Progress): Promise<number | null> {
  const say = (zh: string, en: string) => (lang === "zh" ? zh : en);
  const c = paint(colourOn(io));
  const { parts, result, found } = await readAndRun(input, asOf, { customers: false, release: true, rules: args.rules }, say, progress, true);
  if (!found) {
    progress.done();
    return noCustomers(args, input, lang, io, result);
  }
  progress.step(say("遮盖号码", "masking numbers"));
  const { edit, count } = xlsx().maskEdit(parts, result, await xlsx().sharedStringsOf(parts), xlsx().stylesOf(parts).styles);
  if (!(await writeWithBackup(args, parts, edit, out, say, io, progress))) return null;
  progress.done();
  finish(args, io, { exitCode: 0, out, masked: count }, () => `${c.green("✔")} ${maskedLine(lang, count)} → ${c.bold(out)}\n`);
  return 0;
}

/**
 * Writes `out` through the patching writer, keeping `<name>.bak.xlsx` (`.bak.xlsm` …) first for --in-place. False when the
 * book's XML cannot be patched (nothing written, no backup left: the exceljs writer takes over).
 */
/** Writes through the patching writer (a backup first with --in-place): where it put what it added, or null when it cannot edit the book. */
async function writeWithBackup(args: Args, parts: BookParts, edit: BookEdit, out: string, say: (zh: string, en: string) => string, io: CliIO, progress: Progress): Promise<Placed | null> {
  const saved = args.inPlace ? backupName(out) : null;
  let placed: Placed;
  try {
    if (saved) copyFileSync(out, saved);
    progress.step(say("保存", "saving"));
    placed = await xlsx().writePatched(parts, edit, out);
  } catch (e) {
    if (saved) unlinkSync(saved);
    if (e instanceof xlsx().PatchUnsupported) {
      if (io.env.CRM_DEBUG) io.stderr(`crm: patching writer not used: ${e.message}\n`);
      return null;
    }
    throw e instanceof BookError ? e : xlsx().writeFailure(out, e);
  }
  if (saved) io.stderr(`${say("已备份原文件到", "backup of the input saved as")} ${saved}\n`);
  return placed;
}

/**
 * `crm init`: the template tables a book lacks, added as new sheets (a new book when the file does not exist yet);
 * with `--sample N`, N customers of the demo's generator and their detail rows in the new tables.
 */
async function init(args: Args, lang: Lang, io: CliIO): Promise<number> {
  const say = (zh: string, en: string) => (lang === "zh" ? zh : en);
  const c = paint(colourOn(io));
  const input = args.file as string;
  args.day = io.today();
  if (args.files.length > 1) throw new UsageError("init 一次只处理一个工作簿", "init takes one book at a time");
  const kinds = args.tables === undefined ? [...TEMPLATE_KINDS] : args.tables.split(/[,，\s]+/).filter(Boolean);
  const unknown = kinds.filter((k) => !TEMPLATE_KINDS.includes(k as TableKind));
  if (unknown.length > 0 || kinds.length === 0) {
    throw new UsageError(`--tables 只能是 ${TEMPLATE_KINDS.join(",")} 中的若干个（收到 ${args.tables}）`, `--tables takes some of ${TEMPLATE_KINDS.join(",")} (got ${args.tables})`);
  }
  const sample = args.sample === undefined ? 0 : Number(args.sample);
  if (!Number.isInteger(sample) || sample < 0 || sample > 100_000) throw new UsageError(`--sample 应为 0–100000 之间的整数（收到 ${args.sample}）`, `--sample takes a whole number from 0 to 100000 (got ${args.sample})`);
  const tableLang: TemplateLang = lang;
  const exists = existsSync(input);
  let out = input;
  if (exists) {
    if (args.inPlace && args.out) throw new UsageError("--out 和 --in-place 只能选一个", "use either --out or --in-place, not both");
    if (!args.inPlace && !args.out) throw new UsageError("工作簿已存在：请用 --out <结果.xlsx> 写入新文件，或用 --in-place 在原文件中添加（会先备份）", "the book exists: write the result with --out <out.xlsx>, or add to it with --in-place (a backup is kept)");
    out = args.inPlace ? input : (args.out as string);
    const kind = bookKind(input);
    if (extname(out).toLowerCase() !== kind.ext) throw wrongExtension(kind, out, args.inPlace);
    if (!args.inPlace && resolve(out) === resolve(input)) throw new UsageError("输出文件与输入相同；要更新原文件请用 --in-place（会先备份）", "the output is the input; use --in-place to update it (a backup is kept)");
  } else {
    if (args.out || args.inPlace) throw new UsageError(`${input} 还不存在：init 会新建它，不需要 --out/--in-place`, `${input} does not exist yet: init creates it; drop --out/--in-place`);
    if (extname(input).toLowerCase() !== ".xlsx") throw new UsageError(`新建的工作簿必须以 .xlsx 结尾：${input}`, `the new book must end in .xlsx: ${input}`);
  }
  if (!existsSync(dirname(resolve(out)))) throw new UsageError(`输出文件夹不存在：${dirname(out)}`, `the output folder does not exist: ${dirname(out)}`);

  // A new book starts from an empty one (one placeholder sheet, taken out by the same write).
  const tmp = exists ? null : mkdtempSync(join(tmpdir(), "crm-init-"));
  try {
    const base = tmp ? join(tmp, "empty.xlsx") : input;
    if (tmp) await xlsx().writeEmptyBook(base);
    const { model, parts } = await xlsx().readModelParts(base);
    const { missing, present } = missingTables(model, kinds as TableKind[]);
    if (sample > 0 && !missing.includes("customers")) {
      throw new UsageError(`--sample 只在新建客户表时可用（工作簿的客户表在“${present.find((p) => p.kind === "customers")?.sheet ?? ""}”）`, `--sample works only when the customers table is created (the book has one on "${present.find((p) => p.kind === "customers")?.sheet ?? ""}")`);
    }
    const tables = sampleRows(templateTables(missing, tableLang), sample, args.day);
    const presentOut = present.map((p) => ({ kind: p.kind, sheet: p.sheet }));
    if (missing.length === 0) {
      finish(args, io, { exitCode: 0, out: null, created: [], present: presentOut }, () => `${say("工作簿已有所有这些表格，未做修改", "the book has all these tables already; nothing changed")}: ${present.map((p) => p.sheet).join(say("、", ", "))}\n`);
      return 0;
    }
    const styles = xlsx().stylesOf(parts).styles;
    const edit = xlsx().initEdit(tables, styles, model.date1904 === true, tmp ? [xlsx().PLACEHOLDER_SHEET] : []);
    const progress = new Progress(io, false);
    const placed = await writeWithBackup({ ...args, inPlace: exists && args.inPlace }, parts, edit, out, say, io, progress);
    if (!placed) throw new BookError(input, "工作簿的 XML 结构无法安全编辑，未做任何修改", "the workbook's XML is laid out in a way that cannot be edited safely; nothing was changed");
    // The names the sheets and tables got (a name already taken gets a number), as the writer placed them.
    const created = tables.map((t) => {
      const role = xlsx().templateRole(t.kind);
      return { kind: t.kind, sheet: placed.sheets.get(role) ?? t.sheet, table: placed.tables.get(role) ?? t.table, rows: t.rows.length };
    });
    finish(args, io, { exitCode: 0, out, created, present: presentOut }, () =>
      `${c.green("✔")} ${say("已创建", "created")} ${created.map((t) => `${t.sheet}${t.rows > 0 && t.kind !== "rules" ? say(`（${t.rows} 行示例）`, ` (${t.rows} sample rows)`) : ""}`).join(say("、", ", "))} → ${out}\n` +
        (present.length > 0 ? `${say("已有，未改动", "already there, unchanged")}: ${present.map((p) => p.sheet).join(say("、", ", "))}\n` : ""));
    return 0;
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The template tables with `n` sample customers' rows (the demo's generator as of `asOf`, without its deliberate
 * mistakes). The generator keeps its customers in two tables (周期表 and 分类表): their columns are joined by 客户编号.
 */
function sampleRows(tables: TemplateTable[], n: number, asOf: string): TemplateTable[] {
  if (n === 0) return tables;
  // Loaded only here: the generator is as big as the engine, and `crm --help` should not wait for it.
  const { generateSample } = require("../sample") as typeof import("../sample");
  const sample = generateSample({ customers: n, mistakes: false, asOf });
  return tables.map((t) => {
    if (t.kind === "rules") return t;
    const rows: TemplateTable["rows"] = [];
    const byId = new Map<string, TemplateTable["rows"][number]>();
    for (const f of sample.model.sheets.flatMap((s) => findTables(s).filter((x) => x.kind === t.kind))) {
      for (const row of f.rows) {
        const r: TemplateTable["rows"][number] = {};
        for (const c of t.columns) {
          const off = f.match.columns.get(c.key);
          r[c.key] = off === undefined ? null : templateValue(t.kind, c, row[off] ?? null, f.header[off]);
        }
        const id = t.kind === "customers" && typeof r.id === "string" ? r.id : null;
        const seen = id !== null ? byId.get(id) : undefined;
        if (seen) {
          for (const c of t.columns) if (seen[c.key] === null) seen[c.key] = r[c.key];
          continue;
        }
        if (id !== null) byId.set(id, r);
        rows.push(r);
      }
    }
    return { ...t, rows };
  });
}

/** Takes the product's output out of a book (patching writer); the user's parts are copied as they are. */
async function undo(args: Args, input: string, out: string, lang: Lang, io: CliIO, progress: Progress): Promise<number> {
  const say = (zh: string, en: string) => (lang === "zh" ? zh : en);
  const c = paint(colourOn(io));
  const { model, parts } = await readWithProgress(input, say, progress);
  const { edit, columns, sheets } = xlsx().undoEdit(parts, model, xlsx().stylesOf(parts).styles, { keepHistory: args.keepHistory });
  if (columns === 0 && sheets.length === 0 && args.inPlace) {
    finish(args, io, { exitCode: 0, out: null, removed: { columns: 0, sheets: [] } }, () => `${say("工作簿中没有 CRM 工作台写入的内容，未做修改", "the book holds nothing CRM Workbench wrote; nothing changed")}\n`);
    return 0;
  }
  if (!(await writeWithBackup(args, parts, edit, out, say, io, progress))) {
    throw new BookError(input, "工作簿的 XML 结构无法安全编辑，未做任何修改", "the workbook's XML is laid out in a way that cannot be edited safely; nothing was changed");
  }
  progress.done();
  finish(args, io, { exitCode: 0, out, removed: { columns, sheets } }, () => `${c.green("✔")} ${say(`已移除 ${columns} 个结果列、${sheets.length} 个工作表`, `removed ${columns} result ${noun(lang, columns, "", "column")} and ${sheets.length} ${noun(lang, sheets.length, "", "sheet")}`)} → ${c.bold(out)}\n`);
  return 0;
}

/** The version of the JSON every command prints with --json (schema/crm-output.schema.json). */
export const OUTPUT_SCHEMA_VERSION = 1;

/** The top of every --json object: what ran, with which tool, as of which day. */
function jsonHead(args: Args): Record<string, unknown> {
  return { schemaVersion: OUTPUT_SCHEMA_VERSION, tool: `crm ${toolVersion()}`, command: args.command, asOf: args.day };
}

/**
 * A book's result, one way for every command: handed to the run of several books (`sink`), printed as the run's
 * JSON object (--json: the book's fields at the top level), or said in one line.
 */
function finish(args: Args, io: CliIO, book: Record<string, unknown>, line: () => string): void {
  if (args.sink) args.sink(book);
  else if (args.json) io.stdout(`${JSON.stringify({ ...jsonHead(args), file: args.stdin ? "-" : args.file, ...book }, null, 2)}\n`);
  else io.stdout(line());
}

/** apply's line: "✔ written out.xlsx: 400 customers · 12 errors · 4 warnings · report r.json". */
function appliedLine(lang: Lang, c: ReturnType<typeof paint>, out: string, result: PipelineResult, report?: string): string {
  const say = (zh: string, en: string) => (lang === "zh" ? zh : en);
  return `${c.green("✔")} ${say("已写入", "written")} ${c.bold(out)}: ${summaryWords(lang, c, result)}${report ? ` · ${say("报告", "report")} ${report}` : ""}\n`;
}

/** "400 customers · 12 errors · 4 warnings". */
function summaryWords(lang: Lang, c: ReturnType<typeof paint>, result: PipelineResult): string {
  const s = result.summary;
  return `${num(lang, s.rows)} ${noun(lang, s.rows, "位客户", "customer")} · ${c.red(num(lang, s.errors))} ${noun(lang, s.errors, "错误", "error")} · ${c.yellow(num(lang, s.warnings))} ${noun(lang, s.warnings, "警告", "warning")}`;
}

/** A book without a customers table: its findings (they say why), one line on stderr, exit 2, nothing written. */
function noCustomers(args: Args, input: string, lang: Lang, io: CliIO, result: PipelineResult): number {
  const book = { exitCode: 2, error: "no customers table found (a table with headers such as 客户名称); nothing was changed", summary: result.summary, findings: result.findings.map(findingOut) };
  if (args.sink || args.json) finish(args, io, book, () => "");
  else if (!args.brief) printFindings(io, paint(colourOn(io)), lang, result, args.all);
  const why = lang === "zh" ? "：没有找到客户表（需要带“客户名称”等表头的表格），未做任何修改" : ": no customers table found (a table with headers such as 客户名称); nothing was changed";
  io.stderr(`crm: ${safeText(input)}${why}\n`);
  return 2;
}

/** `{summary, findings}` written a thousand findings at a time: a million findings never become one string. */
function writeFindingsJson(io: CliIO, result: PipelineResult, head: Record<string, unknown>): void {
  const top = Object.entries(head).map(([k, v]) => `\n  ${JSON.stringify(k)}: ${JSON.stringify(v)},`).join("");
  io.stdout(`{${top}\n  "summary": ${JSON.stringify(result.summary)},\n  "findings": [`);
  // Pieces of 40 findings (about 25 KB): a piece of 1,000 was over 500 KB, which V8 allocates outside its young
  // generation, so the pieces piled up until a full collection (+590 MB at 650,000 findings).
  const fs = result.findings;
  for (let i = 0; i < fs.length; i += 40) {
    const part = fs.slice(i, i + 40).map((f) => `\n    ${JSON.stringify(findingOut(f))}`).join(",");
    io.stdout(i === 0 ? part : `,${part}`);
  }
  io.stdout(`${fs.length > 0 ? "\n  " : ""}]\n}\n`);
}

async function loadWithProgress(file: string, progress: Progress, say: (zh: string, en: string) => string): Promise<LoadedBook> {
  return xlsx().readBook(file, (read, total) => total > PROGRESS_BYTES && progress.show(say("读取", "reading"), read, total));
}

/**
 * The exceljs fallback's save. It rebuilds the whole book, so what it left out is measured on the file it wrote
 * (partsLost): over the user's own file (--in-place) such a write is refused before the rename, nothing
 * changed; a copy (--out) is kept with one line on stderr naming what it lacks.
 */
async function save(book: LoadedBook, input: string, out: string, inPlace: boolean, progress: Progress, say: (zh: string, en: string) => string, io: CliIO): Promise<void> {
  progress.step(say("保存", "saving"));
  let lost: ReturnType<typeof import("../xlsx").partsLost> = [];
  await xlsx().writeBookAtomic(book.workbook, out, (tmp) => {
    lost = xlsx().partsLost(input, tmp);
    const listZh = lost.map((d) => `${d.zh} ${d.count} 个`).join("、");
    const listEn = lost.map((d) => `${d.count} ${d.en}`).join(", ");
    if (lost.length > 0 && inPlace) {
      throw new BookError(input, `含有${listZh}，写回原文件会丢失它们；未做任何修改，请改用 --out 写入新文件`, `has ${listEn}, which would be lost by writing over it; nothing was changed, use --out to write a new file`);
    }
    if (inPlace) backup(out, say, io);
    if (lost.length > 0) io.stderr(`crm: ${say(`注意：输出文件不包含原工作簿中的${listZh}（原文件未改动）`, `note: the output does not include the input's ${listEn} (the input is unchanged)`)}\n`);
  });
}

/** Keeps a copy of the file about to be written over (--in-place). */
function backup(file: string, say: (zh: string, en: string) => string, io: CliIO): void {
  const name = backupName(file);
  copyFileSync(file, name);
  io.stderr(`${say("已备份原文件到", "backup of the input saved as")} ${name}\n`);
}

/**
 * `<name>.bak.xlsx`, or `.bak-2`, `.bak-3` … so an older backup is never overwritten; with the input's own
 * extension (`<name>.bak.xlsm`), which Excel needs to open the backup.
 */
export function backupName(file: string): string {
  const ext = extname(file) || ".xlsx";
  const stem = join(dirname(file), basename(file, ext));
  for (let n = 1; ; n++) {
    const name = `${stem}.bak${n === 1 ? "" : `-${n}`}${ext}`;
    if (!existsSync(name)) return name;
  }
}

async function writeJsonAtomic(file: string, data: Record<string, unknown>): Promise<void> {
  try {
    await xlsx().writeAtomic(file, (tmp) => writeJsonFile(tmp, data));
  } catch (e) {
    throw new BookError(file, `无法写入报告（${(e as NodeJS.ErrnoException).code ?? ""}）`, `cannot write the report (${(e as NodeJS.ErrnoException).code ?? ""})`);
  }
}

// ── report shapes (DOMAIN.md section 10) ──

function findingOut(f: Finding) {
  return { code: f.code, severity: f.severity, sheet: f.sheet, row: f.row, column: f.column, address: f.address, message: f.message, messageEn: f.messageEn, fix: f.fix, fixEn: f.fixEn };
}

function customerOut(x: CustomerResult) {
  return {
    id: safeText(x.id), name: safeText(x.name), sheet: x.sheet, row: x.row, stage: x.stage, stageRule: x.stageRule, stageReason: x.stageReason,
    missingFacts: x.missingFacts, coopStage: x.coopStage, score: x.score, scoreParts: x.scoreParts, tier: x.tier, valueTier: x.valueTier,
    closeness: x.closeness, tags: x.tags, riskLevel: x.riskLevel, grade: x.grade,
    rfm: x.rfm ? { r: x.rfm.r, f: x.rfm.f, m: x.rfm.m, recencyDays: x.rfm.recencyDays, frequency: x.rfm.frequency, monetary: x.rfm.monetary, segment: x.rfm.segment } : null,
    bgnbd: x.bgnbd,
    quadrant: x.quadrant, nextFollowUp: x.nextFollowUp, overdue: x.overdue, warnings: x.warnings,
    // Which cell decided each fact (DOMAIN.md section 1): `{annualPurchase: "客户分类表!D7", lastOrder: "订单!B12"}`.
    sources: x.sources,
  };
}

/** The --report object: each finding and each customer's results made only as it is written (json-pieces.ts). */
export function reportOf(result: PipelineResult) {
  return {
    asOf: result.asOf,
    summary: result.summary,
    // The churn and value models over the orders (DOMAIN.md section 8b): parameters, or the reason there are none.
    bgnbd: result.clv().bgnbd,
    gammaGamma: result.clv().gammaGamma,
    findings: new Items(result.findings.length, (i) => findingOut(result.findings[i])),
    customers: new Items(result.summary.rows, (i) => customerOut(result.customerAt(i))),
  };
}

const SEVERITY_LABEL: Record<Severity, { zh: string; en: string }> = { error: { zh: "错误", en: "Errors" }, warning: { zh: "警告", en: "Warnings" }, info: { zh: "提示", en: "Notes" } };
const PER_CODE = 10;

function printFindings(io: CliIO, c: ReturnType<typeof paint>, lang: Lang, result: PipelineResult, all: boolean): void {
  const say = (zh: string, en: string) => (lang === "zh" ? zh : en);
  const s = result.summary;
  const tables = result.tables.filter((t) => t.used);
  for (const t of tables) io.stdout(`${c.dim("·")} ${lang === "zh" ? TABLES[t.kind].labelZh : TABLES[t.kind].labelEn} ${c.dim(`${t.sheet}!${t.headerRow}`)} ${num(lang, t.rows)} ${noun(lang, t.rows, "行", "row")}\n`);
  io.stdout(
    `${say("客户", "Customers")} ${c.bold(num(lang, s.rows))} · ${c.red(`${num(lang, s.errors)} ${noun(lang, s.errors, "错误", "error")}`)} · ${c.yellow(`${num(lang, s.warnings)} ${noun(lang, s.warnings, "警告", "warning")}`)} · ${c.cyan(`${num(lang, s.infos)} ${noun(lang, s.infos, "提示", "note")}`)}\n`,
  );
  for (const sev of ["error", "warning", "info"] as Severity[]) {
    const fs = result.findings.filter((f) => f.severity === sev);
    if (fs.length === 0) continue;
    const colour = sev === "error" ? c.red : sev === "warning" ? c.yellow : c.cyan;
    io.stdout(`\n${colour(c.bold(`${SEVERITY_LABEL[sev][lang]} (${fs.length})`))}\n`);
    const byCode = new Map<string, Finding[]>();
    for (const f of fs) {
      // Pushed, not spread into a new array per finding: that was quadratic (160,000 findings of one code took minutes).
      const list = byCode.get(f.code);
      if (list) list.push(f);
      else byCode.set(f.code, [f]);
    }
    for (const [code, list] of byCode) {
      io.stdout(`  ${c.bold(code)} ${c.dim(`× ${list.length}`)}\n`);
      for (const f of all ? list : list.slice(0, PER_CODE)) {
        const msg = safeText(lang === "zh" ? f.message : f.messageEn);
        const fix = safeText(lang === "zh" ? f.fix : f.fixEn);
        io.stdout(`    ${colour(f.address || say("(工作簿)", "(workbook)"))}  ${msg}  ${c.dim(`→ ${fix}`)}\n`);
      }
      if (!all && list.length > PER_CODE) io.stdout(`    ${c.dim(say(`…另有 ${list.length - PER_CODE} 处（用 --all 或 --json 查看全部）`, `…and ${list.length - PER_CODE} more (--all or --json lists them)`))}\n`);
    }
  }
}
