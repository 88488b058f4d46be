// Calendar arithmetic on whole days since 1970-01-01 (the workbook's own frame, no time zones).
import type { Day } from "./types";

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a proleptic Gregorian date; NaN when the date does not exist (2024-02-30). */
export function dayFromYmd(year: number, month: number, day: number): Day {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return NaN;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

export function ymdFromDay(d: Day): { year: number; month: number; day: number } {
  const dt = new Date(d * MS_PER_DAY);
  return { year: dt.getUTCFullYear(), month: dt.getUTCMonth() + 1, day: dt.getUTCDate() };
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** `YYYY-MM-DD`. */
export function formatDay(d: Day | null | undefined): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return "";
  const { year, month, day } = ymdFromDay(Math.floor(d));
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Parses the as-of date the faces pass in: `YYYY-MM-DD`, a Day number, or a JS Date (its UTC calendar day). */
export function toDay(asOf: string | number | Date): Day {
  if (typeof asOf === "number") return Math.floor(asOf);
  if (asOf instanceof Date) return Math.floor(asOf.getTime() / MS_PER_DAY);
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(asOf.trim());
  const d = m ? dayFromYmd(+m[1], +m[2], +m[3]) : NaN;
  if (!Number.isFinite(d)) throw new RangeError(`as-of date must be YYYY-MM-DD, got "${asOf}"`);
  return d;
}

/** The same day-of-month `months` later (negative: earlier), clamped to the month's last day (Mar 31 − 1 month = Feb 29/28). */
export function addMonths(d: Day, months: number): Day {
  const { year, month, day } = ymdFromDay(d);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = (total % 12 + 12) % 12 + 1;
  return dayFromYmd(y, m, Math.min(day, daysInMonth(y, m)));
}

/** Excel serial → Day. 1900 system: serial 1 = 1900-01-01 and Excel's phantom 1900-02-29 (serial 60) is kept as Mar 1.
 *  1904 system: serial 0 = 1904-01-01. The fraction is the time of day. */
export function dayFromSerial(serial: number, date1904 = false): Day {
  const whole = Math.floor(serial);
  if (date1904) return whole - 24_107;
  // Serials ≥ 61 are offset by Excel's fictitious 1900-02-29; below it the 1900 epoch is 1899-12-31.
  return whole >= 61 ? whole - 25_569 : whole - 25_568;
}

/** Day → Excel 1900-system serial (for writers). */
export function serialFromDay(d: Day, date1904 = false): number {
  if (date1904) return d + 24_107;
  const s = d + 25_569;
  return s >= 61 ? s : s - 1;
}
