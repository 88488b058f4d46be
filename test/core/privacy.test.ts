// USCC check characters (GB 32100-2015) and phone masking (src/core/privacy.ts), DOMAIN.md section 3.
import { checkUscc, hasFullPhone, maskPhones, maskUscc } from "../../src/core/privacy";

// Published codes of real companies (their check characters were also verified with a separate script:
// Σ value(cᵢ)·3ⁱ mod 31 over the first 17 characters, check = (31 − sum mod 31) mod 31).
const PUBLISHED = ["91310110666007217T", "91330100799655058B", "9144030071526726XG", "914403001922038216", "91110000802100433B", "91440300708461136T"];
const CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"; // 31 characters: no I, O, S, V, Z

describe("checkUscc", () => {
  test.each(PUBLISHED)("%s is valid", (code) => {
    expect(checkUscc(code)).toEqual({ valid: true });
  });

  test("lower case, spaces and full-width forms of a valid code are accepted", () => {
    expect(checkUscc("91310110666007217t").valid).toBe(true);
    expect(checkUscc(" 9131 0110 6660 0721 7T ").valid).toBe(true);
    expect(checkUscc("９１３１０１１０６６６００７２１７Ｔ").valid).toBe(true);
  });

  // Exhaustive: every weight 3ⁱ mod 31 is non-zero and 31 is prime, so any single substitution in the first 17
  // characters changes the sum mod 31; a changed 18th character no longer equals the check. 6 × 18 × 30 cases.
  test.each(PUBLISHED)("every one-character change of %s is invalid", (code) => {
    let tried = 0;
    for (let pos = 0; pos < 18; pos++) {
      for (const c of CHARSET) {
        if (c === code[pos]) continue;
        const mutated = code.slice(0, pos) + c + code.slice(pos + 1);
        const r = checkUscc(mutated);
        if (r.valid) throw new Error(`${mutated} (position ${pos + 1} → ${c}) was accepted`);
        expect(r.reasonEn).toMatch(/check character/);
        tried++;
      }
    }
    expect(tried).toBe(18 * 30);
  });

  test("wrong length is invalid with a reason", () => {
    const short = checkUscc("9131011066600721");
    expect(short.valid).toBe(false);
    if (!short.valid) {
      expect(short.reasonEn).toMatch(/18/);
      expect(short.reasonZh).toMatch(/18/);
    }
    expect(checkUscc("91310110666007217TX").valid).toBe(false);
    expect(checkUscc("").valid).toBe(false);
  });

  test.each(["I", "O", "S", "V", "Z"])("forbidden letter %s is invalid and named", (letter) => {
    const code = "91310110666007217T";
    const mutated = code.slice(0, 9) + letter + code.slice(10); // position 10
    const r = checkUscc(mutated);
    expect(r.valid).toBe(false);
    if (!r.valid) {
      expect(r.reasonEn).toContain(`character 10 "${letter}"`);
      expect(r.reasonZh).toContain(letter);
    }
  });
});

describe("maskUscc", () => {
  test("keeps the first 6 and last 2 characters", () => {
    // 18 characters: 6 kept + 10 stars + 2 kept
    expect(maskUscc("91310110666007217T")).toBe("913101**********7T");
    expect(maskUscc("9144030071526726XG")).toBe("914403**********XG");
  });
});

describe("phones", () => {
  test.each(["13812345678", "+86 138-1234-5678", "138 1234 5678", "021-12345678", "(0755)86013388", "联系人王经理13812345678", "手机:19912345678。"])(
    "%j holds a full phone number",
    (text) => {
      expect(hasFullPhone(text)).toBe(true);
    },
  );

  test.each(["138****5678", "尾号5678", "手机号:****5678", "2024-01-15", "CRM2024001", "138123456789", "12812345678", "", "王经理"])(
    "%j holds no full phone number",
    (text) => {
      expect(hasFullPhone(text)).toBe(false);
    },
  );

  test("maskPhones masks the middle four digits and counts", () => {
    expect(maskPhones("王经理 13812345678")).toEqual({ text: "王经理 138****5678", count: 1 });
    expect(maskPhones("王经理 13812345678,李总 15900001111")).toEqual({ text: "王经理 138****5678,李总 159****1111", count: 2 });
    expect(maskPhones("+86 138-1234-5678")).toEqual({ text: "138****5678", count: 1 });
  });

  test("maskPhones masks landlines keeping the area code and the last four", () => {
    const r = maskPhones("总机 021-12345678");
    expect(r.count).toBe(1);
    expect(r.text).toBe("总机 021-****5678");
    expect(hasFullPhone(r.text)).toBe(false);
  });

  test("text without a full number is returned unchanged", () => {
    for (const s of ["尾号5678", "138****5678", "CRM2024001"]) expect(maskPhones(s)).toEqual({ text: s, count: 0 });
  });

  test("masking is idempotent and leaves no full number", () => {
    const once = maskPhones("13812345678 / (0755)86013388 / +8615900001111").text;
    expect(hasFullPhone(once)).toBe(false);
    expect(maskPhones(once)).toEqual({ text: once, count: 0 });
  });
});
