// A workbook whose every text column holds full phone numbers and valid USCCs (统一社会信用代码), and a scanner
// that finds any of them, whole, in an output (issue 8, "Privacy and security"). The book is built so that as
// many findings as possible quote a secret (bad enums, bad dates, bad amounts, duplicate and unknown IDs, bad
// rules …), because a finding message that quotes a cell is where a number would slip out.
import { checkUscc, type CellValue, type WorkbookModel } from "../../src/core";

export const AS_OF = "2024-11-26";

/** Full phone numbers as users type them, and the digits that must never appear in a row in any output. */
export const PHONES = [
  { typed: "13812345678", digits: "13812345678" },
  { typed: "+86 139 8765 4321", digits: "13987654321" },
  { typed: "150-1122-3344", digits: "15011223344" },
  { typed: "１３７００００１１１１", digits: "13700001111" }, // full-width digits
  { typed: "010-12345678", digits: "01012345678" },
  { typed: "(0755)86013388", digits: "075586013388" },
] as const;

/** Check-digit-valid USCCs (the first is the brief's example; the others are published codes of real companies). */
export const USCCS = ["91350100M000100Y43", "91310110666007217T", "9144030071526726XG"] as const;

const [M1, M2, M3, M4, L1, L2] = PHONES.map((p) => p.typed);
const [U1, U2, U3] = USCCS;

/** A mobile number stored as a number cell (Excel drops the formatting). */
const MOBILE_NUMBER = 13812345678;

/** Every secret as it must never be seen: typed forms, digit runs and USCCs. */
export const NEEDLES: readonly string[] = [...new Set([...PHONES.flatMap((p) => [p.typed, p.digits]), ...USCCS])];

export function usccsAreValid(): boolean {
  return USCCS.every((u) => checkUscc(u).valid);
}

/**
 * The secrets found whole in `text`: as typed, as the same digits in a row (separators between digits and
 * full-width forms folded away first), and USCCs in any case. An empty list means the text is clean.
 */
export function leaksIn(text: string): string[] {
  const folded = text.normalize("NFKC");
  // "138 1234 5678", "138-1234-5678", "(0755)86013388" → the bare digits, so a number split by separators still counts.
  const digitsJoined = folded.replace(/(?<=\d)[\s\-()]+(?=\d)/g, "").replace(/[()]/g, "");
  const upper = folded.toUpperCase();
  const found = new Set<string>();
  for (const p of PHONES) {
    if (text.includes(p.typed) || folded.includes(p.digits) || digitsJoined.includes(p.digits)) found.add(p.digits);
  }
  for (const u of USCCS) if (upper.includes(u)) found.add(u);
  return [...found];
}

const CUSTOMER_HEADER = [
  "客户编号", "客户名称", "联系人", "联系方式", "行业", "企业规模", "统一社会信用代码", "客户来源", "首次触达时间", "当前周期阶段", "进入阶段时间",
  "客户状态标签", "负责人", "潜力等级(A/B/C)", "客户等级(A/B/C)", "年度采购总额(万元)", "合作起始时间", "满意度", "毛利率", "合同到期日", "流失原因",
  "终止合作日期", "最近下单时间", "下一步计划", "备注",
];

/**
 * The customers: secrets in the ID, name, contact, channel, industry, size, USCC, source, stage, dates, tags,
 * owner, grades, amounts, percentages, churn reason, next plan and notes. Rows 2 and 3 share an ID (a USCC),
 * row 4's ID is a mobile number; the rest are ordinary so the engine scores and reviews a population.
 */
