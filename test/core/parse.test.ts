// Cell parsing (src/core/parse.ts) and calendar arithmetic (src/core/dates.ts), DOMAIN.md section 2.
// Expected days are computed with the JS built-in Date.UTC (independent of the engine), expected serials
// are Excel's published ones (45306 = 2024-01-15 in the 1900 system; the 1904 system is 1462 days behind).
import fc from "fast-check";
import {
  quickDays,
  parseDate,
  parseDateTime,
  parseMoney,
  parsePercent,
  parseNumber,
  parseYears,
  parseEnum,
  parseText,
  type Parsed,
} from "../../src/core/parse";
import { addMonths, dayFromSerial, formatDay, serialFromDay, toDay } from "../../src/core/dates";
import { ENUM_LOOKUPS } from "../../src/core/labels";
import type { CellValue } from "../../src/core/types";

/** Reference day number: days since 1970-01-01 by the JS built-in (not the engine). */
const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;

const problemOf = (p: Parsed<unknown>) => (p.ok ? "ok" : p.blank ? "blank" : p.problem);
const valueOf = <T>(p: Parsed<T>): T => {
  if (!p.ok) throw new Error(`expected a value, got ${JSON.stringify(p)}`);
  return p.value;
};

describe("dates: Excel serials", () => {
  test("1900 system: published anchors", () => {
    // 2024-01-15 is serial 45306 in Excel; day 19737 = 54·365 + 13 leap days + 14.
    expect(day(2024, 1, 15)).toBe(19737);
    expect(valueOf(parseDate(45306))).toBe(day(2024, 1, 15));
    expect(valueOf(parseDate(1))).toBe(day(1900, 1, 1));
    expect(valueOf(parseDate(59))).toBe(day(1900, 2, 28));
    expect(valueOf(parseDate(61))).toBe(day(1900, 3, 1));
    // Serial 2958465 is Excel's last day, 9999-12-31.
    expect(valueOf(parseDate(2958465))).toBe(day(9999, 12, 31));
  });

  test("serial 60 (Excel's phantom 1900-02-29) does not produce a non-existent day", () => {
    // 1900 is not a leap year (divisible by 100, not by 400). dates.ts documents its decision: read as Mar 1.
    const d = valueOf(parseDate(60));
    expect(d).toBe(day(1900, 3, 1));
    expect(formatDay(d)).toBe("1900-03-01");
  });

  test("serials out of Excel's calendar are BAD_DATE", () => {
    expect(problemOf(parseDate(0))).toBe("BAD_DATE"); // 1900-01-00
    expect(problemOf(parseDate(-5))).toBe("BAD_DATE");
    expect(problemOf(parseDate(2958466))).toBe("BAD_DATE");
    expect(problemOf(parseDate(NaN))).toBe("BAD_DATE");
    expect(problemOf(parseDate(Infinity))).toBe("BAD_DATE");
  });

  // 45306 − 1462 = 43844 (the brief's "43841" is an arithmetic slip). Check: 1904-01-01 is day −24107
  // (66 years × 365 + 17 leap days, 1904…1968), and 19737 + 24107 = 43844.
  test("1904 system: 43844 = 45306 − 1462 = 2024-01-15", () => {
    expect(valueOf(parseDate(43844, true))).toBe(day(2024, 1, 15));
    expect(day(1904, 1, 1)).toBe(-24107);
    expect(valueOf(parseDate(1, true))).toBe(day(1904, 1, 2));
    expect(dayFromSerial(0, true)).toBe(day(1904, 1, 1));
    expect(serialFromDay(day(2024, 1, 15), true)).toBe(43844);
  });

  // In the 1904 system serial 0 is a real date, 1904-01-01 (in the 1900 system it is not a date).
  test("1904 system: serial 0 parses as 1904-01-01", () => {
    expect(valueOf(parseDate(0, true))).toBe(day(1904, 1, 1));
  });

  // 9999-12-31 is serial 2958465 in the 1900 system and 2958465 − 1462 = 2957003 in the 1904 system.
  test("1904 system: serials past 9999-12-31 (2957003) are BAD_DATE", () => {
    expect(valueOf(parseDate(2957003, true))).toBe(day(9999, 12, 31));
    expect(problemOf(parseDate(2958465, true))).toBe("BAD_DATE");
  });

  test("a time fraction gives minutes past midnight", () => {
    // 0.6041666 × 1440 = 869.9999 → 870 min = 14:30
    expect(valueOf(parseDateTime(45306.6041666))).toEqual({ day: day(2024, 1, 15), minutes: 14 * 60 + 30 });
    // 0.5 = noon
    expect(valueOf(parseDateTime(45306.5))).toEqual({ day: day(2024, 1, 15), minutes: 720 });
    expect(valueOf(parseDateTime(45306))).toEqual({ day: day(2024, 1, 15), minutes: null });
    expect(valueOf(parseDate(45306.6041666))).toBe(day(2024, 1, 15));
  });

  test("serialFromDay / dayFromSerial at the 1900 anchors", () => {
    expect(serialFromDay(day(2024, 1, 15))).toBe(45306);
    expect(serialFromDay(day(1900, 3, 1))).toBe(61);
    expect(serialFromDay(day(1900, 2, 28))).toBe(59);
    expect(serialFromDay(day(1900, 1, 1))).toBe(1);
    expect(dayFromSerial(45306)).toBe(day(2024, 1, 15));
  });
});

