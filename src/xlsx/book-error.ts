// The error every reader and writer of books throws for the user: its own module, with nothing heavy behind it,
// so the command line can tell it apart before it loads the .xlsx code (`crm --help` stays fast).

/** A workbook that cannot be read or written: one line for the user, in both languages, no stack trace. */
export class BookError extends Error {
  constructor(
    readonly file: string,
    readonly reasonZh: string,
    readonly reasonEn: string,
  ) {
    super(`${file}: ${reasonEn}`);
  }
  line(lang: "zh" | "en"): string {
    return lang === "zh" ? `${this.file}：${this.reasonZh}` : `${this.file}: ${this.reasonEn}`;
  }
}