function customers(): CellValue[][] {
  const rows: CellValue[][] = [
    [`CRM-${U1}`, `福州${U1}贸易有限公司`, `王经理 ${M1}`, L1, `制造 ${M2}`, `${U2}人`, U1, `转介绍 ${U2}`, "2024-01-10", M1, L2,
      U3, `张三 ${M3}`, U1, M2, `约${M1}`, "2022-03-01", L1, `${M4}%`, M3, `价格 ${M1}`, null, "2024-10-01", `回访 ${L2}`, `${U2} ${M2}`],
    [U2, `厦门${M1}科技`, `李总 ${M2}`, MOBILE_NUMBER, `零售 ${U3}`, "中型", U2, "展会", "2024-02-01", "成交客户", "2024-03-01",
      "意向", `李四 ${L1}`, "B", "A", 120, "2021-05-01", 4.6, "30%", "2025-06-30", null, null, "2024-11-01", `${U1}`, `${L2}`],
    [U2, `泉州${U3}`, `赵工 ${M3}`, `手机 ${M4}`, "制造", `${M1}`, U3, `官网 ${M1}`, "2024-02-15", "流失客户", "2024-06-01",
      "终止合作", `王五 ${U2}`, "C", "C", 30, "2020-01-01", 3, "20%", null, `竞品 ${U2}`, "2024-06-01", "2024-01-05", null, `座机 ${L1}`],
    [M3, `${L2}办事处`, `孙女士 ${L2}`, `微信同号 ${M2}`, `${L1}`, "小型", `${U3}`, null, "2024-03-01", "潜在客户", null,
      null, null, "A", null, null, null, null, null, null, null, null, null, null, M4],
  ];
  for (let i = 5; i <= 12; i++) {
    rows.push([`CRM${String(i).padStart(3, "0")}`, `普通客户${i}`, `联系人${i}`, `尾号${String(1000 + i)}`, i % 2 ? "制造" : "零售", "中型", null, "展会",
      "2024-01-05", "成交客户", "2024-02-01", null, i % 2 ? "张三" : "李四", "B", "B", 10 * i, "2022-01-01", 4, "25%", null, null, null, "2024-09-01", null, null]);
  }
  return [CUSTOMER_HEADER, ...rows];
}

export function privacyModel(): WorkbookModel {
  return {
    sheets: [
      { name: "客户", cells: customers() },
      {
        name: "订单",
        cells: [
          ["订单编号", "客户编号", "客户名称", "下单日期", "金额", "毛利"],
          [`SO-${M1}`, U2, null, "2024-11-01", 5000, 1000],
          ["SO-2", U3, null, "2024-10-01", `-${M1}`, null], // unknown customer, negative amount quoting a mobile
          ["SO-3", null, `${M2}有限公司`, M2, 100, null], // unknown name, bad date
          ["SO-4", "CRM005", null, "2024-09-01", `约${L1}元`, null], // bad amount
          ["SO-5", "CRM006", null, "2024-08-15", 3000, null],
        ],
      },
      {
        name: "维护记录",
        cells: [
          ["客户编号", "客户名称", "维护时间", "维护方式", "维护内容", "客户反馈", "负责人"],
          [null, `${U1}集团`, "2024-11-02 10:30", "电话沟通", `约定演示 ${M1}`, "积极", `张三 ${M2}`],
          ["CRM005", null, L1, "线下拜访", `报价 ${U2}`, U3, null],
          [M1, null, "2024-10-20 09:00", M2, "回访", "中性", null],
        ],
      },
      {
        name: "跟进任务",
        cells: [
          ["任务", "客户编号", "负责人", "创建时间", "截止时间", "状态", "流失原因"],
          [`回访 ${M1}`, U2, `李四 ${M2}`, "2024-10-01", "2024-10-15", L1, `价格 ${U3}`],
          [`续约 ${U1}`, `${U3}`, `王五 ${L2}`, "2024-09-01", M3, "进行中", `服务 ${M4}`],
        ],
      },
      {
        name: "关键节点",
        cells: [
          ["客户编号", "节点类型", "日期", "提前天数", "备注"],
          [U2, M1, "2025-01-01", 7, `提醒 ${L1}`],
          [`${U1}`, "续约", U2, `${M2}`, null],
        ],
      },
      {
        name: "执行计划表",
        cells: [
          ["任务名称", "策略关联", "执行负责人", "开始时间", "截止时间", "状态", "完成时间"],
          [`拜访 ${M1}`, `重点 ${U1}`, `张三 ${L1}`, "2024-10-01", "2024-10-31", "进行中", null],
          [`${U2}`, `${M2}`, `${M3}`, "2024-11-01", L2, M4, null],
        ],
      },
      {
        name: "CRM规则",
        cells: [
          ["参数", "值", "说明"],
          ["stage.churnDays", M1, `说明 ${U1}`],
          [U2, "5", null],
          [`tier.${M2}`, L1, null],
        ],
      },
    ],
  };
}