describe("dates: JS Date objects and text", () => {
  test("JS dates use their UTC fields", () => {
    expect(valueOf(parseDateTime(new Date(Date.UTC(2024, 0, 15))))).toEqual({ day: day(2024, 1, 15), minutes: null });
    expect(valueOf(parseDateTime(new Date(Date.UTC(2024, 0, 15, 14, 30))))).toEqual({ day: day(2024, 1, 15), minutes: 870 });
    expect(valueOf(parseDate(new Date(Date.UTC(2024, 0, 15, 23, 59))))).toBe(day(2024, 1, 15));
    expect(problemOf(parseDate(new Date(NaN)))).toBe("BAD_DATE");
  });

  test.each([
    ["2024-01-15"],
    ["2024/1/15"],
    ["2024.1.15"],
    ["2024年1月15日"],
    ["  2024-01-15  "],
    ["２０２４－０１－１５"], // full-width digits and dash
    ["2024 年 1 月 15 日"],
  ])("%j → 2024-01-15", (text) => {
    expect(valueOf(parseDateTime(text))).toEqual({ day: day(2024, 1, 15), minutes: null });
  });

  test.each([
    ["2024-01-15 14:30", 870],
    ["2024/1/15 9:05", 545],
    ["2024年1月15日14:30", 870],
    ["2024-01-15T14:30:00", 870],
  ])("%j carries the time (%d minutes)", (text, minutes) => {
    expect(valueOf(parseDateTime(text))).toEqual({ day: day(2024, 1, 15), minutes });
  });

  test.each([
    ["2024-02-30"], // February has 29 days in 2024
    ["2023-02-29"], // 2023 is not a leap year
    ["2024年13月1日"],
    ["2024-00-10"],
    ["next week"],
    ["15/01/2024"], // day-first is ambiguous: refused
    ["2024-01-15 25:00"],
    ["2024-01-15 14:60"],
    ["2024"],
    [true],
  ])("%j is BAD_DATE", (v) => {
    expect(problemOf(parseDate(v as CellValue))).toBe("BAD_DATE");
  });

  test("leap days that exist parse", () => {
    expect(valueOf(parseDate("2024-02-29"))).toBe(day(2024, 2, 29));
    expect(valueOf(parseDate("2000-02-29"))).toBe(day(2000, 2, 29)); // divisible by 400
    expect(problemOf(parseDate("1900-02-29"))).toBe("BAD_DATE"); // divisible by 100, not 400
  });
});

