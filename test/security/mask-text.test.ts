// maskText / maskUsccs (src/core/privacy.ts): what every report, log, error and finding message passes its user
// text through (issue 8). Phones as maskPhones masks them; a USCC standing on its own (a run of exactly 18 letters
// and digits with a valid GB 32100-2015 check character) as maskUscc masks it; everything else as typed.
import { checkUscc, makeFinding, maskText, maskUsccs, safeText } from "../../src/core";

const VALID = ["91350100M000100Y43", "91310110666007217T", "9144030071526726XG", "914403001922038216"];

describe("maskUsccs", () => {
  test("a valid USCC alone, inside Chinese text, in lower case or full-width is masked like maskUscc", () => {
    for (const u of VALID) expect(checkUscc(u).valid).toBe(true);
    expect(maskUsccs("91350100M000100Y43")).toEqual({ text: "913501**********43", count: 1 });
    expect(maskUsccs("福州91350100M000100Y43贸易有限公司").text).toBe("福州913501**********43贸易有限公司");
    expect(maskUsccs("代码:91310110666007217t;").text).toBe("代码:913101**********7T;");
    expect(maskUsccs("９１３１０１１０６６６００７２１７Ｔ").text).toBe("913101**********7T");
    expect(maskUsccs(`${VALID[0]} ${VALID[1]}`)).toEqual({ text: "913501**********43 913101**********7T", count: 2 });
  });

  test("anything that is not a whole, valid USCC is left alone", () => {
    const keep = [
      "91350100M000100Y44", // wrong check character
      "X91350100M000100Y43", // 19 characters in the run
      "91350100M000100Y4", // 17
      "CRM2024001",
      "订单号 123456789012345679", // 18 digits failing the check
      "",
    ];
    expect(checkUscc("123456789012345679").valid).toBe(false);
    for (const s of keep) expect(maskUsccs(s)).toEqual({ text: s, count: 0 });
    // (An 18-digit number that does pass the check, 1 in 31 of them, is masked: it may be a USCC.)
    expect(checkUscc("123456789012345678").valid).toBe(true);
  });

  test("masking is idempotent", () => {
    const once = maskText(`王经理 13812345678 / ${VALID[2]} / 010-12345678`);
    expect(once).toBe("王经理 138****5678 / 914403**********XG / 010-****5678");
    expect(maskText(once)).toBe(once);
  });
});

describe("safeText and findings use it", () => {
  test("safeText masks phones and USCCs", () => {
    expect(safeText(`客户 ${VALID[0]} 电话 +86 139 8765 4321`)).toBe("客户 913501**********43 电话 139****4321");
  });

  test("a finding's message, English message and fix quote masked values; numbers too", () => {
    const place = { sheet: "客户", row: 3, column: "客户编号", address: "客户!A3" };
    const dup = makeFinding("DUPLICATE_ID", place, { val: VALID[1], first: 2 });
    expect(dup.message).toBe("客户编号“913101**********7T”重复,第2行已使用");
    expect(dup.messageEn).toContain('"913101**********7T"');
    const neg = makeFinding("NEGATIVE_AMOUNT", place, { val: -13812345678 });
    expect(neg.message).toBe("金额“-138****5678”为负数");
    const plain = makeFinding("BAD_DATE", place, { val: "2024-13-01" });
    expect(plain.message).toBe("“2024-13-01”不是可识别的日期");
  });

  test("cheap enough for a million findings: short and ordinary texts cost next to nothing", () => {
    const texts = ["潜在", "2024-13-01", "约2万", "CRM2024001", "客户名称很长的一家公司有限责任公司", "王经理 尾号5678"];
    const t0 = process.hrtime.bigint();
    let n = 0;
    for (let i = 0; i < 200_000; i++) n += maskText(texts[i % texts.length]).length;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(n).toBeGreaterThan(0);
    // Measured ~0.1 µs–1 µs each; the bound only catches an accidental blow-up.
    expect(ms).toBeLessThan(2_000);
  });
});
