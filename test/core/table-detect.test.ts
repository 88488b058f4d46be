// Which header row is a customers table (DOMAIN.md section 1, "Which range is a customers table"): an id or name
// column plus a customer-only column, or the template's own 客户编号 / 客户名称; a generic `Id | Name` pair is any
// list of things; the columns of a detail kind make a detail table, never the customers table.
import fc from "fast-check";
import { classifyHeader, findTables, isOwnedHeader, runPipeline, type CellValue } from "../../src/core";

const kindOf = (header: CellValue[]) => classifyHeader(header)?.kind ?? null;

describe("a generic id + name pair is not a customers table", () => {
  test.each([
    [["Id", "Name", "Value", "Date"]],
    [["ID", "Name"]],
    [["id", "name", "value"]],
    [["Id", "Name", "Contact", "Owner", "Notes"]], // columns any list of people has, none customer-only
    [["编号", "名称", "数量"]],
    [["Company", "Contact"]],
  ])("%j", (header) => {
    expect(kindOf(header)).not.toBe("customers");
  });

  test("a sheet of test data (another program's fixture) holds no customers table, and the pass says so", () => {
    const cells: CellValue[][] = [["Id", "Name", "Value", "Date"], [1, "alpha", 10.5, 45292], [2, "beta", 20, 45293]];
    expect(findTables({ name: "Data", cells }).filter((t) => t.kind === "customers")).toEqual([]);
    const res = runPipeline({ sheets: [{ name: "Data", cells }] }, "2024-07-01");
    expect(res.tables.some((t) => t.kind === "customers")).toBe(false);
    expect(res.findings.map((f) => f.code)).toContain("TABLE_MISSING");
  });
});

describe("customers tables are still found", () => {
  test.each([
    // English CRM headers: customer-only columns (industry, phone) beside the identity.
    [["Customer ID", "Customer Name", "Industry", "Contact", "Phone"]],
    // A generic identity is enough with one customer-only column.
    [["Id", "Name", "Industry"]],
    [["ID", "Name", "First contact", "Stage"]],
    // The template's own identity headers: a bare 客户编号 + 客户名称 list, or with the contact.
    [["客户编号", "客户名称"]],
    [["客户名称", "联系人"]],
    [["Customer ID", "Customer Name"]],
    // The 分类表 and 周期表 as the templates write them.
    [["客户名称", "行业属性", "年度采购总额(万元)", "合作起始时间", "客户价值层级", "关系紧密度", "核心标签"]],
    [["客户编号", "客户名称(*公司/个人)", "联系人", "联系方式", "首次触达时间", "当前周期阶段", "进入阶段时间", "关键节点记录", "客户状态标签", "负责人"]],
    // Columns the customers table shares with a detail kind (互动内容, 流失原因, 备注) never make it a detail table.
    [["客户编号", "客户名称", "联系人", "互动内容", "流失原因", "备注"]],
  ])("%j", (header) => {
    expect(kindOf(header)).toBe("customers");
  });
});

describe("the columns of a detail kind make a detail table, never the customers table", () => {
  test.each([
    // 维护方式 + 维护内容 with a time column the aliases do not know (拜访日): not customers, though 行业 is there.
    [["客户名称", "行业", "维护方式", "维护内容", "拜访日"]],
    // 下单日期 + 金额 beside customer columns, the customer named as the orders table does not name it.
    [["公司名称", "所属行业", "下单日期", "金额"]],
    // 任务 + 截止时间, likewise.
    [["公司名称", "客户等级", "任务", "截止时间"]],
  ])("%j", (header) => {
    expect(kindOf(header)).not.toBe("customers");
  });

  test("a 维护记录 table keeps being read as interactions", () => {
    expect(kindOf(["客户编号", "维护时间", "维护方式", "维护内容", "客户反馈"])).toBe("interactions");
    expect(kindOf(["客户名称", "下单日期", "金额(元)"])).toBe("orders");
  });
});

describe("isOwnedHeader: the product's ◆ columns", () => {
  // Every character JavaScript's trimStart removes, and a few that look alike but are not white space.
  const SPACES = [" ", "\t", "\n", "\r", "\v", "\f", "\u00a0", "\u1680", "\u2000", "\u2005", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"];
  const OTHERS = ["a", "客", "◇", "\u200b", "\u0085", "◆"];
  test("its quick first-character check agrees with the definition (the mark after any white space)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...SPACES, ...OTHERS), { maxLength: 5 }), (chars) => {
        const s = chars.join("");
        expect(isOwnedHeader(s)).toBe(s.trimStart().startsWith("◆"));
      }),
      { numRuns: 2000 },
    );
    expect(isOwnedHeader("\u3000◆阶段")).toBe(true);
    expect(isOwnedHeader("\u200b◆阶段")).toBe(false);
    expect(isOwnedHeader(42)).toBe(false);
  });
});
