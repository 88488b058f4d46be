// Figures for test/RELIABILITY.md (issue 8): each reliability suite records how many hostile books, generated
// tables or operations it tried and how many lost or changed a user cell. test/reliability-report.js (jest's
// globalTeardown) adds them up after the run. Counts come from the tests that actually ran, never typed in.
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";

export interface ReliabilityFigure {
  /** Row group in RELIABILITY.md: "hostile books", "fuzzing", "nothing lost", "privacy and security". */
  group: string;
  /** What was tried, zh + en, e.g. "生成的表格 generated tables". */
  what: string;
  tried: number;
  /** How many of those lost or changed a user cell, crashed or leaked (target 0). */
  failed: number;
  /** Which face or test file. */
  where: string;
}

/** This run's folder (set by test/reliability-setup.js, so two jest runs at once do not mix their figures). */
export const RELIABILITY_DIR = process.env.CRM_RELIABILITY_DIR ?? join(__dirname, "..", "test-artifacts", "reliability", "adhoc");

/** Records one figure; `key` must be unique across the suite (file name). */
export function recordReliability(key: string, figure: ReliabilityFigure): void {
  mkdirSync(RELIABILITY_DIR, { recursive: true });
  writeFileSync(join(RELIABILITY_DIR, `${key.replace(/[^\w.-]+/g, "_")}.json`), JSON.stringify(figure));
}