describe("money", () => {
  test.each([
    [12000, 12000],
    ["12,000", 12000],
    ["1.2万", 12000],
    ["¥12000", 12000],
    ["￥12,000.50", 12000.5],
    ["12000元", 12000],
    ["１２０００", 12000], // full-width digits
    ["0", 0],
  ])("%j → %d yuan", (v, expected) => {
    expect(valueOf(parseMoney(v))).toBe(expected);
  });

  test("a (万元) column scales plain numbers only", () => {
    expect(valueOf(parseMoney(120, 10000))).toBe(1_200_000); // 120 万元 = 1,200,000 元
    expect(valueOf(parseMoney("120", 10000))).toBe(1_200_000);
    expect(valueOf(parseMoney("12000元", 10000))).toBe(12000); // names its own unit
    expect(valueOf(parseMoney("1.2万", 10000))).toBe(12000);
  });

  test("negative and unreadable amounts", () => {
    expect(problemOf(parseMoney(-5))).toBe("NEGATIVE_AMOUNT");
    expect(problemOf(parseMoney("-1,000"))).toBe("NEGATIVE_AMOUNT");
    expect(problemOf(parseMoney("abc"))).toBe("BAD_AMOUNT");
    expect(problemOf(parseMoney("12,00"))).toBe("BAD_AMOUNT"); // not a thousands grouping
    expect(problemOf(parseMoney(NaN))).toBe("BAD_AMOUNT");
    expect(problemOf(parseMoney(true))).toBe("BAD_AMOUNT");
  });
});

describe("percent, numbers, years", () => {
  test.each([
    ["35%", 0.35],
    [0.35, 0.35],
    [35, 0.35], // a bare number above 1 is percent points
    ["35", 0.35],
    ["３５％", 0.35],
    [0, 0],
    ["100%", 1],
  ])("%j → %d", (v, expected) => {
    expect(valueOf(parsePercent(v))).toBeCloseTo(expected, 12);
  });

  test("in a (%) column every bare number is percent points", () => {
    expect(valueOf(parsePercent(0.5, { percentColumn: true }))).toBeCloseTo(0.005, 12);
    expect(valueOf(parsePercent(35, { percentColumn: true }))).toBeCloseTo(0.35, 12);
    expect(valueOf(parsePercent("35%", { percentColumn: true }))).toBeCloseTo(0.35, 12); // explicit % not divided twice
  });

  test("out of range and unreadable percents", () => {
    expect(problemOf(parsePercent("150%"))).toBe("OUT_OF_RANGE");
    expect(problemOf(parsePercent(150))).toBe("OUT_OF_RANGE");
    expect(problemOf(parsePercent("-5%"))).toBe("OUT_OF_RANGE");
    expect(problemOf(parsePercent("about half"))).toBe("BAD_AMOUNT");
  });

  test("numbers", () => {
    expect(valueOf(parseNumber("1,200"))).toBe(1200);
    expect(valueOf(parseNumber("3次"))).toBe(3);
    expect(valueOf(parseNumber("4.5分"))).toBe(4.5);
    expect(problemOf(parseNumber(6, { min: 0, max: 5 }))).toBe("OUT_OF_RANGE");
    expect(problemOf(parseNumber(2.5, { integer: true }))).toBe("BAD_AMOUNT");
    expect(problemOf(parseNumber("three"))).toBe("BAD_AMOUNT");
  });

  test.each([
    ["3年", 3],
    ["18个月", 1.5], // 18 / 12
    ["2年6个月", 2.5], // 2 + 6/12
    ["3", 3],
    [4, 4],
    ["1.5 years", 1.5],
  ])("parseYears(%j) = %d", (v, expected) => {
    expect(valueOf(parseYears(v))).toBeCloseTo(expected, 12);
  });

  test("parseYears refuses negatives and words", () => {
    expect(problemOf(parseYears(-1))).toBe("OUT_OF_RANGE");
    expect(problemOf(parseYears("long time"))).toBe("BAD_AMOUNT");
  });
});

