import { hasFullPhone, maskPhones as maskPhonesCounted } from "../../src/core/privacy";

const maskPhones = (s: string) => maskPhonesCounted(s).text;
import { maskPhone } from "../../src/functions/functions";

describe("maskPhones", () => {
  test.each([
    ["13812345678", "138****5678"],
    ["+86 138-1234-5678", "138****5678"],
    ["+8613812345678", "138****5678"],
    ["138 1234 5678", "138****5678"],
    ["19912345678", "199****5678"],
    ["联系人张伟 13812345678，微信同号", "联系人张伟 138****5678，微信同号"],
    ["13812345678/15900001111", "138****5678/159****1111"],
  ])("masks %j as %j", (input, expected) => {
    expect(maskPhones(input)).toBe(expected);
  });

  test.each([
    ["already masked", "138****5678"],
    ["a masked tail", "手机号:****5678 / 尾号5678"],
    ["a number starting 12 (not a mobile prefix)", "12812345678"],
    ["ten digits", "1381234567"],
    ["inside a longer digit run", "订单号 9913812345678"],
    ["twelve digits", "138123456789"],
    ["an 18-character USCC", "91310000138123456X"],
    ["plain text", "客户名称"],
    ["empty", ""],
  ])("leaves %s unchanged", (_what, input) => {
    expect(maskPhones(input)).toBe(input);
  });

  test.each([
    ["021-12345678", "021-****5678"],
    ["(010) 8765 4321", "010-****4321"],
  ])("masks the landline %j as %j", (input, expected) => {
    expect(maskPhones(input)).toBe(expected);
  });

  test("hasFullPhone detects full numbers only, repeatedly (no sticky regex state)", () => {
    expect(hasFullPhone("13812345678")).toBe(true);
    expect(hasFullPhone("13812345678")).toBe(true);
    expect(hasFullPhone("138****5678")).toBe(false);
  });
});
