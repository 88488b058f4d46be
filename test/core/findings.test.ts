// Findings whose texts are made when read (deferredFindings) must read exactly as the ones made whole (makeFinding):
// the same four texts, the same masking, the same JSON, whatever order their texts are read in.
import { deferredFindings, makeFinding } from "../../src/core/findings";

const place = (row: number) => ({ sheet: "客户", row, column: "当前周期阶段", address: `客户!J${row}` });
const varsOf = (i: number) => ({
  val: ["意向客户", "成交客户", "稳定客户"][i % 3],
  computed: "流失风险客户",
  computedEn: "At risk",
  // A reason quoting a full phone number: it must come out masked, as makeFinding masks it.
  reason: i === 2 ? "联系人电话 13812345678 无人接听" : `续约提醒未获回应(客户!P${i + 2})`,
  reasonEn: i === 2 ? "contact 13812345678 never answered" : `renewal reminder unanswered (客户!P${i + 2})`,
});

describe("deferredFindings", () => {
  test("each finding's texts and JSON are makeFinding's, read in any order, one finding after another", () => {
    const asked: number[] = [];
    const Stale = deferredFindings("STAGE_STALE", (i) => {
      asked.push(i);
      return varsOf(i);
    });
    const lazy = [0, 1, 2, 3].map((i) => new Stale(place(i + 2), i));
    const whole = [0, 1, 2, 3].map((i) => makeFinding("STAGE_STALE", place(i + 2), varsOf(i)));
    // Interleaved: texts of finding 1, then 0, then 1 again, then the rest.
    expect(lazy[1].messageEn).toBe(whole[1].messageEn);
    expect(lazy[0].fix).toBe(whole[0].fix);
    expect(lazy[1].message).toBe(whole[1].message);
    for (let i = 0; i < 4; i++) {
      const f = lazy[i];
      expect([f.code, f.severity, f.sheet, f.row, f.column, f.address]).toEqual([whole[i].code, whole[i].severity, whole[i].sheet, whole[i].row, whole[i].column, whole[i].address]);
      expect([f.message, f.messageEn, f.fix, f.fixEn]).toEqual([whole[i].message, whole[i].messageEn, whole[i].fix, whole[i].fixEn]);
      expect(JSON.parse(JSON.stringify(f))).toEqual(JSON.parse(JSON.stringify(whole[i])));
    }
    // Worked by hand: the template, and the phone masked in both languages.
    expect(lazy[2].message).toBe("记录阶段“稳定客户”与计算阶段“流失风险客户”不符(联系人电话 138****5678 无人接听)");
    expect(lazy[2].messageEn).toBe('Recorded stage "稳定客户" differs from the computed stage "At risk" (contact 138****5678 never answered)');
    // Four texts read in a row of one finding ask for its values once.
    asked.length = 0;
    const f = lazy[3];
    void [f.message, f.messageEn, f.fix, f.fixEn];
    expect(asked).toEqual([3]);
  });

  test("nothing of the texts is kept on the finding itself", () => {
    const Stale = deferredFindings("STAGE_STALE", varsOf);
    const f = new Stale(place(9), 0);
    // The address is its column's shared prefix and the row number, not a string of its own.
    expect(Object.keys(f).sort()).toEqual(["addressPrefix", "code", "column", "of", "row", "rowInAddress", "severity", "sheet"]);
    expect(f.address).toBe("客户!J9");
  });

  test("addresses read back whole: quoted sheet names, rows whose digits end the column part, and one not ending in its row", () => {
    const Stale = deferredFindings("STAGE_STALE", varsOf);
    const places = [
      { sheet: "客户 表", row: 11, column: "阶段", address: "'客户 表'!J11" },
      { sheet: "客户", row: 1, column: "阶段", address: "客户!AB1" },
      // Row 23 in column … whose address ends "123": prefix "客户!J1", read back the same.
      { sheet: "客户", row: 23, column: "阶段", address: "客户!J123" },
      { sheet: "客户", row: 1048576, column: "阶段", address: "客户!XFD1048576" },
      // Not one the product makes (the address of another row): kept as it is.
      { sheet: "客户", row: 5, column: "阶段", address: "客户!J7" },
    ];
    for (const p of places) {
      const f = new Stale(p, 0);
      expect(f.address).toBe(p.address);
      expect(JSON.parse(JSON.stringify(f)).address).toBe(p.address);
    }
  });
});
