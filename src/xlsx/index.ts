// The .xlsx format, as the command line and the demo use it: read a book into the engine's model (streaming),
// patch a book with the product's output (every part it does not own copied byte for byte), take that output
// out again (undo), and the exceljs reader/writer kept as the fallback. Nothing here knows the CRM domain
// beyond what src/workbook/owned.ts says the product owns.
export { writeAtomic } from "./atomic";
export { BookError, readBook, readModel, readModelParts, writeBookAtomic, writeFailure, type LoadedBook } from "./exceljs";
export { ExcelJsBook } from "./exceljs-book";
export { writeModelXlsx, writeModelXlsxStreaming } from "./model-xlsx";
export { applyEdit, maskEdit, PatchUnsupported, reviewEdit, stylesOf, undoEdit, writePatched, type BookEdit, type Placed } from "./patch";
export { readBookStreaming, sharedStringsOf, type BookParts } from "./read";
export { partsLost, workbookContentType, type LostPart } from "./package";
export { initEdit, PLACEHOLDER_SHEET, templateRole, writeEmptyBook } from "./init";