describe("enumerations", () => {
  const stage = ENUM_LOOKUPS.stage;
  test.each([
    ["潜在", "prospect"],
    ["潜在客户", "prospect"],
    ["流失预警客户", "atRisk"],
    ["At Risk", "atRisk"],
    ["at-risk", "atRisk"],
    ["churned", "churned"],
    ["成交客户", "won"],
    [" 稳定客户 ", "stable"],
  ])("stage %j → %s", (v, expected) => {
    expect(valueOf(parseEnum(v, stage))).toBe(expected);
  });

  test("unknown spellings are BAD_ENUM", () => {
    expect(problemOf(parseEnum("maybe", stage))).toBe("BAD_ENUM");
    expect(problemOf(parseEnum("潜在的", stage))).toBe("BAD_ENUM");
    expect(problemOf(parseEnum(3, stage))).toBe("BAD_ENUM");
  });

  test("other enumerations", () => {
    expect(valueOf(parseEnum("积极", ENUM_LOOKUPS.feedback))).toBe("positive");
    expect(valueOf(parseEnum("b", ENUM_LOOKUPS.grade))).toBe("B");
    expect(valueOf(parseEnum("进行中", ENUM_LOOKUPS.taskStatus))).toBe("inProgress");
  });
});

describe("blanks and cell errors, for every parser", () => {
  const parsers: [string, (v: CellValue) => Parsed<unknown>][] = [
    ["parseDate", (v) => parseDate(v)],
    ["parseDateTime", (v) => parseDateTime(v)],
    ["parseMoney", (v) => parseMoney(v)],
    ["parsePercent", (v) => parsePercent(v)],
    ["parseNumber", (v) => parseNumber(v)],
    ["parseYears", (v) => parseYears(v)],
    ["parseEnum", (v) => parseEnum(v, ENUM_LOOKUPS.stage)],
    ["parseText", (v) => parseText(v)],
  ];

  test.each(parsers)("%s: #N/A and #DIV/0! are CELL_ERROR", (_name, parse) => {
    expect(problemOf(parse({ error: "#N/A" }))).toBe("CELL_ERROR");
    expect(problemOf(parse({ error: "#DIV/0!" }))).toBe("CELL_ERROR");
  });

  test.each(parsers)("%s: '', spaces, full-width space, null, undefined are blank", (_name, parse) => {
    for (const v of ["", "   ", "\u3000", " \u3000\t", null, undefined]) expect(problemOf(parse(v))).toBe("blank");
  });

  test("parseText folds full-width and collapses white space", () => {
    expect(valueOf(parseText("  ＡＢＣ\u3000 公司 "))).toBe("ABC 公司");
  });
});

describe("dates.ts arithmetic", () => {
  test("addMonths clamps to the month's last day", () => {
    expect(addMonths(day(2024, 3, 31), -1)).toBe(day(2024, 2, 29)); // leap year
    expect(addMonths(day(2023, 3, 31), -1)).toBe(day(2023, 2, 28));
    expect(addMonths(day(2024, 1, 31), 1)).toBe(day(2024, 2, 29));
    expect(addMonths(day(2024, 11, 15), 3)).toBe(day(2025, 2, 15)); // across a year
    expect(addMonths(day(2024, 1, 15), -13)).toBe(day(2022, 12, 15));
  });

  test("formatDay / toDay round trip", () => {
    expect(toDay("2024-01-15")).toBe(19737);
    expect(formatDay(19737)).toBe("2024-01-15");
    expect(formatDay(0)).toBe("1970-01-01");
    expect(formatDay(toDay("1999-12-31"))).toBe("1999-12-31");
    expect(toDay("2024-1-5")).toBe(day(2024, 1, 5));
    expect(formatDay(null)).toBe("");
  });

  test("toDay refuses dates that do not exist", () => {
    expect(() => toDay("2024-13-01")).toThrow(RangeError);
    expect(() => toDay("2023-02-29")).toThrow(RangeError);
    expect(() => toDay("15/01/2024")).toThrow(RangeError);
  });
});

