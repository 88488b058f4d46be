// Phone masking for privacy (DOMAIN.md section 3): full mainland mobile numbers must not be kept
// in contact fields. Pure: no Office, no I/O — shared by the custom function and, later, the
// workbook "mask phones" action.

/**
 * A full mainland mobile number: `1[3-9]` + 9 more digits, optionally after `+86`, with optional
 * single spaces or dashes between digits (`138 1234 5678`, `138-1234-5678`, `+86 138-1234-5678`).
 * It must not be part of a longer run of digits (an order number, a bank card, a USCC).
 */
const MOBILE = /(?<!\d[ \t-]?)(?:\+86[ \t-]*)?(1[3-9](?:[ \t-]?\d){9})(?![ \t-]?\d)/g;

/** Masks one matched number as `138****5678` (first three and last four digits kept). */
function maskDigits(number: string): string {
  const digits = number.replace(/[^\d]/g, "");
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** True when the text contains at least one full (unmasked) mainland mobile number. */
export function hasFullMobile(text: string): boolean {
  MOBILE.lastIndex = 0;
  const found = MOBILE.test(text);
  MOBILE.lastIndex = 0;
  return found;
}

/**
 * Replaces every full mainland mobile number in the text by its masked form `138****5678`
 * (the `+86` prefix and separators go with the number). Everything else, including text that is
 * already masked, is returned unchanged.
 */
export function maskPhones(text: string): string {
  return text.replace(MOBILE, (_match, number: string) => maskDigits(number));
}
