// Identifiers that must be checked or kept private: USCC (GB 32100-2015) and phone numbers (信息管理, 分类表).

const USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type UsccCheck = { valid: true } | { valid: false; reasonZh: string; reasonEn: string };

/** GB 32100-2015: 18 characters from the 31-character set (no I, O, S, V, Z); the last is a mod-31 check character. */
export function checkUscc(input: string): UsccCheck {
  const code = input.normalize("NFKC").replace(/[\s-]/g, "").toUpperCase();
  if (code.length !== 18) return { valid: false, reasonZh: `应为18位,实际${code.length}位`, reasonEn: `must have 18 characters, has ${code.length}` };
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(code[i]);
    if (v < 0) return { valid: false, reasonZh: `第${i + 1}位“${code[i]}”不是允许的字符`, reasonEn: `character ${i + 1} "${code[i]}" is not allowed` };
    sum += v * USCC_WEIGHTS[i];
  }
  const expected = USCC_CHARS[(31 - (sum % 31)) % 31];
  if (code[17] !== expected) return { valid: false, reasonZh: `校验位应为“${expected}”,实际为“${code[17]}”`, reasonEn: `check character should be "${expected}", is "${code[17]}"` };
  return { valid: true };
}

/** A USCC for messages and reports: the first 6 and last 2 characters kept. */
export function maskUscc(code: string): string {
  const c = code.trim();
  return c.length <= 8 ? "*".repeat(c.length) : c.slice(0, 6) + "*".repeat(c.length - 8) + c.slice(-2);
}

// A full mainland mobile: optional +86/86, then 1[3-9] and 9 more digits, with optional spaces or dashes in
// the usual 3-4-4 places. Not part of a longer digit run.
const MOBILE = /(?<![\d*])(?:(?:\+|00)?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?![\d*])/g;
// A full landline: area code 0xx/0xxx (optionally bracketed) then 7–8 digits.
const LANDLINE = /(?<![\d*])(?:\(0\d{2,3}\)|0\d{2,3})[\s-]?(\d{3,4})[\s-]?(\d{4})(?![\d*])/g;

/** Full-width digits, plus, hyphen and space folded one character for one, so match offsets stay valid. */
function fold(text: string): string {
  return text.replace(/[\uFF10-\uFF19\uFF0B\uFF0D\u3000\uFF08\uFF09]/g, (ch) => (ch === "\u3000" ? " " : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)));
}

/** True when the text holds a full (unmasked) mobile or landline number. */
export function hasFullPhone(text: string): boolean {
  const s = fold(text);
  const found = MOBILE.test(s) || LANDLINE.test(s);
  // Global regexes keep their position between calls (and matchAll copies it): reset both.
  MOBILE.lastIndex = 0;
  LANDLINE.lastIndex = 0;
  return found;
}

/**
 * Replaces every full phone number with its masked form (`138****5678`, `021-****5678`) and returns the count.
 * Everything else in the text stays exactly as the user typed it.
 */
export function maskPhones(text: string): { text: string; count: number } {
  if (!hasFullPhone(text)) return { text, count: 0 };
  const spans: { start: number; end: number; masked: string }[] = [];
  const folded = fold(text);
  for (const m of folded.matchAll(MOBILE)) spans.push({ start: m.index!, end: m.index! + m[0].length, masked: `${m[1]}****${m[3]}` });
  for (const m of folded.matchAll(LANDLINE)) {
    const start = m.index!;
    if (spans.some((s) => start < s.end && start + m[0].length > s.start)) continue;
    spans.push({ start, end: start + m[0].length, masked: `${/^[(]?(0\d{2,3})/.exec(m[0])![1]}-****${m[2]}` });
  }
  spans.sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + s.masked;
    at = s.end;
  }
  return { text: out + text.slice(at), count: spans.length };
}

// A USCC standing on its own inside free text: a run of exactly 18 letters and digits (full-width folded) that
// passes the GB 32100-2015 check. Runs of other lengths, and 18-character runs failing the check, are left alone.
const ALNUM_RUN = /[0-9A-Za-z\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]{18,}/g;

/** Replaces every check-valid USCC in the text with its masked form (`913501**********43`) and returns the count. */
export function maskUsccs(text: string): { text: string; count: number } {
  if (text.length < 18) return { text, count: 0 };
  let count = 0;
  const out = text.replace(ALNUM_RUN, (run) => {
    if (run.length !== 18) return run;
    const code = run.replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).toUpperCase();
    if (!checkUscc(code).valid) return run;
    count++;
    return maskUscc(code);
  });
  return { text: count > 0 ? out : text, count };
}

/**
 * Text safe to print in a report, a log, an error or a finding: full phone numbers and USCCs masked the way the
 * product asks users to mask contacts (`138****5678`, `010-****5678`, `913501**********43`); everything else as typed.
 */
export function maskText(text: string): string {
  if (text.length < 7) return text;
  return maskPhones(maskUsccs(text).text).text;
}
