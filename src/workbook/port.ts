// The workbook port: what a face needs from a host workbook. The exceljs adapter (src/xlsx) and the
// Office.js adapter (src/excel) implement it; the actions (validate, apply, review, mask) are written once
// against it. Every write goes only to what src/workbook/owned.ts says the product owns.
import type { PipelineResult, ReviewData, WorkbookModel } from "../core";

export interface MaskResult {
  /** Cells whose text changed. */
  cells: number;
  /** Phone numbers masked (a cell can hold several). */
  numbers: number;
  /** `Sheet!B7` of each changed cell. */
  addresses: string[];
}

export interface WorkbookPort {
  /** Reads every sheet's values (formulas as their cached results) into the engine's model. */
  read(): Promise<WorkbookModel>;
  /** Writes the owned result columns, their data-validation lists, the highlight rules and the findings sheet. */
  applyResults(result: PipelineResult): Promise<void>;
  /** Replaces the product's review sheets. */
  writeReview(review: ReviewData): Promise<void>;
  /** Masks full phone numbers in the cells validation flagged (UNMASKED_PHONE). */
  maskPhones(result: PipelineResult): Promise<MaskResult>;
}
