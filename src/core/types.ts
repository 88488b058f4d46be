// Shared data shapes of the engine (DOMAIN.md section 10). Plain data, no behaviour.

/** An Excel error value as adapters hand it over (`#N/A`, `#DIV/0!` …). */
export interface CellErrorValue {
  error: string;
}

/** A raw cell value as read from a workbook: exactly what the user typed or the cached formula result. */
export type CellValue = string | number | boolean | Date | null | undefined | CellErrorValue;

/** One sheet: a rectangle of raw values whose top-left cell is at (originRow, originCol), both 1-based. */
export interface SheetModel {
  name: string;
  cells: CellValue[][];
  originRow?: number;
  originCol?: number;
  /** Merged ranges in A1 form (`A1:C1`). */
  merged?: string[];
  /** Excel tables (ListObjects) on the sheet: their name and A1 range including the header row. */
  tables?: { name: string; range: string }[];
  /**
   * The product's own sheet (findings, review), which the engine never reads as a user table. Readers that know
   * the product's marks say so for every sheet; left out, the sheet's name decides (a face that reads no marks).
   */
  owned?: boolean;
  /**
   * The product's own sheet that the engine reads back, by its role: `history`, the history sheet 「CRM变更历史」
   * (DOMAIN.md section 8a). Its cells are read; it is never a user table.
   */
  role?: string;
}

/** What every adapter (exceljs, the Office JavaScript API, custom-function arguments) produces. */
export interface WorkbookModel {
  sheets: SheetModel[];
  /** The workbook uses the 1904 date system (Mac Excel). */
  date1904?: boolean;
}

export type Severity = "error" | "warning" | "info";

export type FindingCode =
  | "REQUIRED_MISSING"
  | "DUPLICATE_ID"
  | "BAD_DATE"
  | "FUTURE_DATE"
  | "DATE_ORDER"
  | "BAD_AMOUNT"
  | "NEGATIVE_AMOUNT"
  | "BAD_ENUM"
  | "BAD_USCC"
  | "OUT_OF_RANGE"
  | "UNMASKED_PHONE"
  | "CELL_ERROR"
  | "MERGED_CELL"
  | "STAGE_STALE"
  | "DETAIL_MISMATCH"
  | "UNKNOWN_CUSTOMER"
  | "BLANK_ROWS"
  | "BAD_RULE"
  | "COLUMN_MISSING"
  | "TABLE_MISSING"
  | "BAD_HISTORY";

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Sheet name ("" for workbook-level findings such as a missing table). */
  sheet: string;
  /** Sheet row number (1-based); 0 when the finding is not about a row. */
  row: number;
  /** The column header as the user wrote it ("" when not about a column). */
  column: string;
  /** `Sheet!B7` (sheet quoted like Excel when needed); "" for workbook-level findings. */
  address: string;
  message: string;
  messageEn: string;
  fix: string;
  fixEn: string;
}

/** A calendar day: whole days since 1970-01-01 in the workbook's own frame (no time zone). */
export type Day = number;