describe("properties", () => {
  const anyCell: fc.Arbitrary<CellValue> = fc.oneof(
    fc.string(),
    fc.string({ unit: "grapheme" }),
    fc.string({ unit: "binary" }),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: false }),
    fc.record({ error: fc.string() }),
    // strings that look nearly like values, to reach deeper into the regular expressions
    fc.stringMatching(/^[0-9０-９.,年月日:\-/ %万元¥]{0,20}$/),
  );

  test("no parser throws for any cell value", () => {
    fc.assert(
      fc.property(anyCell, fc.boolean(), (v, flag) => {
        parseDate(v, flag);
        parseDateTime(v, flag);
        parseMoney(v, flag ? 10000 : 1);
        parsePercent(v, { percentColumn: flag });
        parseNumber(v, { integer: flag, min: 0, max: 100 });
        parseYears(v);
        parseEnum(v, ENUM_LOOKUPS.stage);
        parseText(v);
      }),
      { numRuns: 5000 },
    );
  });

  test("every parser returns a well-formed outcome", () => {
    fc.assert(
      fc.property(anyCell, (v) => {
        for (const p of [parseDate(v), parseMoney(v), parsePercent(v), parseNumber(v), parseYears(v), parseEnum(v, ENUM_LOOKUPS.stage), parseText(v)] as Parsed<unknown>[]) {
          if (p.ok) expect(p.value).not.toBeUndefined();
          else if (!p.blank) expect(typeof p.raw).toBe("string");
        }
      }),
      { numRuns: 2000 },
    );
  });

  const ymd = fc
    .record({ y: fc.integer({ min: 1900, max: 9999 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
    .filter(({ y, m, d }) => new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d); // only days that exist

  test("y-m-d and y年m月d日 parse to the same day, and formatDay gives the zero-padded ISO form", () => {
    fc.assert(
      fc.property(ymd, ({ y, m, d }) => {
        const a = valueOf(parseDate(`${y}-${m}-${d}`));
        const b = valueOf(parseDate(`${y}年${m}月${d}日`));
        expect(a).toBe(day(y, m, d));
        expect(b).toBe(a);
        const iso = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
        expect(formatDay(a)).toBe(iso);
        expect(toDay(iso)).toBe(a);
      }),
      { numRuns: 2000 },
    );
  });

  test("serialFromDay / dayFromSerial round trip from 1900-03-01 on, in both systems", () => {
    fc.assert(
      fc.property(fc.integer({ min: day(1900, 3, 1), max: day(9999, 12, 31) }), (d) => {
        const s = serialFromDay(d);
        // 1900 system from Mar 1 1900: serial = day + 25569 (45306 − 19737)
        expect(s).toBe(d + 25569);
        expect(dayFromSerial(s)).toBe(d);
        expect(valueOf(parseDate(s))).toBe(d);
        if (d >= day(1904, 1, 2)) {
          expect(dayFromSerial(serialFromDay(d, true), true)).toBe(d);
          expect(serialFromDay(d, true)).toBe(s - 1462);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("quickDays: the allocation-free path gives exactly what parseDateTime gives", () => {
  const viaParser = (v: number | Date, date1904: boolean, withTime: boolean) => {
    const p = parseDateTime(v, date1904);
    if (!p.ok) return NaN;
    return withTime ? p.value.day + (p.value.minutes ?? 0) / 1440 : p.value.day;
  };
  test("serial numbers (any, including out of range and fractions) and Dates, both date systems", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: -10, max: 3_000_000, noNaN: true }), fc.integer({ min: -5, max: 2_958_470 }), fc.date({ min: new Date(Date.UTC(1800, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)) })),
        fc.boolean(),
        fc.boolean(),
        (v, date1904, withTime) => {
          const quick = quickDays(v, date1904, withTime);
          const slow = viaParser(v, date1904, withTime);
          return Number.isNaN(quick) ? Number.isNaN(slow) : quick === slow;
        },
      ),
      { numRuns: 5_000 },
    );
  });
  test("text, blanks and errors are left to the parser", () => {
    for (const v of ["2024-01-15", "", null, { error: "#N/A" }, true]) expect(quickDays(v as never, false, false)).toBeNaN();
  });
});
