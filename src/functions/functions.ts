// Excel custom functions (namespace CRM, manifest.xml). Metadata (functions.json) is generated
// from the JSDoc below by CustomFunctionsMetadataPlugin at build time; the plugin also appends
// the `CustomFunctions.associate(...)` calls. Keep each function a thin wrapper over pure code.
import { maskPhones } from "../core/privacy";

/**
 * Masks full mainland mobile and landline numbers in the text, e.g. 13812345678 becomes 138****5678 and 021-12345678 becomes 021-****5678. Other text and non-text values are returned unchanged.
 * @customfunction MASKPHONE
 * @param text Text that may contain mobile numbers.
 * @returns The text with every full phone number masked.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function maskPhone(text: any): any {
  return typeof text === "string" ? maskPhones(text).text : text;
}
