/* A strict in-memory fake of the Excel JavaScript API (Office.js) object model.
 *
 * - Proxy objects behave like Office.js proxies: scalar properties can only be read after `load` + `sync()`
 *   (else an OfficeExtension.Error-shaped error with code "PropertyNotLoaded"); navigation properties are
 *   always available; writes and method calls are queued and applied to the in-memory book, in order, at the
 *   next `context.sync()` (Excel.run flushes what is still queued when its batch resolves).
 * - Every sync with queued work is one round trip; request and response payloads are measured (UTF-8 bytes of
 *   JSON) and a batch over the limit fails with RequestPayloadSizeLimitExceeded (nothing applied) or
 *   ResponsePayloadSizeLimitExceeded (the batch's writes are undone).
 * - Anything not implemented throws `FakeExcel: X not implemented` (a plain Error, never an Office error).
 *
 * Plain TypeScript, no Node imports: it is also bundled by webpack and injected into a browser page.
 *
 * Usage (jest):   const fx = createFakeExcel(spec); const restore = fx.install();   // sets Excel, Office, OfficeExtension
 *                 ... run the adapter ...; restore(); expect(fx.stats.syncs) ...; expect(fx.book.cell("客户", "B7")) ...
 * Usage (e2e):    bundle this file, then in the page: createFakeExcel(spec).install(window) before the add-in loads.
 *
 * Excel semantics modelled on purpose (they catch real bugs):
 * - values/formulas writes are typed input: "=..." is a formula, "+x"/"-x" (not numbers) become formulas too,
 *   "'text" is text, "123"/"1,234"/"50%"/"TRUE"/"2024-01-05"/"2024年1月5日" become numbers, booleans and dates,
 *   more than 15 significant digits are lost (ID numbers), and a cell formatted "@" keeps the text as typed;
 *   null in a values array leaves the cell unchanged, "" clears it; dimensions must match the range exactly.
 * - A failing operation fails its sync; operations queued before it in the same batch stay applied (Excel does
 *   not roll a batch back). Operations on null objects (…OrNullObject) are ignored.
 * - Table names and defined names share a namespace and may not look like cell references ("T1" is refused).
 * - ConditionalFormat.custom on a non-custom format fails at sync with InvalidOperation (office-js #2180).
 * - API sets: members above the host's ExcelApi version fail at sync with ApiNotFound.
 *
 * Known gaps: formulas are recorded, never evaluated (an unevaluated formula cell reads "" in `values`);
 * PivotTables and charts are recorded, not rendered into cells; tables do not auto-expand on adjacent writes;
 * no events, no insert/delete with shifting, no copyFrom, no borders, no data bars/colour scales/icon sets
 * (only custom, cellValue, containsText, topBottom, presetCriteria conditional formats).
 */

/* ------------------------------------------------------------------------------------------------ */
/* Public types                                                                                       */
/* ------------------------------------------------------------------------------------------------ */

export type FakeCellInput = string | number | boolean | null;

export interface FakeSheetSpec {
  name: string;
  /** Row 1 column A first; null = empty cell. */
  cells: FakeCellInput[][];
  /** "B7" -> "=SUM(...)"; the cached result is the value in `cells`. */
  formulas?: Record<string, string>;
  merges?: string[];
  tables?: { name: string; range: string; style?: string }[];
  numberFormats?: Record<string, string>;
  visibility?: "Visible" | "Hidden" | "VeryHidden";
}

/** A defined name in a spec, as a workbook file declares it (`<definedName name=… localSheetId=… hidden="1">`). */
export interface FakeNameSpec {
  name: string;
  /** What it refers to: an address with its sheet (`'CRM问题清单'!$A$1`) or another formula (`=#REF!$A$1`, `=0.5`). */
  refersTo: string;
  /** The sheet it is scoped to; left out: the workbook. */
  sheet?: string;
  /** false for a hidden name (`hidden="1"`), not listed in Name Manager. Default true. */
  visible?: boolean;
  comment?: string;
}

export interface FakeBookSpec {
  sheets: FakeSheetSpec[];
  /** Name of the active sheet (default: the first visible one). */
  activeSheet?: string;
  /** Defined names (after the sheets, which they may refer to). */
  names?: FakeNameSpec[];
}

export interface FakeExcelOptions {
  /** Requirement sets the host supports, e.g. {ExcelApi: "1.7"}; merged over the defaults (ExcelApi 1.17 …). */
  apiSets?: Record<string, string>;
  /** Request and response payload limit (default 5 MB, Excel on the web). */
  payloadLimitBytes?: number;
  /** Office.context.displayLanguage (default "zh-CN"). */
  displayLanguage?: string;
  /** Office.onReady platform (default "OfficeOnline"). */
  platform?: string;
  /** Interpret strings written through `values`/`formulas` like typed input (numbers, dates, booleans, + - =). Default true. */
  typedInput?: boolean;
  /** Workbook.name (default "CRM.xlsx"). */
  bookName?: string;
}

export interface FakeRequestStat {
  /** UTF-8 bytes of the JSON of all queued operations of the batch. */
  bytes: number;
  /** UTF-8 bytes of the JSON of all values loaded by the batch. */
  responseBytes: number;
  /** Operations (loads, property sets, method calls) in the batch. */
  ops: number;
}

export interface FakeStats {
  /** Round trips (syncs with at least one queued operation, including failed ones). */
  syncs: number;
  requests: FakeRequestStat[];
  maxRequestBytes: number;
  maxResponseBytes: number;
  /** context.sync() calls with nothing queued (no round trip; a smell in product code). */
  emptySyncs: number;
}

export interface FakeCellInfo {
  value: string | number | boolean | null;
  formula: string | null;
  numberFormat: string;
  format: Record<string, unknown>;
}

/* ------------------------------------------------------------------------------------------------ */
/* Errors                                                                                             */
/* ------------------------------------------------------------------------------------------------ */

const MESSAGES: Record<string, string> = {
  PropertyNotLoaded:
    "The property '{0}' is not available. Before reading the property's value, call the load method on the containing object and call \"context.sync()\" on the associated request context.",
  ValueNotLoaded:
    "The value of the result object has not been loaded yet. Before reading the value property, call \"context.sync()\" on the associated request context.",
  ItemNotFound: "The requested resource doesn't exist.",
  ItemAlreadyExists: "A resource with the same name or identifier already exists.",
  InvalidArgument: "The argument is invalid or missing or has an incorrect format.",
  InvalidOperation: "This operation is not permitted for the current object.",
  GeneralException: "There was an internal error while processing the request.",
  ApiNotFound: "The API you are trying to use could not be found. It may be available in a newer version of Excel.",
  RequestPayloadSizeLimitExceeded: "The request payload size has exceeded the limit.",
  ResponsePayloadSizeLimitExceeded: "The response payload size has exceeded the limit.",
  InvalidRequestContext: "Cannot use the object across different request contexts.",
  InvalidObjectPath:
    "The object path isn't working for what you're trying to do. If you're using the object across multiple \"context.sync\" calls and outside the sequential execution of a \".run\" batch, please use the \"context.trackedObjects.add()\" and \"context.trackedObjects.remove()\" methods to manage the object's lifetime.",
  RunMustReturnPromise:
    "The batch function passed to the \".run\" method didn't return a promise. The function must return a promise, so that any automatically-tracked objects can be released at the completion of the batch operation.",
  InvalidReference: "This reference isn't valid for the current operation.",
};

/** Shaped like OfficeExtension.Error (name "RichApi.Error", code, debugInfo, traceMessages, innerError). */
export class FakeOfficeError extends Error {
  readonly code: string;
  readonly debugInfo: { code: string; message: string; errorLocation?: string; statement?: string };
  readonly traceMessages: string[] = [];
  readonly innerError: FakeOfficeError | null = null;
  constructor(code: string, detail?: string, location?: string, arg?: string) {
    const base = (MESSAGES[code] ?? code).replace("{0}", arg ?? "");
    super(detail ? `${base} [FakeExcel: ${detail}]` : base);
    this.name = "RichApi.Error";
    this.code = code;
    this.debugInfo = { code, message: this.message, errorLocation: location, statement: location };
  }
}

function officeError(code: string, detail?: string, location?: string): FakeOfficeError {
  return new FakeOfficeError(code, detail, location);
}

/** A plain Error (not an Office error) so product code cannot mistake a gap of the fake for a host error. */
export class FakeNotImplementedError extends Error {
  constructor(what: string) {
    super(`FakeExcel: ${what} not implemented`);
    this.name = "FakeExcelNotImplemented";
  }
}

function notImplemented(what: string): FakeNotImplementedError {
  return new FakeNotImplementedError(what);
}

/* ------------------------------------------------------------------------------------------------ */
/* Enums (string-valued, exactly as in @types/office-js)                                              */
/* ------------------------------------------------------------------------------------------------ */

const ENUMS: Record<string, Record<string, string>> = {
  ConditionalFormatType: {custom:"Custom",dataBar:"DataBar",colorScale:"ColorScale",iconSet:"IconSet",topBottom:"TopBottom",presetCriteria:"PresetCriteria",containsText:"ContainsText",cellValue:"CellValue"},
  AggregationFunction: {unknown:"Unknown",automatic:"Automatic",sum:"Sum",count:"Count",average:"Average",max:"Max",min:"Min",product:"Product",countNumbers:"CountNumbers",standardDeviation:"StandardDeviation",standardDeviationP:"StandardDeviationP",variance:"Variance",varianceP:"VarianceP"},
  ChartType: {invalid:"Invalid",columnClustered:"ColumnClustered",columnStacked:"ColumnStacked",columnStacked100:"ColumnStacked100",_3DColumnClustered:"3DColumnClustered",_3DColumnStacked:"3DColumnStacked",_3DColumnStacked100:"3DColumnStacked100",barClustered:"BarClustered",barStacked:"BarStacked",barStacked100:"BarStacked100",_3DBarClustered:"3DBarClustered",_3DBarStacked:"3DBarStacked",_3DBarStacked100:"3DBarStacked100",lineStacked:"LineStacked",lineStacked100:"LineStacked100",lineMarkers:"LineMarkers",lineMarkersStacked:"LineMarkersStacked",lineMarkersStacked100:"LineMarkersStacked100",pieOfPie:"PieOfPie",pieExploded:"PieExploded",_3DPieExploded:"3DPieExploded",barOfPie:"BarOfPie",xyscatterSmooth:"XYScatterSmooth",xyscatterSmoothNoMarkers:"XYScatterSmoothNoMarkers",xyscatterLines:"XYScatterLines",xyscatterLinesNoMarkers:"XYScatterLinesNoMarkers",areaStacked:"AreaStacked",areaStacked100:"AreaStacked100",_3DAreaStacked:"3DAreaStacked",_3DAreaStacked100:"3DAreaStacked100",doughnutExploded:"DoughnutExploded",radarMarkers:"RadarMarkers",radarFilled:"RadarFilled",surface:"Surface",surfaceWireframe:"SurfaceWireframe",surfaceTopView:"SurfaceTopView",surfaceTopViewWireframe:"SurfaceTopViewWireframe",bubble:"Bubble",bubble3DEffect:"Bubble3DEffect",stockHLC:"StockHLC",stockOHLC:"StockOHLC",stockVHLC:"StockVHLC",stockVOHLC:"StockVOHLC",cylinderColClustered:"CylinderColClustered",cylinderColStacked:"CylinderColStacked",cylinderColStacked100:"CylinderColStacked100",cylinderBarClustered:"CylinderBarClustered",cylinderBarStacked:"CylinderBarStacked",cylinderBarStacked100:"CylinderBarStacked100",cylinderCol:"CylinderCol",coneColClustered:"ConeColClustered",coneColStacked:"ConeColStacked",coneColStacked100:"ConeColStacked100",coneBarClustered:"ConeBarClustered",coneBarStacked:"ConeBarStacked",coneBarStacked100:"ConeBarStacked100",coneCol:"ConeCol",pyramidColClustered:"PyramidColClustered",pyramidColStacked:"PyramidColStacked",pyramidColStacked100:"PyramidColStacked100",pyramidBarClustered:"PyramidBarClustered",pyramidBarStacked:"PyramidBarStacked",pyramidBarStacked100:"PyramidBarStacked100",pyramidCol:"PyramidCol",_3DColumn:"3DColumn",line:"Line",_3DLine:"3DLine",_3DPie:"3DPie",pie:"Pie",xyscatter:"XYScatter",_3DArea:"3DArea",area:"Area",doughnut:"Doughnut",radar:"Radar",histogram:"Histogram",boxwhisker:"Boxwhisker",pareto:"Pareto",regionMap:"RegionMap",treemap:"Treemap",waterfall:"Waterfall",sunburst:"Sunburst",funnel:"Funnel"},
  ChartSeriesBy: {auto:"Auto",columns:"Columns",rows:"Rows"},
  SheetVisibility: {visible:"Visible",hidden:"Hidden",veryHidden:"VeryHidden"},
  ErrorCodes: {accessDenied:"AccessDenied",apiNotFound:"ApiNotFound",conflict:"Conflict",dirtySupportingFormula:"DirtySupportingFormula",emptyChartSeries:"EmptyChartSeries",filteredRangeConflict:"FilteredRangeConflict",formulaLengthExceedsLimit:"FormulaLengthExceedsLimit",generalException:"GeneralException",inactiveWorkbook:"InactiveWorkbook",insertDeleteConflict:"InsertDeleteConflict",invalidArgument:"InvalidArgument",invalidBinding:"InvalidBinding",invalidOperation:"InvalidOperation",invalidReference:"InvalidReference",invalidSelection:"InvalidSelection",itemAlreadyExists:"ItemAlreadyExists",itemNotFound:"ItemNotFound",mergedRangeConflict:"MergedRangeConflict",nonBlankCellOffSheet:"NonBlankCellOffSheet",notImplemented:"NotImplemented",openWorkbookLinksBlocked:"OpenWorkbookLinksBlocked",operationCellsExceedLimit:"OperationCellsExceedLimit",pivotTableRangeConflict:"PivotTableRangeConflict",powerQueryRefreshResourceChallenge:"PowerQueryRefreshResourceChallenge",rangeExceedsLimit:"RangeExceedsLimit",rangeImageExceedsLimit:"RangeImageExceedsLimit",refreshWorkbookLinksBlocked:"RefreshWorkbookLinksBlocked",requestAborted:"RequestAborted",responsePayloadSizeLimitExceeded:"ResponsePayloadSizeLimitExceeded",unsupportedFeature:"UnsupportedFeature",unsupportedFillType:"UnsupportedFillType",unsupportedOperation:"UnsupportedOperation",unsupportedSheet:"UnsupportedSheet",invalidOperationInCellEditMode:"InvalidOperationInCellEditMode"},
  PivotLayoutType: {compact:"Compact",tabular:"Tabular",outline:"Outline"},
  HorizontalAlignment: {general:"General",left:"Left",center:"Center",right:"Right",fill:"Fill",justify:"Justify",centerAcrossSelection:"CenterAcrossSelection",distributed:"Distributed"},
  VerticalAlignment: {top:"Top",center:"Center",bottom:"Bottom",justify:"Justify",distributed:"Distributed"},
  ClearApplyTo: {all:"All",formats:"Formats",contents:"Contents",hyperlinks:"Hyperlinks",removeHyperlinks:"RemoveHyperlinks",resetContents:"ResetContents"},
  ChartLegendPosition: {invalid:"Invalid",top:"Top",bottom:"Bottom",left:"Left",right:"Right",corner:"Corner",custom:"Custom"},
  DataValidationType: {none:"None",wholeNumber:"WholeNumber",decimal:"Decimal",list:"List",date:"Date",time:"Time",textLength:"TextLength",custom:"Custom",inconsistent:"Inconsistent",mixedCriteria:"MixedCriteria"},
  DataValidationOperator: {between:"Between",notBetween:"NotBetween",equalTo:"EqualTo",notEqualTo:"NotEqualTo",greaterThan:"GreaterThan",lessThan:"LessThan",greaterThanOrEqualTo:"GreaterThanOrEqualTo",lessThanOrEqualTo:"LessThanOrEqualTo"},
  DataValidationAlertStyle: {stop:"Stop",warning:"Warning",information:"Information"},
  ConditionalFormatPresetCriterion: {invalid:"Invalid",blanks:"Blanks",nonBlanks:"NonBlanks",errors:"Errors",nonErrors:"NonErrors",yesterday:"Yesterday",today:"Today",tomorrow:"Tomorrow",lastSevenDays:"LastSevenDays",lastWeek:"LastWeek",thisWeek:"ThisWeek",nextWeek:"NextWeek",lastMonth:"LastMonth",thisMonth:"ThisMonth",nextMonth:"NextMonth",aboveAverage:"AboveAverage",belowAverage:"BelowAverage",equalOrAboveAverage:"EqualOrAboveAverage",equalOrBelowAverage:"EqualOrBelowAverage",oneStdDevAboveAverage:"OneStdDevAboveAverage",oneStdDevBelowAverage:"OneStdDevBelowAverage",twoStdDevAboveAverage:"TwoStdDevAboveAverage",twoStdDevBelowAverage:"TwoStdDevBelowAverage",threeStdDevAboveAverage:"ThreeStdDevAboveAverage",threeStdDevBelowAverage:"ThreeStdDevBelowAverage",uniqueValues:"UniqueValues",duplicateValues:"DuplicateValues"},
  ConditionalCellValueOperator: {invalid:"Invalid",between:"Between",notBetween:"NotBetween",equalTo:"EqualTo",notEqualTo:"NotEqualTo",greaterThan:"GreaterThan",lessThan:"LessThan",greaterThanOrEqual:"GreaterThanOrEqual",lessThanOrEqual:"LessThanOrEqual"},
  ConditionalTextOperator: {invalid:"Invalid",contains:"Contains",notContains:"NotContains",beginsWith:"BeginsWith",endsWith:"EndsWith"},
  ConditionalTopBottomCriterionType: {invalid:"Invalid",topItems:"TopItems",topPercent:"TopPercent",bottomItems:"BottomItems",bottomPercent:"BottomPercent"},
  RangeUnderlineStyle: {none:"None",single:"Single",double:"Double",singleAccountant:"SingleAccountant",doubleAccountant:"DoubleAccountant"},
  ConditionalRangeFontUnderlineStyle: {none:"None",single:"Single",double:"Double"},
  ChartAxisType: {invalid:"Invalid",category:"Category",value:"Value",series:"Series"},
  ChartAxisGroup: {primary:"Primary",secondary:"Secondary"},
  SubtotalLocationType: {atTop:"AtTop",atBottom:"AtBottom",off:"Off"},
  CalculationMode: {automatic:"Automatic",automaticExceptTables:"AutomaticExceptTables",manual:"Manual"},
  CalculationType: {recalculate:"Recalculate",full:"Full",fullRebuild:"FullRebuild"},
  RangeValueType: {unknown:"Unknown",empty:"Empty",string:"String",integer:"Integer",double:"Double",boolean:"Boolean",error:"Error",richValue:"RichValue"},
  WorksheetPositionType: {none:"None",before:"Before",after:"After",beginning:"Beginning",end:"End"},
  ChartDataLabelPosition: {invalid:"Invalid",none:"None",center:"Center",insideEnd:"InsideEnd",insideBase:"InsideBase",outsideEnd:"OutsideEnd",left:"Left",right:"Right",top:"Top",bottom:"Bottom",bestFit:"BestFit",callout:"Callout"},
  NamedItemType: {string:"String",integer:"Integer",double:"Double",boolean:"Boolean",range:"Range",error:"Error",array:"Array"},
  ChartTitlePosition: {automatic:"Automatic",top:"Top",bottom:"Bottom",left:"Left",right:"Right"},
  FillPattern: {none:"None",solid:"Solid",gray50:"Gray50",gray75:"Gray75",gray25:"Gray25",horizontal:"Horizontal",vertical:"Vertical",down:"Down",up:"Up",checker:"Checker",semiGray75:"SemiGray75",lightHorizontal:"LightHorizontal",lightVertical:"LightVertical",lightDown:"LightDown",lightUp:"LightUp",grid:"Grid",crissCross:"CrissCross",gray16:"Gray16",gray8:"Gray8",linearGradient:"LinearGradient",rectangularGradient:"RectangularGradient"},
  DeleteShiftDirection: {up:"Up",left:"Left"},
  InsertShiftDirection: {down:"Down",right:"Right"},
  ConditionalFormatColorCriterionType: {invalid:"Invalid",lowestValue:"LowestValue",highestValue:"HighestValue",number:"Number",percent:"Percent",formula:"Formula",percentile:"Percentile"},
  ConditionalFormatRuleType: {invalid:"Invalid",automatic:"Automatic",lowestValue:"LowestValue",highestValue:"HighestValue",number:"Number",percent:"Percent",formula:"Formula",percentile:"Percentile"},
  ShowAsCalculation: {unknown:"Unknown",none:"None",percentOfGrandTotal:"PercentOfGrandTotal",percentOfRowTotal:"PercentOfRowTotal",percentOfColumnTotal:"PercentOfColumnTotal",percentOfParentRowTotal:"PercentOfParentRowTotal",percentOfParentColumnTotal:"PercentOfParentColumnTotal",percentOfParentTotal:"PercentOfParentTotal",percentOf:"PercentOf",runningTotal:"RunningTotal",percentRunningTotal:"PercentRunningTotal",differenceFrom:"DifferenceFrom",percentDifferenceFrom:"PercentDifferenceFrom",rankAscending:"RankAscending",rankDecending:"RankDecending",index:"Index"},
  ChartPlotBy: {rows:"Rows",columns:"Columns"},
  FilterOn: {bottomItems:"BottomItems",bottomPercent:"BottomPercent",cellColor:"CellColor",dynamic:"Dynamic",fontColor:"FontColor",values:"Values",topItems:"TopItems",topPercent:"TopPercent",icon:"Icon",custom:"Custom"},
};

/* ------------------------------------------------------------------------------------------------ */
/* A1 addresses                                                                                       */
/* ------------------------------------------------------------------------------------------------ */

/** Inclusive, 0-based cell rectangle. */
export interface Rect {
  r0: number;
  c0: number;
  r1: number;
  c1: number;
}

export const MAX_ROWS = 1048576;
export const MAX_COLS = 16384;

export function colName(c: number): string {
  let s = "";
  let n = c + 1;
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = (n - m - 1) / 26;
  }
  return s;
}

function colIndex(letters: string): number {
  let n = 0;
  const up = letters.toUpperCase();
  for (let i = 0; i < up.length; i++) n = n * 26 + (up.charCodeAt(i) - 64);
  return n - 1;
}

const CELL_RE = /^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$/;
const COL_RE = /^\$?([A-Za-z]{1,3})$/;
const ROW_RE = /^\$?([0-9]{1,7})$/;

/** Parses "A1", "A1:C3", "$A$1", "A:C", "1:3" (no sheet part). Null when invalid. */
export function parseRef(ref: string): Rect | null {
  const parts = ref.trim().split(":");
  if (parts.length > 2 || parts.some((p) => p === "")) return null;
  const cell = (p: string): [number, number] | null => {
    const m = CELL_RE.exec(p);
    if (!m) return null;
    const c = colIndex(m[1]);
    const r = Number(m[2]) - 1;
    return r >= 0 && r < MAX_ROWS && c >= 0 && c < MAX_COLS ? [r, c] : null;
  };
  if (parts.length === 1) {
    const a = cell(parts[0]);
    return a ? { r0: a[0], c0: a[1], r1: a[0], c1: a[1] } : null;
  }
  const [p, q] = parts;
  const a = cell(p);
  const b = cell(q);
  if (a && b)
    return { r0: Math.min(a[0], b[0]), c0: Math.min(a[1], b[1]), r1: Math.max(a[0], b[0]), c1: Math.max(a[1], b[1]) };
  const ca = COL_RE.exec(p);
  const cb = COL_RE.exec(q);
  if (ca && cb) {
    const x = colIndex(ca[1]);
    const y = colIndex(cb[1]);
    if (x >= MAX_COLS || y >= MAX_COLS) return null;
    return { r0: 0, c0: Math.min(x, y), r1: MAX_ROWS - 1, c1: Math.max(x, y) };
  }
  const ra = ROW_RE.exec(p);
  const rb = ROW_RE.exec(q);
  if (ra && rb) {
    const x = Number(ra[1]) - 1;
    const y = Number(rb[1]) - 1;
    if (x < 0 || y < 0 || x >= MAX_ROWS || y >= MAX_ROWS) return null;
    return { r0: Math.min(x, y), c0: 0, r1: Math.max(x, y), c1: MAX_COLS - 1 };
  }
  return null;
}

function isEntireCols(r: Rect): boolean {
  return r.r0 === 0 && r.r1 === MAX_ROWS - 1;
}
function isEntireRows(r: Rect): boolean {
  return r.c0 === 0 && r.c1 === MAX_COLS - 1;
}

/** "A1", "A1:C3", "A:C" or "1:3" — how Excel writes a range address. */
export function refOf(r: Rect, absolute = false): string {
  const d = absolute ? "$" : "";
  if (isEntireRows(r)) return `${d}${r.r0 + 1}:${d}${r.r1 + 1}`;
  if (isEntireCols(r)) return `${d}${colName(r.c0)}:${d}${colName(r.c1)}`;
  const a = `${d}${colName(r.c0)}${d}${r.r0 + 1}`;
  if (r.r0 === r.r1 && r.c0 === r.c1) return a;
  return `${a}:${d}${colName(r.c1)}${d}${r.r1 + 1}`;
}

/** Excel's quoting of a sheet name in an address: `Sheet1`, `客户`, `'客户 名单''s'`, `'CRM复盘-漏斗'`. */
export function quoteSheet(name: string): string {
  const plain =
    /^[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_.\u00C0-\uFFFF]*$/.test(name) &&
    !/^[A-Za-z]{1,3}[0-9]+$/.test(name) &&
    !/^(R[0-9]*C[0-9]*|R[0-9]*|C[0-9]*)$/i.test(name) &&
    !/[\u3000\uFF08\uFF09\uFF0D\uFF0C\uFF01]/.test(name);
  return plain ? name : `'${name.replace(/'/g, "''")}'`;
}

export function addressOf(sheetName: string, r: Rect, absolute = false): string {
  return `${quoteSheet(sheetName)}!${refOf(r, absolute)}`;
}

/** Splits "Sheet1!A1", "'a b'!A1" or "A1" into the sheet name (or null) and the reference. */
export function splitAddress(address: string): { sheet: string | null; ref: string } | null {
  const s = address.trim();
  if (s.startsWith("'")) {
    let i = 1;
    let name = "";
    while (i < s.length) {
      if (s[i] === "'") {
        if (s[i + 1] === "'") {
          name += "'";
          i += 2;
          continue;
        }
        break;
      }
      name += s[i++];
    }
    if (s[i] !== "'" || s[i + 1] !== "!") return null;
    return { sheet: name, ref: s.slice(i + 2) };
  }
  const bang = s.lastIndexOf("!");
  if (bang < 0) return { sheet: null, ref: s };
  return { sheet: s.slice(0, bang), ref: s.slice(bang + 1) };
}

function intersects(a: Rect, b: Rect): boolean {
  return a.r0 <= b.r1 && b.r0 <= a.r1 && a.c0 <= b.c1 && b.c0 <= a.c1;
}
function contains(outer: Rect, inner: Rect): boolean {
  return outer.r0 <= inner.r0 && outer.c0 <= inner.c0 && outer.r1 >= inner.r1 && outer.c1 >= inner.c1;
}
function intersection(a: Rect, b: Rect): Rect | null {
  if (!intersects(a, b)) return null;
  return { r0: Math.max(a.r0, b.r0), c0: Math.max(a.c0, b.c0), r1: Math.min(a.r1, b.r1), c1: Math.min(a.c1, b.c1) };
}
/** a minus b, as up to four rectangles. */
function subtract(a: Rect, b: Rect): Rect[] {
  const i = intersection(a, b);
  if (!i) return [a];
  const out: Rect[] = [];
  if (a.r0 < i.r0) out.push({ r0: a.r0, c0: a.c0, r1: i.r0 - 1, c1: a.c1 });
  if (i.r1 < a.r1) out.push({ r0: i.r1 + 1, c0: a.c0, r1: a.r1, c1: a.c1 });
  if (a.c0 < i.c0) out.push({ r0: i.r0, c0: a.c0, r1: i.r1, c1: i.c0 - 1 });
  if (i.c1 < a.c1) out.push({ r0: i.r0, c0: i.c1 + 1, r1: i.r1, c1: a.c1 });
  return out;
}
function sameRect(a: Rect, b: Rect): boolean {
  return a.r0 === b.r0 && a.c0 === b.c0 && a.r1 === b.r1 && a.c1 === b.c1;
}
function rows(r: Rect): number {
  return r.r1 - r.r0 + 1;
}
function cols(r: Rect): number {
  return r.c1 - r.c0 + 1;
}

/* ------------------------------------------------------------------------------------------------ */
/* Values: typed input, display text, colours, bytes                                                  */
/* ------------------------------------------------------------------------------------------------ */

type Scalar = string | number | boolean;

const encoder = new TextEncoder();
function utf8Bytes(s: string): number {
  return encoder.encode(s).length;
}
function jsonBytes(v: unknown): number {
  const s = JSON.stringify(v);
  return s === undefined ? 0 : utf8Bytes(s);
}

const NUM_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const THOUSANDS_RE = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const PERCENT_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)%$/;
const DATE_RE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ZH_DATE_RE = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/;

/** Excel keeps 15 significant digits of a typed number; later digits become zeros. */
function excelNumber(text: string): number {
  let sig = 0;
  let out = "";
  let expPart = "";
  let body = text;
  const e = body.search(/[eE]/);
  if (e >= 0) {
    expPart = body.slice(e);
    body = body.slice(0, e);
  }
  for (const ch of body) {
    if (ch >= "0" && ch <= "9") {
      if (sig > 0 || ch !== "0") sig++;
      out += sig > 15 ? "0" : ch;
    } else out += ch;
  }
  return Number(out + expPart);
}

export function dateSerial(y: number, m: number, d: number): number {
  return (Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86400000;
}

interface Parsed {
  value: Scalar | null;
  formula: string | null;
  numberFormat?: string;
}

/** What Excel stores when a string is written through `values`/`formulas` (like typing it). */
function parseInput(s: string, cellFormat: string | undefined, typed: boolean): Parsed {
  if (cellFormat === "@") return { value: s === "" ? null : s, formula: null };
  if (s === "") return { value: null, formula: null };
  const c = s.charCodeAt(0);
  if (c === 39 /* ' */) return { value: s.length > 1 ? s.slice(1) : null, formula: null };
  if (c === 61 /* = */ && s.length > 1) return { value: null, formula: s };
  if (!typed) return { value: s, formula: null };
  const quick =
    (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 32 || c === 116 || c === 84 || c === 102 || c === 70;
  if (!quick) return { value: s, formula: null };
  const t = s.trim();
  if (NUM_RE.test(t)) return { value: excelNumber(t), formula: null };
  if (THOUSANDS_RE.test(t)) return { value: excelNumber(t.replace(/,/g, "")), formula: null, numberFormat: "#,##0" };
  if (PERCENT_RE.test(t)) {
    const dec = t.includes(".") ? t.length - t.indexOf(".") - 2 : 0;
    return { value: Number(t.slice(0, -1)) / 100, formula: null, numberFormat: dec > 0 ? `0.${"0".repeat(dec)}%` : "0%" };
  }
  if (/^(true|false)$/i.test(t)) return { value: t.toLowerCase() === "true", formula: null };
  const zh = ZH_DATE_RE.exec(t);
  const d = DATE_RE.exec(t) ?? (zh ? ([zh[0], zh[1], zh[2], zh[3]] as unknown as RegExpExecArray) : null);
  if (d) {
    const y = +d[1];
    const mo = +d[2];
    const da = +d[3];
    const probe = new Date(Date.UTC(y, mo - 1, da));
    if (y >= 1900 && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === da) {
      let v = dateSerial(y, mo, da);
      if (d[4] !== undefined) v += (+d[4] * 3600 + +d[5] * 60 + (d[6] ? +d[6] : 0)) / 86400;
      const nf = zh ? 'yyyy"年"m"月"d"日"' : d[4] !== undefined ? "yyyy-mm-dd hh:mm" : "yyyy-mm-dd";
      return { value: v, formula: null, numberFormat: nf };
    }
  }
  if ((c === 43 || c === 45) && t.length > 1) return { value: null, formula: "=" + t };
  return { value: s, formula: null };
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/** A small subset of Excel number formatting, for `Range.text` and autofit. */
export function displayText(v: Scalar | null | undefined, nf: string | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (typeof v === "string") return v;
  const f = nf ?? "General";
  if (f === "General" || f === "@") {
    if (Number.isInteger(v) && Math.abs(v) < 1e11) return String(v);
    const p = Number(v.toPrecision(Math.abs(v) >= 1e11 ? 6 : 10));
    return Math.abs(v) >= 1e11 ? p.toExponential().replace(/e\+?/, "E+") : String(p);
  }
  if (/y|d/.test(f) && !/[#0]/.test(f.replace(/\[.*?\]/g, ""))) {
    const ms = Math.round(v * 86400000) + Date.UTC(1899, 11, 30);
    const dt = new Date(ms);
    return f
      .replace(/yyyy/g, String(dt.getUTCFullYear()))
      .replace(/yy/g, pad(dt.getUTCFullYear() % 100))
      .replace(/hh/g, pad(dt.getUTCHours()))
      .replace(/h(?![a-z])/g, String(dt.getUTCHours()))
      .replace(/(:)mm/g, (_m, p: string) => p + pad(dt.getUTCMinutes()))
      .replace(/ss/g, pad(dt.getUTCSeconds()))
      .replace(/mm/g, pad(dt.getUTCMonth() + 1))
      .replace(/m(?![a-z])/g, String(dt.getUTCMonth() + 1))
      .replace(/dd/g, pad(dt.getUTCDate()))
      .replace(/d(?![a-z])/g, String(dt.getUTCDate()));
  }
  const pct = f.endsWith("%");
  const x = pct ? v * 100 : v;
  const dot = f.indexOf(".");
  const decimals = dot >= 0 ? (f.slice(dot + 1).match(/[0#]/g) ?? []).length : 0;
  let s = x.toFixed(decimals);
  if (f.includes(",")) {
    const [i, frac] = s.split(".");
    s = i.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (frac !== undefined ? "." + frac : "");
  }
  return pct ? s + "%" : s;
}

const NAMED_COLORS: Record<string, string> = {
  black: "#000000", white: "#FFFFFF", red: "#FF0000", green: "#008000", blue: "#0000FF", yellow: "#FFFF00",
  orange: "#FFA500", purple: "#800080", gray: "#808080", grey: "#808080", silver: "#C0C0C0", lime: "#00FF00",
  navy: "#000080", teal: "#008080", maroon: "#800000", olive: "#808000", aqua: "#00FFFF", cyan: "#00FFFF",
  fuchsia: "#FF00FF", magenta: "#FF00FF", pink: "#FFC0CB", brown: "#A52A2A", gold: "#FFD700",
  lightgray: "#D3D3D3", lightgrey: "#D3D3D3", darkgray: "#A9A9A9", darkgrey: "#A9A9A9", lightgreen: "#90EE90",
  darkgreen: "#006400", lightblue: "#ADD8E6", darkblue: "#00008B", lightyellow: "#FFFFE0", darkred: "#8B0000",
  lightpink: "#FFB6C1", lightcoral: "#F08080", salmon: "#FA8072", tomato: "#FF6347", coral: "#FF7F50",
  khaki: "#F0E68C", beige: "#F5F5DC", ivory: "#FFFFF0", lavender: "#E6E6FA", wheat: "#F5DEB3",
};

function normalizeColor(c: unknown, what: string): string {
  if (typeof c !== "string") throw officeError("InvalidArgument", `${what}: colour must be a string, got ${JSON.stringify(c)}`);
  const s = c.trim();
  if (/^#[0-9a-fA-F]{6}$/.test(s)) return s.toUpperCase();
  if (/^#[0-9a-fA-F]{3}$/.test(s)) return ("#" + s[1] + s[1] + s[2] + s[2] + s[3] + s[3]).toUpperCase();
  const named = NAMED_COLORS[s.toLowerCase()];
  if (named) return named;
  throw officeError("InvalidArgument", `${what}: '${c}' is not a colour the fake knows (use #RRGGBB)`);
}

function clonePlain<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(clonePlain) as unknown as T;
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v as object)) o[k] = clonePlain((v as Record<string, unknown>)[k]);
  return o as T;
}

function enumValue(en: Record<string, string>, v: unknown, what: string): string {
  if (typeof v === "string") {
    for (const x of Object.values(en)) if (x.toLowerCase() === v.toLowerCase()) return x;
  }
  throw officeError("InvalidArgument", `${what}: '${String(v)}' is not one of ${Object.values(en).join(", ")}`);
}

function vcmp(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* The in-memory book                                                                                 */
/* ------------------------------------------------------------------------------------------------ */

type Row<T> = (T | undefined)[];
type Rows<T> = (Row<T> | undefined)[];

interface FormatEntry {
  rect: Rect;
  key: string;
  value: unknown;
}

interface CFModel {
  id: string;
  sheetId: string;
  type: string;
  rects: Rect[];
  stopIfTrue: boolean;
  formula: string | null;
  format: { fill: string | null; font: Record<string, unknown>; numberFormat: string | null };
  rule: Record<string, unknown> | null;
  /** A data bar's bounds and bar (ExcelApi 1.6 DataBarConditionalFormat), a colour scale's criteria. */
  dataBar?: { lowerBoundRule: Record<string, unknown>; upperBoundRule: Record<string, unknown>; fillColor: string; gradientFill: boolean; borderColor: string };
  colorScale?: Record<string, unknown>;
  deleted?: boolean;
}

interface DVModel {
  rect: Rect;
  rule: Record<string, unknown>;
  ignoreBlanks: boolean;
  prompt: Record<string, unknown> | null;
  errorAlert: Record<string, unknown> | null;
}

interface SeriesModel {
  name: string;
  fill: string | null;
  props: Record<string, unknown>;
  /** Ranges given by setValues / setXAxisValues (ExcelApi 1.7), as addresses; absent for a series from the chart's source. */
  values?: string;
  xValues?: string;
}

interface AxisModel {
  reversePlotOrder: boolean;
  visible: boolean;
  props: Record<string, unknown>;
}

interface ChartModel {
  id: string;
  name: string;
  sheetId: string;
  type: string;
  sourceSheetId: string;
  sourceRect: Rect;
  seriesBy: string;
  title: { text: string; visible: boolean; overlay: boolean };
  legend: { visible: boolean; position: string };
  position: { start: string; end: string | null } | null;
  top: number;
  left: number;
  width: number;
  height: number;
  series: SeriesModel[];
  categoryAxis: AxisModel;
  valueAxis: AxisModel;
  dataLabels: Record<string, unknown>;
  deleted?: boolean;
}

interface SheetModel {
  id: string;
  name: string;
  visibility: string;
  tabColor: string;
  v: Rows<Scalar | null>;
  f: Rows<string>;
  nf: Rows<string>;
  fmt: FormatEntry[];
  colW: Record<string, number>;
  rowH: Record<string, number>;
  hiddenRows: Record<string, true>;
  hiddenCols: Record<string, true>;
  merges: Rect[];
  cfs: CFModel[];
  dvs: DVModel[];
  frozenRows: number;
  frozenCols: number;
  autoFilter: { rect: Rect; criteria: Record<string, unknown> } | null;
  charts: ChartModel[];
  selection: Rect;
  showGridlines: boolean;
  chartSeq: number;
  deleted?: boolean;
}

interface TableModel {
  id: string;
  name: string;
  sheetId: string;
  rect: Rect;
  style: string;
  showHeaders: boolean;
  showTotals: boolean;
  props: Record<string, unknown>;
  deleted?: boolean;
}

interface DataFieldModel {
  field: string;
  name: string;
  summarizeBy: string;
  numberFormat: string | null;
  id: string;
}

interface PivotModel {
  id: string;
  name: string;
  sheetId: string;
  dest: Rect;
  source: { tableId: string } | { sheetId: string; rect: Rect };
  sourceText: string;
  rows: string[];
  columns: string[];
  filters: string[];
  data: DataFieldModel[];
  layout: Record<string, unknown>;
  deleted?: boolean;
}

interface NameModel {
  id: string;
  name: string;
  scopeSheetId: string | null;
  ref: { sheetId: string; rect: Rect } | null;
  formula: string | null;
  comment: string;
  visible: boolean;
  deleted?: boolean;
}

interface SettingModel {
  key: string;
  value: unknown;
  deleted?: boolean;
}

interface Txn {
  rows: [Rows<unknown>, number, Row<unknown> | undefined][];
  seen: Map<Rows<unknown>, Set<number>>;
  objs: [Record<string, unknown>, Record<string, unknown>, Set<string>][];
  arrs: [unknown[], unknown[]][];
  created: { deleted?: boolean }[];
}

interface BookModel {
  sheets: SheetModel[];
  tables: TableModel[];
  pivots: PivotModel[];
  names: NameModel[];
  settings: SettingModel[];
  activeId: string;
  seq: number;
  calculationMode: string;
  txn: Txn | null;
}

const SHEET_CELLS = new Set(["v", "f", "nf", "cfs", "charts"]);
const BOOK_ARRAYS = new Set(["sheets", "tables", "pivots", "names", "settings", "txn"]);
const NO_SKIP = new Set<string>();

function fieldsOf(o: object, skip: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) if (!skip.has(k)) out[k] = clonePlain((o as Record<string, unknown>)[k]);
  return out;
}

/** Starts journalling so a batch can be undone (only used when a response turns out too large). */
function beginTxn(book: BookModel): void {
  const t: Txn = { rows: [], seen: new Map(), objs: [], arrs: [], created: [] };
  const keep = (o: object, skip: Set<string> = NO_SKIP) =>
    t.objs.push([o as Record<string, unknown>, fieldsOf(o, skip), skip]);
  const keepArr = (a: unknown[]) => t.arrs.push([a, a.slice()]);
  keep(book, BOOK_ARRAYS);
  for (const a of [book.sheets, book.tables, book.pivots, book.names, book.settings]) keepArr(a);
  for (const s of book.sheets) {
    keep(s, SHEET_CELLS);
    keepArr(s.cfs);
    keepArr(s.charts);
    s.cfs.forEach((x) => keep(x));
    s.charts.forEach((x) => keep(x));
  }
  [...book.tables, ...book.pivots, ...book.names, ...book.settings].forEach((x) => keep(x));
  book.txn = t;
}

function rollbackTxn(book: BookModel): void {
  const t = book.txn;
  if (!t) return;
  book.txn = null;
  for (let i = t.rows.length - 1; i >= 0; i--) {
    const [arr, r, old] = t.rows[i];
    arr[r] = old;
  }
  for (const [o, saved, skip] of t.objs) {
    for (const k of Object.keys(o)) if (!skip.has(k) && !(k in saved)) delete o[k];
    Object.assign(o, saved);
  }
  for (const [a, saved] of t.arrs) {
    a.length = 0;
    a.push(...saved);
  }
  for (const c of t.created) c.deleted = true;
}

function created<T extends { deleted?: boolean }>(book: BookModel, x: T): T {
  book.txn?.created.push(x);
  return x;
}

/** The row array to write into (copied once per journalled batch). */
function wrow<T>(book: BookModel, rowsArr: Rows<T>, r: number): Row<T> {
  let row = rowsArr[r];
  const t = book.txn;
  if (t) {
    let seen = t.seen.get(rowsArr as Rows<unknown>);
    if (!seen) t.seen.set(rowsArr as Rows<unknown>, (seen = new Set()));
    if (!seen.has(r)) {
      seen.add(r);
      t.rows.push([rowsArr as Rows<unknown>, r, row as Row<unknown> | undefined]);
      row = row ? row.slice() : [];
      rowsArr[r] = row;
      return row;
    }
  }
  if (!row) rowsArr[r] = row = [];
  return row;
}

function nextId(book: BookModel, prefix = ""): string {
  book.seq += 1;
  return prefix ? `{${prefix}${String(book.seq).padStart(8, "0")}-0000-4000-8000-000000000000}` : String(book.seq);
}

function newSheet(book: BookModel, name: string): SheetModel {
  return created(book, {
    id: nextId(book, "5EE7"),
    name,
    visibility: "Visible",
    tabColor: "",
    v: [],
    f: [],
    nf: [],
    fmt: [],
    colW: {},
    rowH: {},
    hiddenRows: {},
    hiddenCols: {},
    merges: [],
    cfs: [],
    dvs: [],
    frozenRows: 0,
    frozenCols: 0,
    autoFilter: null,
    charts: [],
    selection: { r0: 0, c0: 0, r1: 0, c1: 0 },
    showGridlines: true,
    chartSeq: 0,
  } as SheetModel);
}

function sheetById(book: BookModel, id: string): SheetModel | undefined {
  return book.sheets.find((s) => s.id === id);
}
function sheetByName(book: BookModel, name: string): SheetModel | undefined {
  const n = name.toLowerCase();
  return book.sheets.find((s) => s.name.toLowerCase() === n) ?? book.sheets.find((s) => s.id === name);
}

function checkSheetName(book: BookModel, name: unknown, self?: SheetModel): string {
  if (
    typeof name !== "string" ||
    name.length === 0 ||
    name.length > 31 ||
    /[:\\/?*[\]]/.test(name) ||
    name.startsWith("'") ||
    name.endsWith("'") ||
    name.toLowerCase() === "history"
  )
    throw officeError("InvalidArgument", `'${String(name)}' is not a valid worksheet name`);
  if (book.sheets.some((s) => s !== self && s.name.toLowerCase() === name.toLowerCase()))
    throw officeError("ItemAlreadyExists", `a worksheet named '${name}' already exists`);
  return name;
}

function checkDefinedName(book: BookModel, name: unknown, what: string, self?: object): string {
  if (
    typeof name !== "string" ||
    name.length === 0 ||
    name.length > 255 ||
    !/^[A-Za-z_\\\u00C0-\uFFFF][A-Za-z0-9_.\\\u00C0-\uFFFF]*$/.test(name) ||
    /^[A-Za-z]{1,3}[0-9]+$/.test(name) ||
    /^(R[0-9]*C[0-9]*|R|C)$/i.test(name)
  )
    throw officeError("InvalidArgument", `${what}: '${String(name)}' is not a valid name`);
  const n = name.toLowerCase();
  const clash =
    book.tables.some((t) => t !== self && t.name.toLowerCase() === n) ||
    book.names.some((x) => x !== self && x.scopeSheetId === null && x.name.toLowerCase() === n);
  if (clash) throw officeError("ItemAlreadyExists", `${what}: the name '${name}' is already used by a table or a name`);
  return name;
}

function visibleSheets(book: BookModel): SheetModel[] {
  return book.sheets.filter((s) => s.visibility === "Visible");
}

function activeSheet(book: BookModel): SheetModel {
  return sheetById(book, book.activeId) ?? visibleSheets(book)[0] ?? book.sheets[0];
}

function tablesOn(book: BookModel, sheet: SheetModel): TableModel[] {
  return book.tables.filter((t) => t.sheetId === sheet.id);
}

/* ---- cells ---- */

function checkDims(data: unknown, nr: number, nc: number, what: string): asserts data is unknown[][] {
  const got = Array.isArray(data)
    ? `${data.length}×${Array.isArray(data[0]) ? (data[0] as unknown[]).length : "?"}`
    : typeof data;
  if (!Array.isArray(data) || data.length !== nr)
    throw officeError("InvalidArgument", `${what}: the range is ${nr}×${nc} but the array is ${got}`);
  for (let i = 0; i < nr; i++) {
    const row = data[i];
    if (!Array.isArray(row) || row.length !== nc)
      throw officeError(
        "InvalidArgument",
        `${what}: the range is ${nr}×${nc} but row ${i} of the array has ${Array.isArray(row) ? row.length : typeof row} cells`,
      );
  }
}

function cellCount(r: Rect): number {
  return rows(r) * cols(r);
}

function readGrid<T, D>(src: Rows<T>, rect: Rect, empty: D, map?: (x: T) => T | D): (T | D)[][] {
  const nr = rows(rect);
  const nc = cols(rect);
  const out: (T | D)[][] = new Array(nr);
  for (let i = 0; i < nr; i++) {
    const row = src[rect.r0 + i];
    const o: (T | D)[] = new Array(nc);
    if (!row) o.fill(empty);
    else
      for (let j = 0; j < nc; j++) {
        const x = row[rect.c0 + j];
        o[j] = x === undefined || x === null ? empty : map ? map(x) : x;
      }
    out[i] = o;
  }
  return out;
}

function readValues(sheet: SheetModel, rect: Rect): Scalar[][] {
  return readGrid<Scalar | null, string>(sheet.v, rect, "") as Scalar[][];
}

function readFormulas(sheet: SheetModel, rect: Rect): Scalar[][] {
  const out = readValues(sheet, rect);
  for (let i = 0; i < out.length; i++) {
    const fr = sheet.f[rect.r0 + i];
    if (!fr) continue;
    for (let j = 0; j < out[i].length; j++) {
      const f = fr[rect.c0 + j];
      if (f !== undefined) out[i][j] = f;
    }
  }
  return out;
}

function readNumberFormats(sheet: SheetModel, rect: Rect): string[][] {
  return readGrid<string, string>(sheet.nf, rect, "General");
}

function readText(sheet: SheetModel, rect: Rect): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < rows(rect); i++) {
    const r = rect.r0 + i;
    const o: string[] = [];
    for (let j = 0; j < cols(rect); j++) {
      const c = rect.c0 + j;
      o.push(displayText(sheet.v[r]?.[c], sheet.nf[r]?.[c]));
    }
    out.push(o);
  }
  return out;
}

const ERROR_VALUES = new Set(["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#BUSY!", "#CONNECT!", "#UNKNOWN!"]);

function readValueTypes(sheet: SheetModel, rect: Rect): string[][] {
  return readGrid<Scalar | null, string>(sheet.v, rect, "Empty", (x) =>
    typeof x === "number" ? "Double" : typeof x === "boolean" ? "Boolean" : ERROR_VALUES.has(String(x)) ? "Error" : "String",
  ) as string[][];
}

function writeCells(book: BookModel, sheet: SheetModel, rect: Rect, data: unknown, what: string, typed: boolean): void {
  const nr = rows(rect);
  const nc = cols(rect);
  checkDims(data, nr, nc, what);
  for (let i = 0; i < nr; i++) {
    const src = data[i];
    for (let j = 0; j < nc; j++) {
      const x = src[j];
      if (x === null || x === undefined) continue;
      const t = typeof x;
      if (t !== "string" && t !== "number" && t !== "boolean" && !(x instanceof Date))
        throw officeError("InvalidArgument", `${what}[${i}][${j}] is ${Array.isArray(x) ? "an array" : t}`);
    }
  }
  for (let i = 0; i < nr; i++) {
    const src = data[i];
    const r = rect.r0 + i;
    let vrow: Row<Scalar | null> | null = null;
    for (let j = 0; j < nc; j++) {
      let x = src[j];
      if (x === null || x === undefined) continue;
      const c = rect.c0 + j;
      let value: Scalar | null;
      let formula: string | null = null;
      let nfNew: string | undefined;
      if (x instanceof Date) x = JSON.stringify(x).slice(1, -1);
      if (typeof x === "number") {
        if (!Number.isFinite(x)) continue; // JSON turns NaN/Infinity into null: the cell is left unchanged
        value = x;
      } else if (typeof x === "boolean") value = x;
      else {
        const p = parseInput(x as string, sheet.nf[r]?.[c], typed);
        value = p.value;
        formula = p.formula;
        nfNew = p.numberFormat;
      }
      if (!vrow) vrow = wrow(book, sheet.v, r);
      vrow[c] = value === null ? undefined : value;
      if (formula !== null) wrow(book, sheet.f, r)[c] = formula;
      else if (sheet.f[r]?.[c] !== undefined) wrow(book, sheet.f, r)[c] = undefined;
      if (nfNew !== undefined && sheet.nf[r]?.[c] === undefined) wrow(book, sheet.nf, r)[c] = nfNew;
    }
  }
  normalizeTableHeaders(book, sheet, rect);
}

function writeNumberFormats(book: BookModel, sheet: SheetModel, rect: Rect, data: unknown, what: string): void {
  const nr = rows(rect);
  const nc = cols(rect);
  checkDims(data, nr, nc, what);
  for (let i = 0; i < nr; i++) {
    const src = data[i];
    const r = rect.r0 + i;
    for (let j = 0; j < nc; j++) {
      const x = src[j];
      if (x === null || x === undefined) continue;
      if (typeof x !== "string") throw officeError("InvalidArgument", `${what}[${i}][${j}] must be a string`);
      wrow(book, sheet.nf, r)[rect.c0 + j] = x === "General" ? undefined : x;
    }
  }
}

function clearLayer<T>(book: BookModel, rowsArr: Rows<T>, rect: Rect): void {
  const last = Math.min(rect.r1, rowsArr.length - 1);
  for (let r = rect.r0; r <= last; r++) {
    const row = rowsArr[r];
    if (!row) continue;
    let any = false;
    const end = Math.min(rect.c1, row.length - 1);
    for (let c = rect.c0; c <= end; c++)
      if (row[c] !== undefined) {
        any = true;
        break;
      }
    if (!any) continue;
    const w = wrow(book, rowsArr, r);
    for (let c = rect.c0; c <= end; c++) w[c] = undefined;
  }
}

function clearRange(book: BookModel, sheet: SheetModel, rect: Rect, applyTo: string): void {
  if (applyTo === "All" || applyTo === "Contents" || applyTo === "ResetContents") {
    clearLayer(book, sheet.v, rect);
    clearLayer(book, sheet.f, rect);
  }
  if (applyTo === "All" || applyTo === "Formats") {
    clearLayer(book, sheet.nf, rect);
    fmtClear(sheet, rect, () => true);
    clearConditionalFormats(sheet, rect);
    sheet.merges = sheet.merges.filter((m) => !intersects(m, rect));
  }
  if (applyTo === "All" || applyTo === "Contents") normalizeTableHeaders(book, sheet, rect);
}

function extent<T>(rowsArr: Rows<T>, acc: { r0: number; c0: number; r1: number; c1: number }): void {
  for (let r = 0; r < rowsArr.length; r++) {
    const row = rowsArr[r];
    if (!row) continue;
    let lo = -1;
    let hi = -1;
    for (let c = 0; c < row.length; c++) {
      if (row[c] !== undefined && row[c] !== null) {
        if (lo < 0) lo = c;
        hi = c;
      }
    }
    if (lo < 0) continue;
    if (r < acc.r0) acc.r0 = r;
    if (r > acc.r1) acc.r1 = r;
    if (lo < acc.c0) acc.c0 = lo;
    if (hi > acc.c1) acc.c1 = hi;
  }
}

/** The used range: cells with a value or formula (and, unless valuesOnly, a number format, format or merge). */
function usedRect(sheet: SheetModel, valuesOnly: boolean): Rect | null {
  const acc = { r0: Infinity, c0: Infinity, r1: -1, c1: -1 };
  extent(sheet.v, acc);
  extent(sheet.f, acc);
  if (!valuesOnly) {
    extent(sheet.nf, acc);
    for (const e of [...sheet.fmt.map((x) => x.rect), ...sheet.merges]) {
      if (isEntireCols(e) || isEntireRows(e)) continue;
      acc.r0 = Math.min(acc.r0, e.r0);
      acc.c0 = Math.min(acc.c0, e.c0);
      acc.r1 = Math.max(acc.r1, e.r1);
      acc.c1 = Math.max(acc.c1, e.c1);
    }
  }
  return acc.r1 < 0 ? null : acc;
}

/* ---- formats ---- */

const FORMAT_DEFAULTS: Record<string, unknown> = {
  "font.bold": false,
  "font.italic": false,
  "font.color": "#000000",
  "font.size": 11,
  "font.name": "Calibri",
  "font.underline": "None",
  "font.strikethrough": false,
  "fill.color": "#FFFFFF",
  "fill.pattern": "None",
  wrapText: false,
  horizontalAlignment: "General",
  verticalAlignment: "Bottom",
  indentLevel: 0,
  textOrientation: 0,
};

function fmtSet(sheet: SheetModel, rect: Rect, key: string, value: unknown): void {
  sheet.fmt = sheet.fmt.filter((e) => !(e.key === key && contains(rect, e.rect)));
  sheet.fmt.push({ rect: { ...rect }, key, value });
}

function fmtClear(sheet: SheetModel, rect: Rect, pred: (key: string) => boolean): void {
  const out: FormatEntry[] = [];
  for (const e of sheet.fmt) {
    if (!pred(e.key) || !intersects(e.rect, rect)) out.push(e);
    else for (const piece of subtract(e.rect, rect)) out.push({ rect: piece, key: e.key, value: e.value });
  }
  sheet.fmt = out;
}

function fmtAt(entries: FormatEntry[], r: number, c: number, dflt: unknown): unknown {
  for (let k = entries.length - 1; k >= 0; k--) {
    const x = entries[k].rect;
    if (r >= x.r0 && r <= x.r1 && c >= x.c0 && c <= x.c1) return entries[k].value;
  }
  return dflt;
}

/** The format property of a range: its value when uniform, else null (as Excel). */
function fmtGet(sheet: SheetModel, rect: Rect, key: string): unknown {
  const dflt = FORMAT_DEFAULTS[key] ?? null;
  const es = sheet.fmt.filter((e) => e.key === key && intersects(e.rect, rect));
  if (!es.length) return dflt;
  if (contains(es[es.length - 1].rect, rect)) return es[es.length - 1].value;
  if (cellCount(rect) > 4_000_000) return null;
  const first = fmtAt(es, rect.r0, rect.c0, dflt);
  for (let r = rect.r0; r <= rect.r1; r++)
    for (let c = rect.c0; c <= rect.c1; c++) if (fmtAt(es, r, c, dflt) !== first) return null;
  return first;
}

function cellFormat(sheet: SheetModel, r: number, c: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(FORMAT_DEFAULTS)) {
    const v = fmtAt(
      sheet.fmt.filter((e) => e.key === key),
      r,
      c,
      undefined,
    );
    if (v !== undefined) out[key] = v;
  }
  if (sheet.colW[c] !== undefined) out.columnWidth = sheet.colW[c];
  if (sheet.rowH[r] !== undefined) out.rowHeight = sheet.rowH[r];
  return out;
}

const DEFAULT_COLUMN_WIDTH = 48;
const DEFAULT_ROW_HEIGHT = 15;

function uniform(values: Iterable<number>): number | null {
  let first: number | undefined;
  for (const v of values) {
    if (first === undefined) first = v;
    else if (v !== first) return null;
  }
  return first ?? null;
}

function* colWidths(sheet: SheetModel, rect: Rect): Iterable<number> {
  for (let c = rect.c0; c <= rect.c1; c++) yield sheet.colW[c] ?? DEFAULT_COLUMN_WIDTH;
}
function* rowHeights(sheet: SheetModel, rect: Rect): Iterable<number> {
  if (isEntireCols(rect)) {
    const set = Object.values(sheet.rowH);
    if (set.length === 0) yield DEFAULT_ROW_HEIGHT;
    else {
      yield DEFAULT_ROW_HEIGHT;
      yield* set;
    }
    return;
  }
  for (let r = rect.r0; r <= rect.r1; r++) yield sheet.rowH[r] ?? DEFAULT_ROW_HEIGHT;
}

function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.charCodeAt(0) > 0x2e80 ? 2 : 1;
  return w;
}

function autofitColumns(sheet: SheetModel, rect: Rect): void {
  const used = usedRect(sheet, true);
  for (let c = rect.c0; c <= Math.min(rect.c1, used ? used.c1 : -1); c++) {
    let max = 0;
    const r1 = Math.min(rect.r1, used ? used.r1 : -1);
    for (let r = rect.r0; r <= r1; r++) {
      const v = sheet.v[r]?.[c];
      if (v === undefined || v === null) continue;
      const w = textWidth(displayText(v, sheet.nf[r]?.[c]));
      if (w > max) max = w;
    }
    sheet.colW[c] = Math.max(12, Math.min(409, Math.round(max * 7.5 + 6)));
  }
}

/* ---- tables ---- */

function tableHeaderNames(sheet: SheetModel, t: TableModel): string[] {
  const out: string[] = [];
  for (let c = t.rect.c0; c <= t.rect.c1; c++) {
    const v = sheet.v[t.rect.r0]?.[c];
    out.push(v === undefined || v === null ? "" : String(v));
  }
  return out;
}

/** Excel keeps a table's header cells unique, non-empty text. */
function normalizeTableHeaders(book: BookModel, sheet: SheetModel, rect: Rect): void {
  for (const t of tablesOn(book, sheet)) {
    if (!t.showHeaders) continue;
    const hr: Rect = { r0: t.rect.r0, c0: t.rect.c0, r1: t.rect.r0, c1: t.rect.c1 };
    if (!intersects(hr, rect)) continue;
    fixHeaderRow(book, sheet, t.rect);
  }
}

function fixHeaderRow(book: BookModel, sheet: SheetModel, rect: Rect): void {
  const seen = new Set<string>();
  const r = rect.r0;
  for (let c = rect.c0; c <= rect.c1; c++) {
    const v = sheet.v[r]?.[c];
    let name = v === undefined || v === null ? "" : typeof v === "boolean" ? (v ? "TRUE" : "FALSE") : String(v);
    if (name === "") name = `Column${c - rect.c0 + 1}`;
    let unique = name;
    for (let k = 2; seen.has(unique.toLowerCase()); k++) unique = `${name}${k}`;
    seen.add(unique.toLowerCase());
    if (v !== unique) wrow(book, sheet.v, r)[c] = unique;
    if (sheet.f[r]?.[c] !== undefined) wrow(book, sheet.f, r)[c] = undefined;
  }
}

/* ---- conditional formats, validation, merges ---- */

function clearConditionalFormats(sheet: SheetModel, rect: Rect): number {
  let removed = 0;
  const keep: CFModel[] = [];
  for (const cf of sheet.cfs) {
    if (!cf.rects.some((x) => intersects(x, rect))) {
      keep.push(cf);
      continue;
    }
    cf.rects = cf.rects.flatMap((x) => subtract(x, rect));
    if (cf.rects.length) keep.push(cf);
    else {
      cf.deleted = true;
      removed++;
    }
  }
  sheet.cfs.length = 0;
  sheet.cfs.push(...keep);
  return removed;
}

function clearValidation(sheet: SheetModel, rect: Rect): void {
  sheet.dvs = sheet.dvs.flatMap((d) =>
    intersects(d.rect, rect) ? subtract(d.rect, rect).map((piece) => ({ ...clonePlain(d), rect: piece })) : [d],
  );
}

/* ---- charts ---- */

function seriesCount(sheet: SheetModel, rect: Rect, seriesBy: string): { byColumns: boolean; count: number; names: string[] } {
  const byColumns = seriesBy === "Columns" || (seriesBy !== "Rows" && rows(rect) >= cols(rect));
  const lines = byColumns ? cols(rect) : rows(rect);
  const along = byColumns ? rows(rect) : cols(rect);
  const at = (line: number, k: number) =>
    byColumns ? sheet.v[rect.r0 + k]?.[rect.c0 + line] : sheet.v[rect.r0 + line]?.[rect.c0 + k];
  const textLine = (line: number) => {
    for (let k = 1; k < along; k++) {
      const x = at(line, k);
      if (x !== undefined && x !== null && typeof x !== "number") return true;
    }
    return false;
  };
  // Leading lines of text are category labels (several make multi-level categories), as Excel does.
  let labels = 0;
  while (labels < lines - 1 && textLine(labels)) labels++;
  const corner = at(0, 0);
  if (labels === 0 && lines > 1 && (corner === undefined || corner === null || corner === "")) labels = 1;
  const headerIsText = along > 1 && [...Array(lines).keys()].some((l) => typeof at(l, 0) === "string");
  const names: string[] = [];
  for (let l = labels; l < lines; l++) {
    const h = at(l, 0);
    names.push(headerIsText && h !== undefined && h !== null ? String(h) : `Series${names.length + 1}`);
  }
  return { byColumns, count: Math.max(1, names.length), names: names.length ? names : ["Series1"] };
}

const NO_AXES = new Set(["Pie", "PieExploded", "3DPie", "3DPieExploded", "PieOfPie", "BarOfPie", "Doughnut", "DoughnutExploded", "Treemap", "Sunburst"]);

/* ---- building from a spec ---- */

function buildBook(spec: FakeBookSpec): BookModel {
  const book: BookModel = {
    sheets: [],
    tables: [],
    pivots: [],
    names: [],
    settings: [],
    activeId: "",
    seq: 0,
    calculationMode: "Automatic",
    txn: null,
  };
  const cellRef = (sheet: string, ref: string): Rect => {
    const r = parseRef(ref);
    if (!r) throw new Error(`FakeExcel spec: bad reference '${ref}' on sheet '${sheet}'`);
    return r;
  };
  for (const s of spec.sheets) {
    checkSheetName(book, s.name);
    const sh = newSheet(book, s.name);
    if (s.visibility) sh.visibility = s.visibility;
    s.cells.forEach((row, r) => {
      row.forEach((x, c) => {
        if (x === null || x === undefined || x === "") return;
        (sh.v[r] ??= [])[c] = x;
      });
    });
    for (const [ref, f] of Object.entries(s.formulas ?? {})) {
      const x = cellRef(s.name, ref);
      (sh.f[x.r0] ??= [])[x.c0] = f;
    }
    for (const [ref, nf] of Object.entries(s.numberFormats ?? {})) {
      const x = cellRef(s.name, ref);
      for (let r = x.r0; r <= x.r1; r++) for (let c = x.c0; c <= x.c1; c++) (sh.nf[r] ??= [])[c] = nf;
    }
    for (const m of s.merges ?? []) sh.merges.push(cellRef(s.name, m));
    book.sheets.push(sh);
    for (const t of s.tables ?? []) {
      const rect = cellRef(s.name, t.range);
      checkDefinedName(book, t.name, "spec table");
      fixHeaderRow(book, sh, rect);
      book.tables.push({
        id: nextId(book),
        name: t.name,
        sheetId: sh.id,
        rect,
        style: t.style ?? "TableStyleMedium2",
        showHeaders: true,
        showTotals: false,
        props: {},
      });
    }
  }
  if (!book.sheets.length) throw new Error("FakeExcel spec: a workbook needs at least one sheet");
  for (const n of spec.names ?? []) {
    const scope = n.sheet !== undefined ? sheetByName(book, n.sheet) : null;
    if (scope === undefined) throw new Error(`FakeExcel spec: no sheet '${n.sheet}' for the name '${n.name}'`);
    if (scope) {
      checkDefinedName({ ...book, tables: [], names: [] }, n.name, "spec name");
      if (book.names.some((x) => x.scopeSheetId === scope.id && x.name.toLowerCase() === n.name.toLowerCase())) throw new Error(`FakeExcel spec: the name '${n.name}' twice on '${scope.name}'`);
    } else checkDefinedName(book, n.name, "spec name");
    const body = n.refersTo.replace(/^=/, "");
    // `#REF!$A$1`: what a name whose sheet was deleted refers to (an error, not a sheet called #REF).
    const sp = body.startsWith("#REF!") ? null : splitAddress(body);
    let ref: NameModel["ref"] = null;
    let formula: string | null = null;
    if (sp && sp.sheet !== null && parseRef(sp.ref)) {
      const r = resolveAddress(book, body, scope, "spec name");
      ref = { sheetId: r.sheet.id, rect: r.rect };
    } else formula = `=${body}`;
    book.names.push({ id: nextId(book), name: n.name, scopeSheetId: scope ? scope.id : null, ref, formula, comment: n.comment ?? "", visible: n.visible ?? true });
  }
  const active = spec.activeSheet ? sheetByName(book, spec.activeSheet) : visibleSheets(book)[0];
  if (!active) throw new Error(`FakeExcel spec: no sheet '${spec.activeSheet}'`);
  book.activeId = active.id;
  return book;
}

/* ------------------------------------------------------------------------------------------------ */
/* Proxy framework: load specs, queued operations, strictness                                          */
/* ------------------------------------------------------------------------------------------------ */

/** What a null object (from an *OrNullObject method) resolves to. */
const NULL_ENTITY: { readonly nullObject: true } = Object.freeze({ nullObject: true as const });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Entity = any;

interface PropDef {
  get?: (self: FakeClientObject, e: Entity) => unknown;
  set?: (self: FakeClientObject, e: Entity, v: unknown) => void;
  /** Minimum ExcelApi version for this property. */
  api?: string;
  /** Left out of `load()` without arguments. */
  explicitOnly?: boolean;
}

interface ClassMeta {
  name: string;
  props: Record<string, PropDef>;
  navs: Record<string, () => ClassMeta>;
  item?: () => ClassMeta;
}

interface LoadSpec {
  props: Set<string>;
  /** Props added by a load without names: skipped (not an error) when the host's API set lacks them. */
  implicit: Set<string>;
  navs: Map<string, LoadSpec>;
  items: LoadSpec | null;
  top?: number;
  skip?: number;
}

interface LoadRecord {
  vals: Record<string, unknown>;
  isNull: boolean;
}

class BatchOut {
  recs = new Map<FakeClientObject, LoadRecord>();
  commits: (() => void)[] = [];
  bytes = 0;
  constructor(readonly limit: number) {}
  add(v: unknown): void {
    this.bytes += jsonBytes(v);
    if (this.bytes > this.limit)
      throw officeError("ResponsePayloadSizeLimitExceeded", `the response is over ${this.limit} bytes`);
  }
  rec(p: FakeClientObject): LoadRecord {
    let r = this.recs.get(p);
    if (!r) this.recs.set(p, (r = { vals: {}, isNull: false }));
    return r;
  }
}

interface Op {
  kind: "read" | "write";
  payload: unknown;
  run: (out: BatchOut) => void;
}

function newSpec(): LoadSpec {
  return { props: new Set(), implicit: new Set(), navs: new Map(), items: null };
}

function fillAll(meta: ClassMeta, spec: LoadSpec): void {
  if (meta.item) {
    spec.items ??= newSpec();
    fillAll(meta.item(), spec.items);
  }
  for (const [k, d] of Object.entries(meta.props))
    if (!d.explicitOnly && !spec.props.has(k)) {
      spec.props.add(k);
      spec.implicit.add(k);
    }
}

function addPath(meta: ClassMeta, spec: LoadSpec, segs: string[]): void {
  const parts = segs.map((s) => s.trim()).filter((s) => s !== "");
  if (!parts.length) return;
  const [s, ...rest] = parts;
  if (meta.item) {
    if (s === "items") {
      spec.items ??= newSpec();
      if (!rest.length) fillAll(meta.item(), spec.items);
      else addPath(meta.item(), spec.items, rest);
      return;
    }
    if (s in meta.props && !rest.length) {
      spec.props.add(s);
      spec.implicit.delete(s);
      return;
    }
    spec.items ??= newSpec();
    addPath(meta.item(), spec.items, parts);
    return;
  }
  if (s === "isNullObject" && !rest.length) return;
  if (s in meta.props) {
    if (rest.length) throw officeError("InvalidArgument", `load: '${parts.join("/")}' — ${meta.name}.${s} is not an object`);
    spec.props.add(s);
    spec.implicit.delete(s);
    return;
  }
  const nav = meta.navs[s];
  if (nav) {
    let sub = spec.navs.get(s);
    if (!sub) spec.navs.set(s, (sub = newSpec()));
    if (!rest.length) fillAll(nav(), sub);
    else addPath(nav(), sub, rest);
    return;
  }
  throw notImplemented(`load of ${meta.name}.${s}`);
}

function addObject(meta: ClassMeta, spec: LoadSpec, o: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(o)) {
    if (v === false || v === undefined) continue;
    if (k === "$all") {
      fillAll(meta, spec);
      continue;
    }
    if (k === "$top" || k === "$skip") {
      spec[k === "$top" ? "top" : "skip"] = Number(v);
      continue;
    }
    if (v === true) {
      addPath(meta, spec, [k]);
      continue;
    }
    if (typeof v !== "object" || v === null) throw officeError("InvalidArgument", `load: bad option ${k}`);
    if (meta.item) {
      if (k === "items") {
        spec.items ??= newSpec();
        addObject(meta.item(), spec.items, v as Record<string, unknown>);
      } else {
        spec.items ??= newSpec();
        addObject(meta.item(), spec.items, { [k]: v });
      }
      continue;
    }
    const nav = meta.navs[k];
    if (!nav) throw notImplemented(`load of ${meta.name}.${k}`);
    let sub = spec.navs.get(k);
    if (!sub) spec.navs.set(k, (sub = newSpec()));
    addObject(nav(), sub, v as Record<string, unknown>);
  }
}

function splitList(x: unknown): string[] {
  if (typeof x === "string") return x.split(",");
  if (Array.isArray(x)) return x.map(String);
  throw officeError("InvalidArgument", "load: expected a string or an array of strings");
}

function parseLoad(meta: ClassMeta, arg: unknown): LoadSpec {
  const spec = newSpec();
  if (arg === undefined || arg === null) {
    fillAll(meta, spec);
    return spec;
  }
  if (typeof arg === "string" || Array.isArray(arg)) {
    for (const p of splitList(arg)) addPath(meta, spec, p.split("/"));
    return spec;
  }
  if (typeof arg === "object") {
    const o = arg as Record<string, unknown>;
    if ("select" in o || "expand" in o || "top" in o || "skip" in o) {
      if (o.select !== undefined) for (const p of splitList(o.select)) addPath(meta, spec, p.split("/"));
      if (o.expand !== undefined) for (const p of splitList(o.expand)) addPath(meta, spec, p.split("/"));
      if (o.select === undefined && o.expand === undefined) fillAll(meta, spec);
      if (typeof o.top === "number") spec.top = o.top;
      if (typeof o.skip === "number") spec.skip = o.skip;
      return spec;
    }
    addObject(meta, spec, o);
    return spec;
  }
  throw officeError("InvalidArgument", `load: unsupported argument ${String(arg)}`);
}

const PROBES = new Set([
  "then", "catch", "toJSON", "asymmetricMatch", "nodeType", "nodeName", "tagName", "constructor", "inspect", "length",
  "size", "mock", "getMockName", "sample", "jasmineToString", "toAsymmetricMatcher", "valueOf", "toString",
  "hasOwnProperty", "prototype", "call", "apply", "entries", "keys", "values", "default", "__esModule",
]);

/** Reading an unknown API-looking member throws "FakeExcel: X.y not implemented" instead of yielding undefined. */
export function strictHandler(name: (target: object) => string, members = /^[a-z][A-Za-z0-9]*$/): ProxyHandler<object> {
  return {
    get(target, prop, receiver) {
      if (typeof prop === "symbol" || prop in target) return Reflect.get(target, prop, receiver);
      if (PROBES.has(prop) || !members.test(prop)) return undefined;
      throw notImplemented(`${name(target)}.${prop}`);
    },
    set(target, prop, value, receiver) {
      if (typeof prop === "symbol" || prop in target || prop.startsWith("_"))
        return Reflect.set(target, prop, value, receiver);
      throw notImplemented(`setting ${name(target)}.${prop}`);
    },
  };
}

const CLIENT_OBJECT_HANDLER = strictHandler(
  (t) => (t.constructor as typeof FakeClientObject | undefined)?.meta?.name ?? "ClientObject",
);

/** Base of every proxy object (OfficeExtension.ClientObject). */
export class FakeClientObject {
  static meta: ClassMeta = { name: "ClientObject", props: {}, navs: {} };
  readonly context: FakeRequestContext;
  readonly _parent: FakeClientObject | null;
  readonly _path: string;
  _resolver: () => Entity;
  _cached: Entity = undefined;
  _vals: Record<string, unknown> = {};
  _isNull: boolean | undefined = undefined;
  _kids: Record<string, FakeClientObject> = {};
  _apiMissing: string | null = null;

  /**
   * Made in a batch whose sync failed: Office.js marks the objects a request creates (getRange…, add …) invalid
   * until a successful response names them, so after a failed sync they, and anything under them, cannot be used
   * again (InvalidObjectPath, at once). The fake is stricter than Office for a few methods (getItem), never looser.
   */
  _invalid = false;

  constructor(context: FakeRequestContext, parent: FakeClientObject | null, path: string, resolver: () => Entity) {
    this.context = context;
    this._parent = parent;
    this._path = path;
    this._resolver = resolver;
    const proxy = new Proxy(this, CLIENT_OBJECT_HANDLER) as this;
    if (parent) context._fresh.push(proxy);
    return proxy;
  }

  _checkValid(): void {
    for (let p: FakeClientObject | null = this; p; p = p._parent)
      if (p._invalid) throw officeError("InvalidObjectPath", `${this._meta().name}: made in a request that failed; make it again`, this._path);
  }

  /** Whether this proxy stands for a null object; needs load + sync like any property. */
  get isNullObject(): boolean {
    if (this._isNull === undefined)
      throw new FakeOfficeError("PropertyNotLoaded", `${this._meta().name}.isNullObject`, this._path, "isNullObject");
    return this._isNull;
  }

  _meta(): ClassMeta {
    return (this.constructor as typeof FakeClientObject).meta;
  }
  _host(): FakeHost {
    return this.context._host;
  }
  _book(): BookModel {
    return this.context._host.book;
  }

  _resolve(): Entity {
    if (this._cached === undefined) this._cached = this._resolver();
    const e = this._cached;
    if (e !== NULL_ENTITY && e && (e.deleted || e.sheet?.deleted || e.table?.deleted || e.pivot?.deleted || e.chart?.deleted))
      throw officeError("ItemNotFound", `${this._meta().name} no longer exists (deleted)`, this._path);
    return e;
  }

  _bind(e: Entity): void {
    this._cached = e;
  }

  _blocked(api?: string, what?: string): string | null {
    for (let p: FakeClientObject | null = this; p; p = p._parent) if (p._apiMissing) return p._apiMissing;
    if (api && !this._host().apiOk(api)) return `${what ?? this._meta().name} needs ExcelApi ${api}`;
    return null;
  }

  _kid<T extends FakeClientObject>(name: string, make: () => T, api?: string): T {
    let k = this._kids[name] as T | undefined;
    if (!k) {
      k = make();
      if (api && !this._host().apiOk(api)) k._apiMissing = `${this._meta().name}.${name} needs ExcelApi ${api}`;
      this._kids[name] = k;
    }
    return k;
  }

  /** Queues an operation; `run` gets the resolved entity (skipped for null objects). */
  _queue(
    desc: string,
    args: unknown,
    run: (e: Entity, out: BatchOut) => void,
    opts: { api?: string; kind?: "read" | "write" } = {},
  ): void {
    this._checkValid();
    const blocked = this._blocked(opts.api, `${this._meta().name}.${desc}`);
    this.context._enqueue({
      kind: opts.kind ?? "write",
      payload: { o: this._path, m: desc, a: args },
      run: (out) => {
        if (blocked) throw officeError("ApiNotFound", blocked, this._path);
        const e = this._resolve();
        if (e === NULL_ENTITY) return;
        run(e, out);
      },
    });
  }

  /** A method returning OfficeExtension.ClientResult, computed at sync. */
  _result<T>(desc: string, args: unknown, compute: (e: Entity) => T, api?: string): FakeClientResult<T> {
    const res = new FakeClientResult<T>();
    this._queue(
      desc,
      args,
      (e, out) => {
        const v = compute(e);
        out.add(v);
        out.commits.push(() => res._set(v));
      },
      { api, kind: "read" },
    );
    return res;
  }

  _checkSameContext(x: unknown, what: string): void {
    if (x instanceof FakeClientObject && x.context !== this.context)
      throw officeError("InvalidRequestContext", `${what}: the object comes from another request context`);
  }

  _read(name: string): unknown {
    if (Object.prototype.hasOwnProperty.call(this._vals, name)) return this._vals[name];
    if (this._isNull === true) return undefined;
    throw new FakeOfficeError("PropertyNotLoaded", `${this._meta().name}.${name}`, this._path, name);
  }

  _write(name: string, v: unknown): void {
    const d = this._meta().props[name];
    if (!d?.set) throw new TypeError(`Cannot set property ${name} of ${this._meta().name} which has only a getter`);
    this._vals[name] = v;
    this._queue(name + "=", v, (e) => d.set!(this, e, v), { api: d.api });
  }

  _execLoad(spec: LoadSpec, out: BatchOut): void {
    const e = this._resolve();
    const rec = out.rec(this);
    if (e === NULL_ENTITY) {
      rec.isNull = true;
      return;
    }
    rec.isNull = false;
    const meta = this._meta();
    for (const p of spec.props) {
      const d = meta.props[p];
      if (d.api && !this._host().apiOk(d.api) && spec.implicit.has(p)) continue;
      if (d.api && !this._host().apiOk(d.api))
        throw officeError("ApiNotFound", `${meta.name}.${p} needs ExcelApi ${d.api}`, this._path);
      const v = d.get ? d.get(this, e) : undefined;
      rec.vals[p] = v;
      out.add(v);
    }
    for (const [n, sub] of spec.navs) ((this as unknown as Record<string, FakeClientObject>)[n])._execLoad(sub, out);
    if (spec.items) {
      const coll = this as unknown as FakeCollection;
      let list = coll._entities(e);
      const skip = spec.skip ?? 0;
      list = list.slice(skip, spec.top !== undefined ? skip + spec.top : undefined);
      const items = list.map((x: Entity, i: number) => coll._makeItem(x, i + skip));
      rec.vals.items = items;
      for (const it of items) it._execLoad(spec.items, out);
    }
  }

  /** Queues a load (string "a,b/c", string[], {select, expand}, or {a: true, b: {c: true}}). */
  load(arg?: unknown): this {
    this._checkValid();
    const spec = parseLoad(this._meta(), arg);
    const blocked = this._blocked();
    this.context._enqueue({
      kind: "read",
      payload: { o: this._path, load: arg ?? "*" },
      run: (out) => {
        if (blocked) throw officeError("ApiNotFound", blocked, this._path);
        this._execLoad(spec, out);
      },
    });
    return this;
  }

  /** ClientObject.set: several properties (and navigation properties) at once. */
  set(properties: Record<string, unknown>): void {
    const meta = this._meta();
    for (const [k, v] of Object.entries(properties ?? {})) {
      if (k in meta.props) this._write(k, v);
      else if (k in meta.navs) ((this as unknown as Record<string, FakeClientObject>)[k]).set(v as Record<string, unknown>);
      else throw notImplemented(`${meta.name}.set({${k}})`);
    }
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this._vals))
      out[k] = k === "items" && Array.isArray(v) ? v.map((x) => (x as FakeClientObject).toJSON()) : v;
    for (const [k, kid] of Object.entries(this._kids)) {
      const j = kid.toJSON();
      if (Object.keys(j).length) out[k] = j;
    }
    return out;
  }
}

/** OfficeExtension.ClientResult. */
export class FakeClientResult<T> {
  private _loaded = false;
  private _value: T | undefined;
  get value(): T {
    if (!this._loaded) throw new FakeOfficeError("ValueNotLoaded");
    return this._value as T;
  }
  _set(v: T): void {
    this._loaded = true;
    this._value = v;
  }
  toJSON(): unknown {
    return this._loaded ? { value: this._value } : {};
  }
}

/** Base of collection proxies: `items` needs load; `getCount()` is a ClientResult. */
export abstract class FakeCollection<T extends FakeClientObject = FakeClientObject> extends FakeClientObject {
  abstract _entities(e: Entity): Entity[];
  abstract _makeItem(x: Entity, index: number): T;
  get items(): T[] {
    return this._read("items") as T[];
  }
  _itemProxy<T extends FakeClientObject>(make: (path: string, resolver: () => Entity) => T, x: Entity, label: string): T {
    const p = make(`${this._path}[${JSON.stringify(label)}]`, () => x);
    p._bind(x);
    return p;
  }
}

type MetaClass = { meta: ClassMeta; prototype: object };
function defineProps(cls: MetaClass, name: string, props: Record<string, PropDef>, navs: Record<string, () => ClassMeta> = {}, item?: () => ClassMeta): void {
  const parentMeta = (Object.getPrototypeOf(cls) as MetaClass).meta;
  const all = { ...(parentMeta && parentMeta.name !== "ClientObject" ? parentMeta.props : {}), ...props };
  cls.meta = { name, props: all, navs: { ...(parentMeta && parentMeta.name !== "ClientObject" ? parentMeta.navs : {}), ...navs }, item };
  for (const key of Object.keys(props)) {
    if (Object.prototype.hasOwnProperty.call(cls.prototype, key)) continue;
    Object.defineProperty(cls.prototype, key, {
      configurable: true,
      enumerable: false,
      get(this: FakeClientObject) {
        return this._read(key);
      },
      set(this: FakeClientObject, v: unknown) {
        this._write(key, v);
      },
    });
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Request context and host                                                                           */
/* ------------------------------------------------------------------------------------------------ */

export class FakeRequestContext {
  readonly _host: FakeHost;
  _queue: Op[] = [];
  _closed = false;
  /** Objects made since the last sync (invalid should that sync fail). */
  _fresh: FakeClientObject[] = [];
  readonly workbook: FakeWorkbook;
  readonly trackedObjects = { add(_o: unknown): void {}, remove(_o: unknown): void {} };
  readonly requestHeaders: Record<string, string> = {};

  constructor(host: FakeHost) {
    this._host = host;
    const proxy = new Proxy(this, strictHandler(() => "RequestContext")) as this;
    this.workbook = new FakeWorkbook(proxy, null, "workbook", () => host.book);
    return proxy;
  }

  get application(): FakeApplication {
    return this.workbook.application;
  }

  get debugInfo(): { pendingStatements: string[] } {
    return { pendingStatements: this._queue.map((o) => JSON.stringify(o.payload).slice(0, 200)) };
  }

  _enqueue(op: Op): void {
    this._queue.push(op);
  }

  /** Sends the queued batch: one round trip (none when nothing is queued). */
  sync<T>(passThroughValue?: T): Promise<T> {
    const batch = this._queue;
    const fresh = this._fresh;
    this._queue = [];
    this._fresh = [];
    return Promise.resolve().then(() => {
      try {
        this._host.execute(this, batch);
      } catch (e) {
        if (batch.length > 0) for (const o of fresh) o._invalid = true;
        throw e;
      }
      return passThroughValue as T;
    });
  }
}

export class FakeHost {
  book: BookModel;
  readonly apiSets: Record<string, string>;
  readonly limit: number;
  readonly typed: boolean;
  readonly opts: FakeExcelOptions;
  readonly stats: FakeStats = { syncs: 0, requests: [], maxRequestBytes: 0, maxResponseBytes: 0, emptySyncs: 0 };
  /** Syncs still to go before the one that fails (failSyncAt). */
  failIn: number | null = null;
  /** The error code the failing sync reports (failSyncAt). */
  failCode = "GeneralException";
  /** The options each Excel.run was given (delayForCellEdit …), in order. */
  runOptions: unknown[] = [];

  constructor(spec: FakeBookSpec, opts: FakeExcelOptions = {}) {
    this.opts = opts;
    this.book = buildBook(spec);
    this.apiSets = {
      ExcelApi: "1.17",
      ExcelApiOnline: "1.1",
      SharedRuntime: "1.1",
      CustomFunctionsRuntime: "1.3",
      RibbonApi: "1.1",
      DialogApi: "1.2",
      ...(opts.apiSets ?? {}),
    };
    this.limit = opts.payloadLimitBytes ?? 5 * 1024 * 1024;
    this.typed = opts.typedInput ?? true;
  }

  apiOk(version: string, set = "ExcelApi"): boolean {
    const have = this.apiSets[set];
    return have !== undefined && vcmp(have, version) >= 0;
  }

  execute(ctx: FakeRequestContext, batch: Op[]): void {
    if (!batch.length) {
      this.stats.emptySyncs += 1;
      return;
    }
    const stats = this.stats;
    stats.syncs += 1;
    const n = stats.syncs;
    const bytes = utf8Bytes(JSON.stringify(batch.map((o) => o.payload)));
    const stat: FakeRequestStat = { bytes, responseBytes: 0, ops: batch.length };
    stats.requests.push(stat);
    stats.maxRequestBytes = Math.max(stats.maxRequestBytes, bytes);
    if (ctx._closed)
      throw officeError("InvalidObjectPath", "this context's Excel.run has finished; its objects cannot be used any more");
    if (this.failIn !== null && --this.failIn === 0) {
      this.failIn = null;
      throw officeError(this.failCode, `failSyncAt: sync #${n} failed on purpose; nothing of it was applied`);
    }
    if (bytes > this.limit)
      throw officeError("RequestPayloadSizeLimitExceeded", `the request is ${bytes} bytes, over the limit of ${this.limit}`);
    const out = new BatchOut(this.limit);
    const journal = batch.some((o) => o.kind === "read") && batch.some((o) => o.kind === "write");
    if (journal) beginTxn(this.book);
    try {
      for (const op of batch) op.run(out);
    } catch (e) {
      if (e instanceof FakeOfficeError && e.code === "ResponsePayloadSizeLimitExceeded") rollbackTxn(this.book);
      stat.responseBytes = out.bytes;
      throw e;
    } finally {
      this.book.txn = null;
    }
    stat.responseBytes = out.bytes;
    stats.maxResponseBytes = Math.max(stats.maxResponseBytes, out.bytes);
    for (const [p, rec] of out.recs) {
      Object.assign(p._vals, rec.vals);
      p._isNull = rec.isNull;
    }
    for (const c of out.commits) c();
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Object model: helpers                                                                              */
/* ------------------------------------------------------------------------------------------------ */

interface RangeE {
  sheet: SheetModel;
  rect: Rect;
}
interface AreasE {
  sheet: SheetModel;
  rects: Rect[];
}

const WHOLE_SHEET: Rect = { r0: 0, c0: 0, r1: MAX_ROWS - 1, c1: MAX_COLS - 1 };

function isNull(e: Entity): boolean {
  return e === NULL_ENTITY;
}

function findName(book: BookModel, name: string, sheet: SheetModel | null): NameModel | undefined {
  const n = name.toLowerCase();
  return (
    (sheet ? book.names.find((x) => x.scopeSheetId === sheet.id && x.name.toLowerCase() === n) : undefined) ??
    book.names.find((x) => x.scopeSheetId === null && x.name.toLowerCase() === n)
  );
}

/** Resolves "A1:B2", "Sheet!A1", "'a b'!A:C" or a defined name; `onSheet` is the sheet an unqualified address means. */
function resolveAddress(book: BookModel, address: unknown, onSheet: SheetModel | null, what: string, sameSheet = false): RangeE {
  if (typeof address !== "string") throw officeError("InvalidArgument", `${what}: expected an address string`);
  const sp = splitAddress(address);
  if (!sp) throw officeError("InvalidArgument", `${what}: '${address}' is not a valid address`);
  let sheet = onSheet;
  if (sp.sheet !== null) {
    const s = sheetByName(book, sp.sheet);
    if (!s) throw officeError("InvalidArgument", `${what}: no worksheet '${sp.sheet}' for '${address}'`);
    if (sameSheet && onSheet && s !== onSheet)
      throw officeError("InvalidArgument", `${what}: '${address}' is not on worksheet '${onSheet.name}'`);
    sheet = s;
  }
  const rect = parseRef(sp.ref);
  if (rect && sheet) return { sheet, rect };
  const nm = findName(book, sp.ref, sheet);
  if (nm?.ref) {
    const s = sheetById(book, nm.ref.sheetId)!;
    if (sameSheet && onSheet && s !== onSheet)
      throw officeError("InvalidArgument", `${what}: the name '${sp.ref}' is not on worksheet '${onSheet.name}'`);
    return { sheet: s, rect: nm.ref.rect };
  }
  throw officeError("InvalidArgument", `${what}: '${address}' is not a valid address`);
}

/** A Range proxy or an address string, resolved at sync. */
function rangeArg(owner: FakeClientObject, x: unknown, onSheet: SheetModel | null, what: string, sameSheet = false): RangeE {
  if (x instanceof FakeRange) {
    const e = x._resolve();
    if (isNull(e)) throw officeError("InvalidArgument", `${what}: the range is a null object`);
    if (sameSheet && onSheet && e.sheet !== onSheet)
      throw officeError("InvalidArgument", `${what}: the range is not on worksheet '${onSheet.name}'`);
    return e;
  }
  return resolveAddress(owner._book(), x, onSheet, what, sameSheet);
}

function guardCells(self: FakeClientObject, rect: Rect): void {
  if (cellCount(rect) * 3 > self._host().limit)
    throw officeError("ResponsePayloadSizeLimitExceeded", `loading ${cellCount(rect)} cells cannot fit in ${self._host().limit} bytes`);
}

function inGrid(r: Rect, what: string): Rect {
  if (!(r.r0 >= 0 && r.c0 >= 0 && r.r1 < MAX_ROWS && r.c1 < MAX_COLS && r.r0 <= r.r1 && r.c0 <= r.c1) || [r.r0, r.r1, r.c0, r.c1].some((x) => !Number.isInteger(x)))
    throw officeError("InvalidArgument", `${what}: the resulting range is outside the worksheet`);
  return r;
}

function bool(v: unknown, what: string): boolean {
  if (typeof v !== "boolean") throw officeError("InvalidArgument", `${what}: expected a boolean, got ${JSON.stringify(v)}`);
  return v;
}
function num(v: unknown, what: string, min = -Infinity): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min)
    throw officeError("InvalidArgument", `${what}: expected a number${min > -Infinity ? ` ≥ ${min}` : ""}, got ${JSON.stringify(v)}`);
  return v;
}
function str(v: unknown, what: string): string {
  if (typeof v !== "string") throw officeError("InvalidArgument", `${what}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

/** A prop stored in a record of the entity. */
function stored(pick: (e: Entity) => Record<string, unknown>, key: string, dflt: unknown, check?: (v: unknown) => unknown, api?: string): PropDef {
  return {
    api,
    get: (_s, e) => {
      const v = pick(e)[key];
      return v === undefined ? dflt : v;
    },
    set: (_s, e, v) => {
      pick(e)[key] = check ? check(v) : v;
    },
  };
}

/* ------------------------------------------------------------------------------------------------ */
/* Workbook, application, worksheets                                                                  */
/* ------------------------------------------------------------------------------------------------ */

export class FakeWorkbook extends FakeClientObject {
  declare readonly name: string;
  get worksheets(): FakeWorksheetCollection {
    return this._kid("worksheets", () => new FakeWorksheetCollection(this.context, this, "workbook.worksheets", () => this._resolve()));
  }
  get tables(): FakeTableCollection {
    return this._kid("tables", () => new FakeTableCollection(this.context, this, "workbook.tables", () => this._resolve()));
  }
  get pivotTables(): FakePivotTableCollection {
    return this._kid("pivotTables", () => new FakePivotTableCollection(this.context, this, "workbook.pivotTables", () => this._resolve()), "1.3");
  }
  get names(): FakeNamedItemCollection {
    return this._kid("names", () => new FakeNamedItemCollection(this.context, this, "workbook.names", () => this._resolve()));
  }
  get settings(): FakeSettingCollection {
    return this._kid("settings", () => new FakeSettingCollection(this.context, this, "workbook.settings", () => this._resolve()), "1.4");
  }
  get application(): FakeApplication {
    return this._kid("application", () => new FakeApplication(this.context, this, "application", () => this._resolve()));
  }
  getSelectedRange(): FakeRange {
    return new FakeRange(this.context, this, "workbook.getSelectedRange()", () => {
      const s = activeSheet(this._book());
      return { sheet: s, rect: s.selection };
    });
  }
  getActiveCell(): FakeRange {
    const r = new FakeRange(this.context, this, "workbook.getActiveCell()", () => {
      const s = activeSheet(this._book());
      return { sheet: s, rect: { r0: s.selection.r0, c0: s.selection.c0, r1: s.selection.r0, c1: s.selection.c0 } };
    });
    if (!this._host().apiOk("1.7")) r._apiMissing = "Workbook.getActiveCell needs ExcelApi 1.7";
    return r;
  }
}
defineProps(
  FakeWorkbook,
  "Workbook",
  {
    name: { get: (s) => s._host().opts.bookName ?? "CRM.xlsx", api: "1.7" },
    readOnly: { get: () => false, api: "1.8" },
  },
  {
    worksheets: () => FakeWorksheetCollection.meta,
    tables: () => FakeTableCollection.meta,
    pivotTables: () => FakePivotTableCollection.meta,
    names: () => FakeNamedItemCollection.meta,
    settings: () => FakeSettingCollection.meta,
    application: () => FakeApplication.meta,
  },
);

export class FakeApplication extends FakeClientObject {
  declare calculationMode: string;
  calculate(calculationType: string): void {
    this._queue("calculate", [calculationType], () => {
      enumValue(ENUMS.CalculationType, calculationType, "Application.calculate");
    });
  }
  suspendApiCalculationUntilNextSync(): void {
    this._queue("suspendApiCalculationUntilNextSync", [], () => undefined, { api: "1.6" });
  }
  suspendScreenUpdatingUntilNextSync(): void {
    this._queue("suspendScreenUpdatingUntilNextSync", [], () => undefined, { api: "1.9" });
  }
}
defineProps(FakeApplication, "Application", {
  calculationMode: {
    get: (_s, b: BookModel) => b.calculationMode,
    set: (_s, b: BookModel, v) => {
      b.calculationMode = enumValue(ENUMS.CalculationMode, v, "Application.calculationMode");
    },
  },
});

export class FakeWorksheetCollection extends FakeCollection<FakeWorksheet> {
  _entities(b: BookModel): SheetModel[] {
    return b.sheets;
  }
  _makeItem(s: SheetModel): FakeWorksheet {
    return this._itemProxy((p, r) => new FakeWorksheet(this.context, this, p, r), s, s.name);
  }
  add(name?: string): FakeWorksheet {
    const ws = new FakeWorksheet(this.context, this, `worksheets.add(${JSON.stringify(name ?? null)})`, () => {
      throw officeError("InvalidObjectPath", "the worksheet from add() does not exist (its add failed or was not synced)");
    });
    this._queue("add", [name ?? null], (b: BookModel) => {
      let n = name;
      if (n === undefined || n === null) {
        let k = b.sheets.length + 1;
        while (sheetByName(b, `Sheet${k}`)) k++;
        n = `Sheet${k}`;
      }
      checkSheetName(b, n);
      const s = newSheet(b, n);
      b.sheets.push(s);
      ws._bind(s);
    });
    return ws;
  }
  getItem(key: string): FakeWorksheet {
    return new FakeWorksheet(this.context, this, `worksheets.getItem(${JSON.stringify(key)})`, () => {
      const s = sheetByName(this._book(), String(key));
      if (!s) throw officeError("ItemNotFound", `no worksheet '${key}'`, "Worksheets.getItem");
      return s;
    });
  }
  getItemOrNullObject(key: string): FakeWorksheet {
    const w = new FakeWorksheet(this.context, this, `worksheets.getItemOrNullObject(${JSON.stringify(key)})`, () => sheetByName(this._book(), String(key)) ?? NULL_ENTITY);
    if (!this._host().apiOk("1.4")) w._apiMissing = "WorksheetCollection.getItemOrNullObject needs ExcelApi 1.4";
    return w;
  }
  getActiveWorksheet(): FakeWorksheet {
    return new FakeWorksheet(this.context, this, "worksheets.getActiveWorksheet()", () => activeSheet(this._book()));
  }
  getCount(visibleOnly?: boolean): FakeClientResult<number> {
    return this._result("getCount", [visibleOnly ?? false], (b: BookModel) => (visibleOnly ? visibleSheets(b) : b.sheets).length, "1.4");
  }
  getFirst(visibleOnly?: boolean): FakeWorksheet {
    return new FakeWorksheet(this.context, this, "worksheets.getFirst()", () => (visibleOnly ? visibleSheets(this._book()) : this._book().sheets)[0]);
  }
  getLast(visibleOnly?: boolean): FakeWorksheet {
    return new FakeWorksheet(this.context, this, "worksheets.getLast()", () => {
      const l = visibleOnly ? visibleSheets(this._book()) : this._book().sheets;
      return l[l.length - 1];
    });
  }
}
defineProps(FakeWorksheetCollection, "WorksheetCollection", {}, {}, () => FakeWorksheet.meta);

function deleteSheet(book: BookModel, s: SheetModel): void {
  if (s.visibility === "Visible" && visibleSheets(book).length === 1)
    throw officeError("InvalidOperation", "a workbook must keep at least one visible worksheet");
  const i = book.sheets.indexOf(s);
  book.sheets.splice(i, 1);
  s.deleted = true;
  for (const t of tablesOn(book, s)) t.deleted = true;
  book.tables.splice(0, book.tables.length, ...book.tables.filter((t) => !t.deleted));
  for (const p of book.pivots) if (p.sheetId === s.id) p.deleted = true;
  book.pivots.splice(0, book.pivots.length, ...book.pivots.filter((p) => !p.deleted));
  for (const n of book.names) {
    if (n.scopeSheetId === s.id) n.deleted = true;
    else if (n.ref?.sheetId === s.id) {
      n.ref = null;
      n.formula = "=#REF!";
    }
  }
  book.names.splice(0, book.names.length, ...book.names.filter((n) => !n.deleted));
  if (book.activeId === s.id) {
    const vis = visibleSheets(book);
    book.activeId = (vis.find((x) => book.sheets.indexOf(x) >= i) ?? vis[vis.length - 1]).id;
  }
}

export class FakeWorksheet extends FakeClientObject {
  declare readonly id: string;
  declare name: string;
  declare position: number;
  declare visibility: string;
  declare tabColor: string;
  declare showGridlines: boolean;

  _sheetOf(): Entity {
    return this._resolve();
  }
  get tables(): FakeTableCollection {
    return this._kid("tables", () => new FakeTableCollection(this.context, this, `${this._path}.tables`, () => this._resolve()));
  }
  get pivotTables(): FakePivotTableCollection {
    return this._kid("pivotTables", () => new FakePivotTableCollection(this.context, this, `${this._path}.pivotTables`, () => this._resolve()), "1.3");
  }
  get charts(): FakeChartCollection {
    return this._kid("charts", () => new FakeChartCollection(this.context, this, `${this._path}.charts`, () => this._resolve()));
  }
  get freezePanes(): FakeFreezePanes {
    return this._kid("freezePanes", () => new FakeFreezePanes(this.context, this, `${this._path}.freezePanes`, () => this._resolve()), "1.7");
  }
  get autoFilter(): FakeAutoFilter {
    return this._kid("autoFilter", () => new FakeAutoFilter(this.context, this, `${this._path}.autoFilter`, () => this._resolve()), "1.9");
  }
  get names(): FakeNamedItemCollection {
    return this._kid("names", () => new FakeNamedItemCollection(this.context, this, `${this._path}.names`, () => this._resolve()), "1.4");
  }
  get protection(): FakeWorksheetProtection {
    return this._kid("protection", () => new FakeWorksheetProtection(this.context, this, `${this._path}.protection`, () => this._resolve()), "1.2");
  }
  _range(desc: string, f: (s: SheetModel) => Rect, api?: string): FakeRange {
    const r = new FakeRange(this.context, this, `${this._path}.${desc}`, () => {
      const s = this._resolve();
      return isNull(s) ? NULL_ENTITY : { sheet: s, rect: f(s) };
    });
    if (api && !this._host().apiOk(api)) r._apiMissing = `Worksheet.${desc} needs ExcelApi ${api}`;
    return r;
  }
  getRange(address?: string): FakeRange {
    return this._range(`getRange(${JSON.stringify(address ?? null)})`, (s) =>
      address === undefined || address === null || address === "" ? WHOLE_SHEET : resolveAddress(this._book(), address, s, "Worksheet.getRange", true).rect,
    );
  }
  getRangeByIndexes(startRow: number, startColumn: number, rowCount: number, columnCount: number): FakeRange {
    return this._range(
      `getRangeByIndexes(${startRow},${startColumn},${rowCount},${columnCount})`,
      () => {
        if (!(rowCount >= 1 && columnCount >= 1))
          throw officeError("InvalidArgument", `getRangeByIndexes: rowCount and columnCount must be ≥ 1 (got ${rowCount}, ${columnCount})`);
        return inGrid({ r0: startRow, c0: startColumn, r1: startRow + rowCount - 1, c1: startColumn + columnCount - 1 }, "getRangeByIndexes");
      },
      "1.7",
    );
  }
  getCell(row: number, column: number): FakeRange {
    return this._range(`getCell(${row},${column})`, () => inGrid({ r0: row, c0: column, r1: row, c1: column }, "getCell"));
  }
  getUsedRange(valuesOnly?: boolean): FakeRange {
    return this._range(`getUsedRange(${valuesOnly ?? false})`, (s) => usedRect(s, !!valuesOnly) ?? { r0: 0, c0: 0, r1: 0, c1: 0 });
  }
  getUsedRangeOrNullObject(valuesOnly?: boolean): FakeRange {
    const r = new FakeRange(this.context, this, `${this._path}.getUsedRangeOrNullObject(${valuesOnly ?? false})`, () => {
      const s = this._resolve();
      if (isNull(s)) return NULL_ENTITY;
      const u = usedRect(s, !!valuesOnly);
      return u ? { sheet: s, rect: u } : NULL_ENTITY;
    });
    if (!this._host().apiOk("1.4")) r._apiMissing = "Worksheet.getUsedRangeOrNullObject needs ExcelApi 1.4";
    return r;
  }
  activate(): void {
    this._queue("activate", [], (s: SheetModel) => {
      if (s.visibility !== "Visible") throw officeError("InvalidOperation", `worksheet '${s.name}' is hidden and cannot be activated`);
      this._book().activeId = s.id;
    });
  }
  delete(): void {
    this._queue("delete", [], (s: SheetModel) => deleteSheet(this._book(), s));
  }
  calculate(_markAllDirty: boolean): void {
    this._queue("calculate", [_markAllDirty], () => undefined, { api: "1.6" });
  }
  _neighbour(desc: string, step: number, visibleOnly: boolean | undefined, orNull: boolean): FakeWorksheet {
    const w = new FakeWorksheet(this.context, this, `${this._path}.${desc}`, () => {
      const s = this._resolve();
      if (isNull(s)) return NULL_ENTITY;
      const list = this._book().sheets;
      for (let i = list.indexOf(s) + step; i >= 0 && i < list.length; i += step)
        if (!visibleOnly || list[i].visibility === "Visible") return list[i];
      if (orNull) return NULL_ENTITY;
      throw officeError("ItemNotFound", `no worksheet ${step > 0 ? "after" : "before"} '${s.name}'`);
    });
    if (!this._host().apiOk("1.5")) w._apiMissing = `Worksheet.${desc} needs ExcelApi 1.5`;
    return w;
  }
  getNext(visibleOnly?: boolean): FakeWorksheet {
    return this._neighbour("getNext()", 1, visibleOnly, false);
  }
  getNextOrNullObject(visibleOnly?: boolean): FakeWorksheet {
    return this._neighbour("getNextOrNullObject()", 1, visibleOnly, true);
  }
  getPrevious(visibleOnly?: boolean): FakeWorksheet {
    return this._neighbour("getPrevious()", -1, visibleOnly, false);
  }
  getPreviousOrNullObject(visibleOnly?: boolean): FakeWorksheet {
    return this._neighbour("getPreviousOrNullObject()", -1, visibleOnly, true);
  }
}
defineProps(
  FakeWorksheet,
  "Worksheet",
  {
    id: { get: (_s, e: SheetModel) => e.id },
    name: {
      get: (_s, e: SheetModel) => e.name,
      set: (s, e: SheetModel, v) => {
        e.name = checkSheetName(s._book(), v, e);
      },
    },
    position: {
      get: (s, e: SheetModel) => s._book().sheets.indexOf(e),
      set: (s, e: SheetModel, v) => {
        const list = s._book().sheets;
        if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= list.length)
          throw officeError("InvalidArgument", `Worksheet.position: ${JSON.stringify(v)} is not in 0..${list.length - 1}`);
        list.splice(list.indexOf(e), 1);
        list.splice(v, 0, e);
      },
    },
    visibility: {
      get: (_s, e: SheetModel) => e.visibility,
      set: (s, e: SheetModel, v) => {
        const b = s._book();
        const vis = enumValue(ENUMS.SheetVisibility, v, "Worksheet.visibility");
        if (vis !== "Visible" && e.visibility === "Visible" && visibleSheets(b).length === 1)
          throw officeError("InvalidOperation", "the last visible worksheet cannot be hidden");
        e.visibility = vis;
        if (vis !== "Visible" && b.activeId === e.id) b.activeId = visibleSheets(b)[0].id;
      },
    },
    tabColor: {
      api: "1.7",
      get: (_s, e: SheetModel) => e.tabColor,
      set: (_s, e: SheetModel, v) => {
        e.tabColor = v === "" || v === null ? "" : normalizeColor(v, "Worksheet.tabColor");
      },
    },
    showGridlines: {
      api: "1.8",
      get: (_s, e: SheetModel) => e.showGridlines,
      set: (_s, e: SheetModel, v) => {
        e.showGridlines = bool(v, "Worksheet.showGridlines");
      },
    },
    standardHeight: { api: "1.7", get: () => DEFAULT_ROW_HEIGHT },
    standardWidth: { api: "1.7", get: () => 8.43 },
  },
  {
    tables: () => FakeTableCollection.meta,
    pivotTables: () => FakePivotTableCollection.meta,
    charts: () => FakeChartCollection.meta,
    freezePanes: () => FakeFreezePanes.meta,
    autoFilter: () => FakeAutoFilter.meta,
    names: () => FakeNamedItemCollection.meta,
    protection: () => FakeWorksheetProtection.meta,
  },
);

export class FakeWorksheetProtection extends FakeClientObject {
  declare readonly protected: boolean;
}
defineProps(FakeWorksheetProtection, "WorksheetProtection", {
  protected: { get: () => false },
  options: { get: () => ({}) },
});

export class FakeFreezePanes extends FakeClientObject {
  freezeRows(count = 1): void {
    this._queue("freezeRows", [count], (s: SheetModel) => {
      s.frozenRows = num(count, "freezeRows", 0);
    });
  }
  freezeColumns(count = 1): void {
    this._queue("freezeColumns", [count], (s: SheetModel) => {
      s.frozenCols = num(count, "freezeColumns", 0);
    });
  }
  freezeAt(frozenRange: FakeRange | string): void {
    this._checkSameContext(frozenRange, "freezeAt");
    this._queue("freezeAt", [frozenRange instanceof FakeRange ? frozenRange._path : frozenRange], (s: SheetModel) => {
      const r = rangeArg(this, frozenRange, s, "freezeAt", true).rect;
      s.frozenRows = isEntireRows(r) || !isEntireCols(r) ? r.r1 + 1 : 0;
      s.frozenCols = isEntireCols(r) || !isEntireRows(r) ? r.c1 + 1 : 0;
    });
  }
  unfreeze(): void {
    this._queue("unfreeze", [], (s: SheetModel) => {
      s.frozenRows = 0;
      s.frozenCols = 0;
    });
  }
  _location(orNull: boolean): FakeRange {
    return new FakeRange(this.context, this, `${this._path}.getLocation${orNull ? "OrNullObject" : ""}()`, () => {
      const s: SheetModel | typeof NULL_ENTITY = this._resolve();
      if (isNull(s)) return NULL_ENTITY;
      const sh = s as SheetModel;
      if (!sh.frozenRows && !sh.frozenCols) {
        if (orNull) return NULL_ENTITY;
        throw officeError("ItemNotFound", "no frozen panes");
      }
      const rect: Rect = {
        r0: 0,
        c0: 0,
        r1: sh.frozenRows ? sh.frozenRows - 1 : MAX_ROWS - 1,
        c1: sh.frozenCols ? sh.frozenCols - 1 : MAX_COLS - 1,
      };
      return { sheet: sh, rect };
    });
  }
  getLocation(): FakeRange {
    return this._location(false);
  }
  getLocationOrNullObject(): FakeRange {
    return this._location(true);
  }
}
defineProps(FakeFreezePanes, "WorksheetFreezePanes", {});

export class FakeAutoFilter extends FakeClientObject {
  declare readonly enabled: boolean;
  declare readonly isDataFiltered: boolean;
  declare readonly criteria: unknown[];
  apply(range: FakeRange | string, columnIndex?: number, criteria?: Record<string, unknown>): void {
    this._checkSameContext(range, "AutoFilter.apply");
    this._queue("apply", [range instanceof FakeRange ? range._path : range, columnIndex ?? null, criteria ?? null], (s: SheetModel) => {
      const rect = rangeArg(this, range, s, "AutoFilter.apply", true).rect;
      const clash = tablesOn(this._book(), s).find((t) => intersects(t.rect, rect));
      if (clash) throw officeError("InvalidArgument", `AutoFilter.apply: the range overlaps table '${clash.name}', which has its own filter`);
      const keep = s.autoFilter && sameRect(s.autoFilter.rect, rect) ? s.autoFilter.criteria : {};
      s.autoFilter = { rect: { ...rect }, criteria: { ...keep } };
      if (columnIndex !== undefined && columnIndex !== null) {
        if (!Number.isInteger(columnIndex) || columnIndex < 0 || columnIndex >= cols(rect))
          throw officeError("InvalidArgument", `AutoFilter.apply: column index ${columnIndex} is outside the range`);
        if (criteria) s.autoFilter.criteria[String(columnIndex)] = clonePlain(criteria);
      }
    });
  }
  remove(): void {
    this._queue("remove", [], (s: SheetModel) => {
      s.autoFilter = null;
    });
  }
  clearCriteria(): void {
    this._queue("clearCriteria", [], (s: SheetModel) => {
      if (s.autoFilter) s.autoFilter.criteria = {};
    });
  }
  clearColumnCriteria(columnIndex: number): void {
    this._queue("clearColumnCriteria", [columnIndex], (s: SheetModel) => {
      if (s.autoFilter) delete s.autoFilter.criteria[String(columnIndex)];
    }, { api: "1.14" });
  }
  reapply(): void {
    this._queue("reapply", [], () => undefined);
  }
  _range(orNull: boolean): FakeRange {
    return new FakeRange(this.context, this, `${this._path}.getRange${orNull ? "OrNullObject" : ""}()`, () => {
      const s = this._resolve();
      if (isNull(s)) return NULL_ENTITY;
      if (!s.autoFilter) {
        if (orNull) return NULL_ENTITY;
        throw officeError("ItemNotFound", "the worksheet has no AutoFilter");
      }
      return { sheet: s, rect: s.autoFilter.rect };
    });
  }
  getRange(): FakeRange {
    return this._range(false);
  }
  getRangeOrNullObject(): FakeRange {
    return this._range(true);
  }
}
defineProps(FakeAutoFilter, "AutoFilter", {
  enabled: { get: (_s, e: SheetModel) => e.autoFilter !== null },
  isDataFiltered: { get: (_s, e: SheetModel) => !!e.autoFilter && Object.keys(e.autoFilter.criteria).length > 0 },
  criteria: {
    get: (_s, e: SheetModel) =>
      e.autoFilter ? [...Array(cols(e.autoFilter.rect)).keys()].map((i) => clonePlain(e.autoFilter!.criteria[String(i)] ?? { filterOn: "Custom" })) : [],
  },
});

/* ------------------------------------------------------------------------------------------------ */
/* Range and its formats                                                                              */
/* ------------------------------------------------------------------------------------------------ */

/* eslint-disable @typescript-eslint/no-explicit-any */
export class FakeRange extends FakeClientObject {
  declare readonly address: string;
  declare readonly addressLocal: string;
  declare readonly rowIndex: number;
  declare readonly columnIndex: number;
  declare readonly rowCount: number;
  declare readonly columnCount: number;
  declare readonly cellCount: number;
  declare values: any[][];
  declare formulas: any[][];
  declare formulasLocal: any[][];
  declare numberFormat: any[][];
  declare readonly text: string[][];
  declare readonly valueTypes: string[][];
  declare readonly isEntireColumn: boolean;
  declare readonly isEntireRow: boolean;
  declare columnHidden: boolean;
  declare rowHidden: boolean;

  get format(): FakeRangeFormat {
    return this._kid("format", () => new FakeRangeFormat(this.context, this, `${this._path}.format`, () => this._resolve()));
  }
  get conditionalFormats(): FakeConditionalFormatCollection {
    return this._kid("conditionalFormats", () => new FakeConditionalFormatCollection(this.context, this, `${this._path}.conditionalFormats`, () => this._resolve()), "1.6");
  }
  get dataValidation(): FakeDataValidation {
    return this._kid("dataValidation", () => new FakeDataValidation(this.context, this, `${this._path}.dataValidation`, () => this._resolve()), "1.8");
  }
  get worksheet(): FakeWorksheet {
    return this._kid("worksheet", () => new FakeWorksheet(this.context, this, `${this._path}.worksheet`, () => {
      const e = this._resolve();
      return isNull(e) ? NULL_ENTITY : e.sheet;
    }));
  }

  _derive(desc: string, f: (e: RangeE) => RangeE | typeof NULL_ENTITY, api?: string): FakeRange {
    const r = new FakeRange(this.context, this, `${this._path}.${desc}`, () => {
      const e = this._resolve();
      return isNull(e) ? NULL_ENTITY : f(e);
    });
    if (api && !this._host().apiOk(api)) r._apiMissing = `Range.${desc} needs ExcelApi ${api}`;
    return r;
  }
  _rect(desc: string, f: (r: Rect) => Rect, api?: string): FakeRange {
    return this._derive(desc, (e) => ({ sheet: e.sheet, rect: inGrid(f(e.rect), `Range.${desc}`) }), api);
  }

  getCell(row: number, column: number): FakeRange {
    return this._rect(`getCell(${row},${column})`, (r) => ({ r0: r.r0 + row, c0: r.c0 + column, r1: r.r0 + row, c1: r.c0 + column }));
  }
  getRow(row: number): FakeRange {
    return this._rect(`getRow(${row})`, (r) => ({ r0: r.r0 + row, c0: r.c0, r1: r.r0 + row, c1: r.c1 }));
  }
  getColumn(column: number): FakeRange {
    return this._rect(`getColumn(${column})`, (r) => ({ r0: r.r0, c0: r.c0 + column, r1: r.r1, c1: r.c0 + column }));
  }
  getResizedRange(deltaRows: number, deltaColumns: number): FakeRange {
    return this._rect(`getResizedRange(${deltaRows},${deltaColumns})`, (r) => ({ ...r, r1: r.r1 + deltaRows, c1: r.c1 + deltaColumns }), "1.2");
  }
  getAbsoluteResizedRange(numRows: number, numColumns: number): FakeRange {
    return this._rect(`getAbsoluteResizedRange(${numRows},${numColumns})`, (r) => ({ ...r, r1: r.r0 + numRows - 1, c1: r.c0 + numColumns - 1 }), "1.7");
  }
  getOffsetRange(rowOffset: number, columnOffset: number): FakeRange {
    return this._rect(`getOffsetRange(${rowOffset},${columnOffset})`, (r) => ({
      r0: r.r0 + rowOffset,
      c0: r.c0 + columnOffset,
      r1: r.r1 + rowOffset,
      c1: r.c1 + columnOffset,
    }));
  }
  getEntireColumn(): FakeRange {
    return this._rect("getEntireColumn()", (r) => ({ r0: 0, c0: r.c0, r1: MAX_ROWS - 1, c1: r.c1 }));
  }
  getEntireRow(): FakeRange {
    return this._rect("getEntireRow()", (r) => ({ r0: r.r0, c0: 0, r1: r.r1, c1: MAX_COLS - 1 }));
  }
  getLastCell(): FakeRange {
    return this._rect("getLastCell()", (r) => ({ r0: r.r1, c0: r.c1, r1: r.r1, c1: r.c1 }));
  }
  getLastRow(): FakeRange {
    return this._rect("getLastRow()", (r) => ({ ...r, r0: r.r1 }));
  }
  getLastColumn(): FakeRange {
    return this._rect("getLastColumn()", (r) => ({ ...r, c0: r.c1 }));
  }
  getRowsAbove(count = 1): FakeRange {
    return this._rect(`getRowsAbove(${count})`, (r) => ({ ...r, r0: r.r0 - count, r1: r.r0 - 1 }), "1.2");
  }
  getRowsBelow(count = 1): FakeRange {
    return this._rect(`getRowsBelow(${count})`, (r) => ({ ...r, r0: r.r1 + 1, r1: r.r1 + count }), "1.2");
  }
  getColumnsBefore(count = 1): FakeRange {
    return this._rect(`getColumnsBefore(${count})`, (r) => ({ ...r, c0: r.c0 - count, c1: r.c0 - 1 }), "1.2");
  }
  getColumnsAfter(count = 1): FakeRange {
    return this._rect(`getColumnsAfter(${count})`, (r) => ({ ...r, c0: r.c1 + 1, c1: r.c1 + count }), "1.2");
  }
  getBoundingRect(anotherRange: FakeRange | string): FakeRange {
    this._checkSameContext(anotherRange, "getBoundingRect");
    return this._derive("getBoundingRect()", (e) => {
      const o = rangeArg(this, anotherRange, e.sheet, "Range.getBoundingRect", true).rect;
      return { sheet: e.sheet, rect: { r0: Math.min(e.rect.r0, o.r0), c0: Math.min(e.rect.c0, o.c0), r1: Math.max(e.rect.r1, o.r1), c1: Math.max(e.rect.c1, o.c1) } };
    });
  }
  _intersection(anotherRange: FakeRange | string, orNull: boolean): FakeRange {
    this._checkSameContext(anotherRange, "getIntersection");
    return this._derive(`getIntersection${orNull ? "OrNullObject" : ""}()`, (e) => {
      const o = rangeArg(this, anotherRange, e.sheet, "Range.getIntersection", true).rect;
      const i = intersection(e.rect, o);
      if (i) return { sheet: e.sheet, rect: i };
      if (orNull) return NULL_ENTITY;
      throw officeError("ItemNotFound", "the ranges do not intersect");
    }, orNull ? "1.4" : undefined);
  }
  getIntersection(anotherRange: FakeRange | string): FakeRange {
    return this._intersection(anotherRange, false);
  }
  getIntersectionOrNullObject(anotherRange: FakeRange | string): FakeRange {
    return this._intersection(anotherRange, true);
  }
  _used(valuesOnly: boolean | undefined, orNull: boolean): FakeRange {
    return this._derive(`getUsedRange${orNull ? "OrNullObject" : ""}(${valuesOnly ?? false})`, (e) => {
      const u = usedRect(e.sheet, !!valuesOnly);
      const i = u ? intersection(u, e.rect) : null;
      if (i) return { sheet: e.sheet, rect: i };
      if (orNull) return NULL_ENTITY;
      throw officeError("ItemNotFound", "the range has no used cells");
    }, orNull ? "1.4" : "1.2");
  }
  getUsedRange(valuesOnly?: boolean): FakeRange {
    return this._used(valuesOnly, false);
  }
  getUsedRangeOrNullObject(valuesOnly?: boolean): FakeRange {
    return this._used(valuesOnly, true);
  }
  getMergedAreasOrNullObject(): FakeRangeAreas {
    const a = new FakeRangeAreas(this.context, this, `${this._path}.getMergedAreasOrNullObject()`, () => {
      const e = this._resolve();
      if (isNull(e)) return NULL_ENTITY;
      const rects = (e as RangeE).sheet.merges.filter((m) => intersects(m, e.rect));
      return rects.length ? { sheet: e.sheet, rects } : NULL_ENTITY;
    });
    if (!this._host().apiOk("1.13")) a._apiMissing = "Range.getMergedAreasOrNullObject needs ExcelApi 1.13";
    return a;
  }
  merge(across = false): void {
    this._queue("merge", [across], (e: RangeE) => {
      const b = this._book();
      const t = tablesOn(b, e.sheet).find((x) => intersects(x.rect, e.rect));
      if (t) throw officeError("InvalidOperation", `cells of table '${t.name}' cannot be merged`);
      const parts: Rect[] = across
        ? [...Array(rows(e.rect)).keys()].map((i) => ({ r0: e.rect.r0 + i, c0: e.rect.c0, r1: e.rect.r0 + i, c1: e.rect.c1 }))
        : [{ ...e.rect }];
      e.sheet.merges = e.sheet.merges.filter((m) => !intersects(m, e.rect));
      for (const p of parts) {
        if (cellCount(p) < 2) continue;
        e.sheet.merges.push(p);
        // Excel keeps only the upper-left value of a merged area.
        for (let r = p.r0; r <= p.r1; r++)
          for (let c = p.c0; c <= p.c1; c++) {
            if (r === p.r0 && c === p.c0) continue;
            if (e.sheet.v[r]?.[c] !== undefined) wrow(b, e.sheet.v, r)[c] = undefined;
            if (e.sheet.f[r]?.[c] !== undefined) wrow(b, e.sheet.f, r)[c] = undefined;
          }
      }
    }, { api: "1.2" });
  }
  unmerge(): void {
    this._queue("unmerge", [], (e: RangeE) => {
      e.sheet.merges = e.sheet.merges.filter((m) => !intersects(m, e.rect));
    }, { api: "1.2" });
  }
  clear(applyTo: string = "All"): void {
    this._queue("clear", [applyTo], (e: RangeE) => {
      clearRange(this._book(), e.sheet, e.rect, enumValue(ENUMS.ClearApplyTo, applyTo, "Range.clear"));
    });
  }
  select(): void {
    this._queue("select", [], (e: RangeE) => {
      if (e.sheet.visibility !== "Visible") throw officeError("InvalidOperation", `worksheet '${e.sheet.name}' is hidden`);
      this._book().activeId = e.sheet.id;
      e.sheet.selection = { ...e.rect };
    });
  }
}

function gridProp(read: (s: SheetModel, r: Rect) => unknown, write?: (self: FakeClientObject, e: RangeE, v: unknown) => void, api?: string): PropDef {
  return {
    api,
    explicitOnly: false,
    get: (self, e: RangeE) => {
      guardCells(self, e.rect);
      return read(e.sheet, e.rect);
    },
    set: write,
  };
}

const writeValuesProp = (what: string) => (self: FakeClientObject, e: RangeE, v: unknown) =>
  writeCells(self._book(), e.sheet, e.rect, v, what, self._host().typed);
const writeNumberFormatProp = (what: string) => (self: FakeClientObject, e: RangeE, v: unknown) =>
  writeNumberFormats(self._book(), e.sheet, e.rect, v, what);

function setHidden(map: Record<string, true>, from: number, to: number, v: unknown, what: string): void {
  const h = bool(v, what);
  if (to - from > 100000) throw notImplemented(`${what} on more than 100,000 rows/columns`);
  for (let i = from; i <= to; i++) {
    if (h) map[i] = true;
    else delete map[i];
  }
}

defineProps(
  FakeRange,
  "Range",
  {
    address: { get: (_s, e: RangeE) => addressOf(e.sheet.name, e.rect) },
    addressLocal: { get: (_s, e: RangeE) => addressOf(e.sheet.name, e.rect) },
    rowIndex: { get: (_s, e: RangeE) => e.rect.r0 },
    columnIndex: { get: (_s, e: RangeE) => e.rect.c0 },
    rowCount: { get: (_s, e: RangeE) => rows(e.rect) },
    columnCount: { get: (_s, e: RangeE) => cols(e.rect) },
    cellCount: { get: (_s, e: RangeE) => cellCount(e.rect) },
    values: gridProp(readValues, writeValuesProp("Range.values")),
    formulas: gridProp(readFormulas, writeValuesProp("Range.formulas")),
    formulasLocal: gridProp(readFormulas, writeValuesProp("Range.formulasLocal")),
    numberFormat: gridProp(readNumberFormats, writeNumberFormatProp("Range.numberFormat")),
    numberFormatLocal: gridProp(readNumberFormats, writeNumberFormatProp("Range.numberFormatLocal"), "1.7"),
    text: gridProp(readText),
    valueTypes: gridProp(readValueTypes),
    isEntireColumn: { api: "1.7", get: (_s, e: RangeE) => isEntireCols(e.rect) },
    isEntireRow: { api: "1.7", get: (_s, e: RangeE) => isEntireRows(e.rect) },
    columnHidden: {
      api: "1.2",
      get: (_s, e: RangeE) => {
        const all = [...Array(Math.min(cols(e.rect), 20000)).keys()].map((i) => !!e.sheet.hiddenCols[e.rect.c0 + i]);
        return all.every((x) => x) ? true : all.some((x) => x) ? null : false;
      },
      set: (_s, e: RangeE, v) => setHidden(e.sheet.hiddenCols, e.rect.c0, e.rect.c1, v, "Range.columnHidden"),
    },
    rowHidden: {
      api: "1.2",
      get: (_s, e: RangeE) => {
        const all = [...Array(Math.min(rows(e.rect), 100000)).keys()].map((i) => !!e.sheet.hiddenRows[e.rect.r0 + i]);
        return all.every((x) => x) ? true : all.some((x) => x) ? null : false;
      },
      set: (_s, e: RangeE, v) => setHidden(e.sheet.hiddenRows, e.rect.r0, e.rect.r1, v, "Range.rowHidden"),
    },
    top: { api: "1.10", get: (_s, e: RangeE) => e.rect.r0 * DEFAULT_ROW_HEIGHT },
    left: { api: "1.10", get: (_s, e: RangeE) => [...Array(e.rect.c0).keys()].reduce((a, c) => a + (e.sheet.colW[c] ?? DEFAULT_COLUMN_WIDTH), 0) },
    height: { api: "1.10", get: (_s, e: RangeE) => rows(e.rect) * DEFAULT_ROW_HEIGHT },
    width: { api: "1.10", get: (_s, e: RangeE) => [...colWidths(e.sheet, e.rect)].reduce((a, w) => a + w, 0) },
  },
  {
    format: () => FakeRangeFormat.meta,
    conditionalFormats: () => FakeConditionalFormatCollection.meta,
    dataValidation: () => FakeDataValidation.meta,
    worksheet: () => FakeWorksheet.meta,
  },
);

export class FakeRangeAreas extends FakeClientObject {
  declare readonly address: string;
  declare readonly areaCount: number;
  get worksheet(): FakeWorksheet {
    return this._kid("worksheet", () => new FakeWorksheet(this.context, this, `${this._path}.worksheet`, () => {
      const e = this._resolve();
      return isNull(e) ? NULL_ENTITY : e.sheet;
    }));
  }
  get areas(): FakeRangeCollection {
    return this._kid("areas", () => new FakeRangeCollection(this.context, this, `${this._path}.areas`, () => this._resolve()), "1.9");
  }
}
defineProps(
  FakeRangeAreas,
  "RangeAreas",
  {
    address: { get: (_s, e: AreasE) => e.rects.map((r) => addressOf(e.sheet.name, r)).join(",") },
    addressLocal: { get: (_s, e: AreasE) => e.rects.map((r) => addressOf(e.sheet.name, r)).join(",") },
    areaCount: { get: (_s, e: AreasE) => e.rects.length },
    cellCount: { get: (_s, e: AreasE) => e.rects.reduce((a, r) => a + cellCount(r), 0) },
  },
  { worksheet: () => FakeWorksheet.meta, areas: () => FakeRangeCollection.meta },
);

export class FakeRangeCollection extends FakeCollection<FakeRange> {
  _entities(e: AreasE): RangeE[] {
    return e.rects.map((rect) => ({ sheet: e.sheet, rect }));
  }
  _makeItem(x: RangeE): FakeRange {
    return this._itemProxy((p, r) => new FakeRange(this.context, this, p, r), x, refOf(x.rect));
  }
  getItemAt(index: number): FakeRange {
    return new FakeRange(this.context, this, `${this._path}.getItemAt(${index})`, () => {
      const e = this._resolve();
      if (isNull(e)) return NULL_ENTITY;
      const r = (e as AreasE).rects[index];
      if (!r) throw officeError("ItemNotFound", `no area #${index}`);
      return { sheet: e.sheet, rect: r };
    });
  }
}
defineProps(FakeRangeCollection, "RangeCollection", {}, {}, () => FakeRange.meta);

function fmtProp(key: string, check?: (v: unknown) => unknown, api?: string): PropDef {
  return {
    api,
    get: (_s, e: RangeE) => fmtGet(e.sheet, e.rect, key),
    set: (_s, e: RangeE, v) => fmtSet(e.sheet, e.rect, key, check ? check(v) : v),
  };
}

export class FakeRangeFormat extends FakeClientObject {
  declare columnWidth: number;
  declare useStandardWidth: boolean;
  declare rowHeight: number;
  declare wrapText: boolean;
  declare horizontalAlignment: string;
  declare verticalAlignment: string;
  get font(): FakeRangeFont {
    return this._kid("font", () => new FakeRangeFont(this.context, this, `${this._path}.font`, () => this._resolve()));
  }
  get fill(): FakeRangeFill {
    return this._kid("fill", () => new FakeRangeFill(this.context, this, `${this._path}.fill`, () => this._resolve()));
  }
  autofitColumns(): void {
    this._queue("autofitColumns", [], (e: RangeE) => autofitColumns(e.sheet, e.rect), { api: "1.2" });
  }
  autofitRows(): void {
    this._queue("autofitRows", [], () => undefined, { api: "1.2" });
  }
}
defineProps(
  FakeRangeFormat,
  "RangeFormat",
  {
    columnWidth: {
      api: "1.2",
      get: (_s, e: RangeE) => uniform(colWidths(e.sheet, e.rect)),
      set: (_s, e: RangeE, v) => {
        const w = num(v, "RangeFormat.columnWidth", 0);
        for (let c = e.rect.c0; c <= e.rect.c1; c++) e.sheet.colW[c] = w;
      },
    },
    // True when no column of the range has a width of its own; setting true gives them back the sheet's standard
    // width (Excel: "only intended to be set to true"; false is refused here so a product never relies on it).
    useStandardWidth: {
      api: "1.2",
      get: (_s, e: RangeE) => {
        for (let c = e.rect.c0; c <= e.rect.c1; c++) if (e.sheet.colW[c] !== undefined) return false;
        return true;
      },
      set: (_s, e: RangeE, v) => {
        if (!bool(v, "RangeFormat.useStandardWidth")) throw officeError("InvalidArgument", "RangeFormat.useStandardWidth can only be set to true");
        for (let c = e.rect.c0; c <= e.rect.c1; c++) delete e.sheet.colW[c];
      },
    },
    rowHeight: {
      api: "1.2",
      get: (_s, e: RangeE) => uniform(rowHeights(e.sheet, e.rect)),
      set: (_s, e: RangeE, v) => {
        const h = num(v, "RangeFormat.rowHeight", 0);
        if (isEntireCols(e.rect)) throw notImplemented("RangeFormat.rowHeight on entire columns");
        for (let r = e.rect.r0; r <= e.rect.r1; r++) e.sheet.rowH[r] = h;
      },
    },
    wrapText: fmtProp("wrapText", (v) => bool(v, "RangeFormat.wrapText")),
    horizontalAlignment: fmtProp("horizontalAlignment", (v) => enumValue(ENUMS.HorizontalAlignment, v, "RangeFormat.horizontalAlignment")),
    verticalAlignment: fmtProp("verticalAlignment", (v) => enumValue(ENUMS.VerticalAlignment, v, "RangeFormat.verticalAlignment")),
    indentLevel: fmtProp("indentLevel", (v) => num(v, "RangeFormat.indentLevel", 0), "1.9"),
    textOrientation: fmtProp("textOrientation", (v) => num(v, "RangeFormat.textOrientation"), "1.7"),
  },
  { font: () => FakeRangeFont.meta, fill: () => FakeRangeFill.meta },
);

export class FakeRangeFont extends FakeClientObject {
  declare bold: boolean;
  declare italic: boolean;
  declare color: string;
  declare size: number;
  declare name: string;
}
defineProps(FakeRangeFont, "RangeFont", {
  bold: fmtProp("font.bold", (v) => bool(v, "RangeFont.bold")),
  italic: fmtProp("font.italic", (v) => bool(v, "RangeFont.italic")),
  color: fmtProp("font.color", (v) => normalizeColor(v, "RangeFont.color")),
  size: fmtProp("font.size", (v) => num(v, "RangeFont.size", 1)),
  name: fmtProp("font.name", (v) => str(v, "RangeFont.name")),
  underline: fmtProp("font.underline", (v) => enumValue(ENUMS.RangeUnderlineStyle, v, "RangeFont.underline")),
  strikethrough: fmtProp("font.strikethrough", (v) => bool(v, "RangeFont.strikethrough"), "1.9"),
});

export class FakeRangeFill extends FakeClientObject {
  declare color: string;
  clear(): void {
    this._queue("clear", [], (e: RangeE) => fmtClear(e.sheet, e.rect, (k) => k.startsWith("fill.")));
  }
}
defineProps(FakeRangeFill, "RangeFill", {
  color: fmtProp("fill.color", (v) => normalizeColor(v, "RangeFill.color")),
  pattern: fmtProp("fill.pattern", (v) => enumValue(ENUMS.FillPattern, v, "RangeFill.pattern"), "1.9"),
});

/* ------------------------------------------------------------------------------------------------ */
/* Data validation                                                                                    */
/* ------------------------------------------------------------------------------------------------ */

const DV_KINDS: Record<string, string> = {
  wholeNumber: "WholeNumber",
  decimal: "Decimal",
  textLength: "TextLength",
  date: "Date",
  time: "Time",
  list: "List",
  custom: "Custom",
};

function checkRule(self: FakeClientObject, rule: unknown): Record<string, unknown> {
  if (!rule || typeof rule !== "object" || Array.isArray(rule)) throw officeError("InvalidArgument", "DataValidation.rule must be an object");
  const keys = Object.keys(rule).filter((k) => (rule as Record<string, unknown>)[k] !== undefined && (rule as Record<string, unknown>)[k] !== null);
  if (keys.length !== 1 || !(keys[0] in DV_KINDS))
    throw officeError("InvalidArgument", `DataValidation.rule needs exactly one of ${Object.keys(DV_KINDS).join(", ")} (got ${keys.join(", ") || "none"})`);
  const k = keys[0];
  const body = (rule as Record<string, Record<string, unknown>>)[k];
  if (!body || typeof body !== "object") throw officeError("InvalidArgument", `DataValidation.rule.${k} must be an object`);
  if (k === "list") {
    let source = body.source;
    if (source instanceof FakeRange) {
      const e = rangeArg(self, source, null, "DataValidation.rule.list.source");
      source = "=" + addressOf(e.sheet.name, e.rect, true);
    }
    if (typeof source !== "string" || source.trim() === "") throw officeError("InvalidArgument", "DataValidation.rule.list.source must be a non-empty string or a Range");
    if (!source.startsWith("=") && source.length > 255)
      throw officeError("InvalidArgument", `DataValidation.rule.list.source: a literal list is limited to 255 characters (got ${source.length})`);
    return { list: { inCellDropDown: body.inCellDropDown ?? true, source } };
  }
  if (k === "custom") {
    const f = body.formula;
    if (typeof f !== "string" || !f.startsWith("=")) throw officeError("InvalidArgument", "DataValidation.rule.custom.formula must be a formula starting with '='");
    return { custom: { formula: f } };
  }
  if (body.formula1 === undefined || body.formula1 === null) throw officeError("InvalidArgument", `DataValidation.rule.${k}.formula1 is required`);
  const op = enumValue(ENUMS.DataValidationOperator, body.operator, `DataValidation.rule.${k}.operator`);
  if ((op === "Between" || op === "NotBetween") && (body.formula2 === undefined || body.formula2 === null))
    throw officeError("InvalidArgument", `DataValidation.rule.${k}.formula2 is required for ${op}`);
  const out: Record<string, unknown> = { formula1: body.formula1 instanceof FakeRange ? "=" + addressOf(body.formula1._resolve().sheet.name, body.formula1._resolve().rect, true) : body.formula1, operator: op };
  if (body.formula2 !== undefined && body.formula2 !== null) out.formula2 = body.formula2;
  return { [k]: out };
}

function dvState(e: RangeE): { type: string; rule: Record<string, unknown> | null; dvs: DVModel[] } {
  const dvs = e.sheet.dvs.filter((d) => intersects(d.rect, e.rect));
  if (!dvs.length) return { type: "None", rule: {}, dvs };
  const covered = dvs.reduce((a, d) => a + cellCount(intersection(d.rect, e.rect)!), 0);
  const json = new Set(dvs.map((d) => JSON.stringify(d.rule)));
  if (covered < cellCount(e.rect)) return { type: "MixedCriteria", rule: null, dvs };
  if (json.size > 1) return { type: "Inconsistent", rule: null, dvs };
  const rule = dvs[0].rule;
  return { type: Object.keys(rule).length === 0 ? "None" : DV_KINDS[Object.keys(rule)[0]], rule: clonePlain(rule), dvs };
}

export class FakeDataValidation extends FakeClientObject {
  declare rule: Record<string, unknown>;
  declare readonly type: string;
  declare ignoreBlanks: boolean;
  clear(): void {
    this._queue("clear", [], (e: RangeE) => clearValidation(e.sheet, e.rect));
  }
}
defineProps(FakeDataValidation, "DataValidation", {
  rule: {
    get: (_s, e: RangeE) => dvState(e).rule,
    set: (s, e: RangeE, v) => {
      const rule = checkRule(s, v);
      clearValidation(e.sheet, e.rect);
      e.sheet.dvs.push({ rect: { ...e.rect }, rule, ignoreBlanks: true, prompt: null, errorAlert: null });
    },
  },
  type: { get: (_s, e: RangeE) => dvState(e).type },
  ignoreBlanks: {
    get: (_s, e: RangeE) => {
      const st = dvState(e);
      return st.dvs.length ? st.dvs.every((d) => d.ignoreBlanks) : true;
    },
    set: (_s, e: RangeE, v) => {
      for (const d of dvState(e).dvs) d.ignoreBlanks = bool(v, "DataValidation.ignoreBlanks");
    },
  },
  prompt: {
    get: (_s, e: RangeE) => clonePlain(dvState(e).dvs[0]?.prompt ?? { showPrompt: false, title: "", message: "" }),
    set: (_s, e: RangeE, v) => {
      const dvs = dvState(e).dvs;
      // A range without a rule takes the message as Excel's "Any value" validation with an input message (its
      // Data Validation dialog allows exactly that): type None.
      if (dvs.length === 0) e.sheet.dvs.push({ rect: { ...e.rect }, rule: {}, ignoreBlanks: true, prompt: clonePlain(v as Record<string, unknown>), errorAlert: null });
      for (const d of dvs) d.prompt = clonePlain(v as Record<string, unknown>);
    },
  },
  errorAlert: {
    get: (_s, e: RangeE) => clonePlain(dvState(e).dvs[0]?.errorAlert ?? { showAlert: true, style: "Stop", title: "", message: "" }),
    set: (_s, e: RangeE, v) => {
      for (const d of dvState(e).dvs) d.errorAlert = clonePlain(v as Record<string, unknown>);
    },
  },
});

/* ------------------------------------------------------------------------------------------------ */
/* Conditional formats                                                                                */
/* ------------------------------------------------------------------------------------------------ */

function cfSheet(book: BookModel, cf: CFModel): SheetModel {
  const s = sheetById(book, cf.sheetId);
  if (!s) throw officeError("ItemNotFound", "the conditional format's worksheet was deleted");
  return s;
}

export class FakeConditionalFormatCollection extends FakeCollection<FakeConditionalFormat> {
  _entities(e: RangeE): CFModel[] {
    return e.sheet.cfs.filter((cf) => cf.rects.some((r) => intersects(r, e.rect)));
  }
  _makeItem(cf: CFModel): FakeConditionalFormat {
    return this._itemProxy((p, r) => new FakeConditionalFormat(this.context, this, p, r), cf, cf.id);
  }
  add(type: string): FakeConditionalFormat {
    const p = new FakeConditionalFormat(this.context, this, `${this._path}.add(${JSON.stringify(type)})`, () => {
      throw officeError("InvalidObjectPath", "the conditional format from add() does not exist (its add failed or was not synced)");
    });
    this._queue("add", [type], (e: RangeE) => {
      const t = enumValue(ENUMS.ConditionalFormatType, type, "ConditionalFormatCollection.add");
      if (isEntireCols(e.rect) && isEntireRows(e.rect)) throw notImplemented("conditional formats on the whole sheet");
      const cf = created(this._book(), {
        id: nextId(this._book()),
        sheetId: e.sheet.id,
        type: t,
        rects: [{ ...e.rect }],
        stopIfTrue: false,
        formula: null,
        format: { fill: null, font: {}, numberFormat: null },
        rule: null,
      } as CFModel);
      e.sheet.cfs.unshift(cf);
      p._bind(cf);
    }, { api: "1.6" });
    return p;
  }
  getItem(id: string): FakeConditionalFormat {
    return new FakeConditionalFormat(this.context, this, `${this._path}.getItem(${JSON.stringify(id)})`, () => {
      const e = this._resolve();
      if (isNull(e)) return NULL_ENTITY;
      const cf = (e as RangeE).sheet.cfs.find((x) => x.id === id);
      if (!cf) throw officeError("ItemNotFound", `no conditional format '${id}'`);
      return cf;
    });
  }
  getItemOrNullObject(id: string): FakeConditionalFormat {
    const p = new FakeConditionalFormat(this.context, this, `${this._path}.getItemOrNullObject(${JSON.stringify(id)})`, () => {
      const e = this._resolve();
      if (isNull(e)) return NULL_ENTITY;
      return (e as RangeE).sheet.cfs.find((x) => x.id === id) ?? NULL_ENTITY;
    });
    if (!this._host().apiOk("1.14")) p._apiMissing = "ConditionalFormatCollection.getItemOrNullObject needs ExcelApi 1.14";
    return p;
  }
  getItemAt(index: number): FakeConditionalFormat {
    return new FakeConditionalFormat(this.context, this, `${this._path}.getItemAt(${index})`, () => {
      const e = this._resolve();
      if (isNull(e)) return NULL_ENTITY;
      const cf = this._entities(e)[index];
      if (!cf) throw officeError("ItemNotFound", `no conditional format at index ${index}`);
      return cf;
    });
  }
  getCount(): FakeClientResult<number> {
    return this._result("getCount", [], (e: RangeE) => this._entities(e).length, "1.6");
  }
  clearAll(): void {
    this._queue("clearAll", [], (e: RangeE) => {
      clearConditionalFormats(e.sheet, e.rect);
    }, { api: "1.6" });
  }
}

export class FakeConditionalFormat extends FakeClientObject {
  declare readonly id: string;
  declare readonly type: string;
  declare priority: number;
  declare stopIfTrue: boolean;
  _typed<T extends FakeClientObject>(nav: string, type: string, orNull: boolean, make: (path: string, resolver: () => Entity) => T): T {
    return this._kid(nav, () =>
      make(`${this._path}.${nav}`, () => {
        const cf = this._resolve();
        if (isNull(cf)) return NULL_ENTITY;
        if ((cf as CFModel).type !== type) {
          if (orNull) return NULL_ENTITY;
          throw officeError("InvalidOperation", `ConditionalFormat.${nav} on a '${(cf as CFModel).type}' conditional format`, `ConditionalFormat.${nav}`);
        }
        return cf;
      }),
    );
  }
  get dataBar(): FakeDataBarConditionalFormat {
    return this._typed("dataBar", "DataBar", false, (p, r) => new FakeDataBarConditionalFormat(this.context, this, p, r));
  }
  get colorScale(): FakeColorScaleConditionalFormat {
    return this._typed("colorScale", "ColorScale", false, (p, r) => new FakeColorScaleConditionalFormat(this.context, this, p, r));
  }
  get custom(): FakeCustomConditionalFormat {
    return this._typed("custom", "Custom", false, (p, r) => new FakeCustomConditionalFormat(this.context, this, p, r));
  }
  get customOrNullObject(): FakeCustomConditionalFormat {
    return this._typed("customOrNullObject", "Custom", true, (p, r) => new FakeCustomConditionalFormat(this.context, this, p, r));
  }
  get cellValue(): FakeTypedConditionalFormat {
    return this._typed("cellValue", "CellValue", false, (p, r) => new FakeTypedConditionalFormat(this.context, this, p, r));
  }
  get cellValueOrNullObject(): FakeTypedConditionalFormat {
    return this._typed("cellValueOrNullObject", "CellValue", true, (p, r) => new FakeTypedConditionalFormat(this.context, this, p, r));
  }
  get textComparison(): FakeTypedConditionalFormat {
    return this._typed("textComparison", "ContainsText", false, (p, r) => new FakeTypedConditionalFormat(this.context, this, p, r));
  }
  get textComparisonOrNullObject(): FakeTypedConditionalFormat {
    return this._typed("textComparisonOrNullObject", "ContainsText", true, (p, r) => new FakeTypedConditionalFormat(this.context, this, p, r));
  }
  get topBottom(): FakeTypedConditionalFormat {
    return this._typed("topBottom", "TopBottom", false, (p, r) => new FakeTypedConditionalFormat(this.context, this, p, r));
  }
  get topBottomOrNullObject(): FakeTypedConditionalFormat {
    return this._typed("topBottomOrNullObject", "TopBottom", true, (p, r) => new FakeTypedConditionalFormat(this.context, this, p, r));
  }
  get preset(): FakeTypedConditionalFormat {
    return this._typed("preset", "PresetCriteria", false, (p, r) => new FakeTypedConditionalFormat(this.context, this, p, r));
  }
  get presetOrNullObject(): FakeTypedConditionalFormat {
    return this._typed("presetOrNullObject", "PresetCriteria", true, (p, r) => new FakeTypedConditionalFormat(this.context, this, p, r));
  }
  _range(desc: string, orNull: boolean): FakeRange {
    return new FakeRange(this.context, this, `${this._path}.${desc}`, () => {
      const cf = this._resolve();
      if (isNull(cf)) return NULL_ENTITY;
      const c = cf as CFModel;
      if (c.rects.length !== 1) {
        if (orNull) return NULL_ENTITY;
        throw officeError("InvalidOperation", "the conditional format applies to several areas; use getRanges()");
      }
      return { sheet: cfSheet(this._book(), c), rect: c.rects[0] };
    });
  }
  getRange(): FakeRange {
    return this._range("getRange()", false);
  }
  getRangeOrNullObject(): FakeRange {
    return this._range("getRangeOrNullObject()", true);
  }
  getRanges(): FakeRangeAreas {
    const a = new FakeRangeAreas(this.context, this, `${this._path}.getRanges()`, () => {
      const cf = this._resolve();
      return isNull(cf) ? NULL_ENTITY : { sheet: cfSheet(this._book(), cf), rects: (cf as CFModel).rects };
    });
    if (!this._host().apiOk("1.9")) a._apiMissing = "ConditionalFormat.getRanges needs ExcelApi 1.9";
    return a;
  }
  delete(): void {
    this._queue("delete", [], (cf: CFModel) => {
      const s = cfSheet(this._book(), cf);
      s.cfs.splice(s.cfs.indexOf(cf), 1);
      cf.deleted = true;
    });
  }
}
defineProps(
  FakeConditionalFormat,
  "ConditionalFormat",
  {
    id: { get: (_s, cf: CFModel) => cf.id },
    type: { get: (_s, cf: CFModel) => cf.type },
    priority: {
      get: (s, cf: CFModel) => cfSheet(s._book(), cf).cfs.indexOf(cf),
      set: (s, cf: CFModel, v) => {
        const list = cfSheet(s._book(), cf).cfs;
        const p = Math.min(Math.max(0, Math.floor(num(v, "ConditionalFormat.priority", 0))), list.length - 1);
        list.splice(list.indexOf(cf), 1);
        list.splice(p, 0, cf);
      },
    },
    stopIfTrue: {
      get: (_s, cf: CFModel) => cf.stopIfTrue,
      set: (_s, cf: CFModel, v) => {
        cf.stopIfTrue = bool(v, "ConditionalFormat.stopIfTrue");
      },
    },
  },
  {
    dataBar: () => FakeDataBarConditionalFormat.meta,
    colorScale: () => FakeColorScaleConditionalFormat.meta,
    custom: () => FakeCustomConditionalFormat.meta,
    customOrNullObject: () => FakeCustomConditionalFormat.meta,
    cellValue: () => FakeTypedConditionalFormat.meta,
    cellValueOrNullObject: () => FakeTypedConditionalFormat.meta,
    textComparison: () => FakeTypedConditionalFormat.meta,
    textComparisonOrNullObject: () => FakeTypedConditionalFormat.meta,
    topBottom: () => FakeTypedConditionalFormat.meta,
    topBottomOrNullObject: () => FakeTypedConditionalFormat.meta,
    preset: () => FakeTypedConditionalFormat.meta,
    presetOrNullObject: () => FakeTypedConditionalFormat.meta,
  },
);
defineProps(FakeConditionalFormatCollection, "ConditionalFormatCollection", {}, {}, () => FakeConditionalFormat.meta);

/** A data bar's state: Excel's defaults until set (automatic bounds, a blue gradient bar). */
function dataBarOf(cf: CFModel): NonNullable<CFModel["dataBar"]> {
  return (cf.dataBar ??= { lowerBoundRule: { type: "Automatic" }, upperBoundRule: { type: "Automatic" }, fillColor: "#638EC6", gradientFill: true, borderColor: "" });
}

/** A ConditionalDataBarRule, set whole (`x.lowerBoundRule = {...}`, as the API requires); a number or formula needs its formula. */
function dataBarRule(v: unknown, what: string): Record<string, unknown> {
  if (!v || typeof v !== "object") throw officeError("InvalidArgument", `${what} must be an object {type, formula}`);
  const r = clonePlain(v as Record<string, unknown>);
  r.type = enumValue(ENUMS.ConditionalFormatRuleType, r.type, `${what}.type`);
  if (["Number", "Percent", "Formula", "Percentile"].includes(r.type as string) && (typeof r.formula !== "string" || r.formula === "")) {
    throw officeError("InvalidArgument", `${what}: a '${String(r.type)}' bound needs its formula`);
  }
  return r;
}

/** HTML colour codes as the API takes them (#RRGGBB, or a named colour). */
function htmlColor(v: unknown, what: string): string {
  if (typeof v !== "string" || !/^(#[0-9A-Fa-f]{6}|[A-Za-z]+)$/.test(v)) throw officeError("InvalidArgument", `${what} must be an HTML colour like #RRGGBB (got ${JSON.stringify(v)})`);
  return v;
}

export class FakeDataBarConditionalFormat extends FakeClientObject {
  declare lowerBoundRule: Record<string, unknown>;
  declare upperBoundRule: Record<string, unknown>;
  get positiveFormat(): FakeDataBarPositiveFormat {
    return this._kid("positiveFormat", () => new FakeDataBarPositiveFormat(this.context, this, `${this._path}.positiveFormat`, () => this._resolve()));
  }
}
defineProps(
  FakeDataBarConditionalFormat,
  "DataBarConditionalFormat",
  {
    lowerBoundRule: { get: (_s, cf: CFModel) => clonePlain(dataBarOf(cf).lowerBoundRule), set: (_s, cf: CFModel, v) => void (dataBarOf(cf).lowerBoundRule = dataBarRule(v, "DataBarConditionalFormat.lowerBoundRule")) },
    upperBoundRule: { get: (_s, cf: CFModel) => clonePlain(dataBarOf(cf).upperBoundRule), set: (_s, cf: CFModel, v) => void (dataBarOf(cf).upperBoundRule = dataBarRule(v, "DataBarConditionalFormat.upperBoundRule")) },
  },
  { positiveFormat: () => FakeDataBarPositiveFormat.meta },
);

export class FakeDataBarPositiveFormat extends FakeClientObject {
  declare fillColor: string;
  declare gradientFill: boolean;
  declare borderColor: string;
}
defineProps(FakeDataBarPositiveFormat, "ConditionalDataBarPositiveFormat", {
  fillColor: { get: (_s, cf: CFModel) => dataBarOf(cf).fillColor, set: (_s, cf: CFModel, v) => void (dataBarOf(cf).fillColor = htmlColor(v, "positiveFormat.fillColor")) },
  gradientFill: { get: (_s, cf: CFModel) => dataBarOf(cf).gradientFill, set: (_s, cf: CFModel, v) => void (dataBarOf(cf).gradientFill = bool(v, "positiveFormat.gradientFill")) },
  borderColor: { get: (_s, cf: CFModel) => dataBarOf(cf).borderColor, set: (_s, cf: CFModel, v) => void (dataBarOf(cf).borderColor = v === "" ? "" : htmlColor(v, "positiveFormat.borderColor")) },
});

export class FakeColorScaleConditionalFormat extends FakeClientObject {
  declare criteria: Record<string, unknown>;
  declare readonly threeColorScale: boolean;
}
defineProps(FakeColorScaleConditionalFormat, "ColorScaleConditionalFormat", {
  criteria: {
    get: (_s, cf: CFModel) => clonePlain(cf.colorScale ?? {}),
    set: (_s, cf: CFModel, v) => {
      // Set whole: a minimum and a maximum (a midpoint for three colours), each a type, a colour and, for a number, percent, percentile or formula, its formula.
      if (!v || typeof v !== "object") throw officeError("InvalidArgument", "ColorScaleConditionalFormat.criteria must be an object {minimum, maximum}");
      const c = clonePlain(v as Record<string, unknown>);
      for (const k of Object.keys(c)) {
        if (!["minimum", "midpoint", "maximum"].includes(k)) throw officeError("InvalidArgument", `criteria.${k} is not a colour scale criterion`);
      }
      for (const k of ["minimum", "maximum", ...(c.midpoint ? ["midpoint"] : [])]) {
        const x = c[k] as Record<string, unknown> | undefined;
        if (!x || typeof x !== "object") throw officeError("InvalidArgument", `criteria.${k} is required`);
        x.type = enumValue(ENUMS.ConditionalFormatColorCriterionType, x.type, `criteria.${k}.type`);
        x.color = htmlColor(x.color, `criteria.${k}.color`);
        if (["Number", "Percent", "Formula", "Percentile"].includes(x.type as string) && (typeof x.formula !== "string" || x.formula === "")) {
          throw officeError("InvalidArgument", `criteria.${k}: a '${String(x.type)}' criterion needs its formula`);
        }
      }
      cf.colorScale = c;
    },
  },
  threeColorScale: { get: (_s, cf: CFModel) => Boolean(cf.colorScale && (cf.colorScale as Record<string, unknown>).midpoint) },
});

export class FakeCustomConditionalFormat extends FakeClientObject {
  get rule(): FakeConditionalFormatRule {
    return this._kid("rule", () => new FakeConditionalFormatRule(this.context, this, `${this._path}.rule`, () => this._resolve()));
  }
  get format(): FakeConditionalRangeFormat {
    return this._kid("format", () => new FakeConditionalRangeFormat(this.context, this, `${this._path}.format`, () => this._resolve()));
  }
}
defineProps(FakeCustomConditionalFormat, "CustomConditionalFormat", {}, { rule: () => FakeConditionalFormatRule.meta, format: () => FakeConditionalRangeFormat.meta });

function cfFormula(v: unknown): string {
  if (typeof v !== "string" || !v.startsWith("=") || v.length < 2)
    throw officeError("InvalidArgument", `ConditionalFormatRule.formula must be a formula starting with '=' (got ${JSON.stringify(v)})`);
  return v;
}

export class FakeConditionalFormatRule extends FakeClientObject {
  declare formula: string;
  declare formulaLocal: string;
}
defineProps(FakeConditionalFormatRule, "ConditionalFormatRule", {
  formula: { get: (_s, cf: CFModel) => cf.formula, set: (_s, cf: CFModel, v) => void (cf.formula = cfFormula(v)) },
  formulaLocal: { get: (_s, cf: CFModel) => cf.formula, set: (_s, cf: CFModel, v) => void (cf.formula = cfFormula(v)) },
});

/** cellValue / textComparison / topBottom / preset: a `format` and a plain `rule` object. */
export class FakeTypedConditionalFormat extends FakeClientObject {
  declare rule: Record<string, unknown>;
  get format(): FakeConditionalRangeFormat {
    return this._kid("format", () => new FakeConditionalRangeFormat(this.context, this, `${this._path}.format`, () => this._resolve()));
  }
}
defineProps(
  FakeTypedConditionalFormat,
  "TypedConditionalFormat",
  {
    rule: {
      get: (_s, cf: CFModel) => clonePlain(cf.rule),
      set: (_s, cf: CFModel, v) => {
        if (!v || typeof v !== "object") throw officeError("InvalidArgument", "the conditional format rule must be an object");
        const r = clonePlain(v as Record<string, unknown>);
        if (cf.type === "CellValue") r.operator = enumValue(ENUMS.ConditionalCellValueOperator, r.operator, "cellValue.rule.operator");
        if (cf.type === "ContainsText") r.operator = enumValue(ENUMS.ConditionalTextOperator, r.operator, "textComparison.rule.operator");
        cf.rule = r;
      },
    },
  },
  { format: () => FakeConditionalRangeFormat.meta },
);

export class FakeConditionalRangeFormat extends FakeClientObject {
  declare numberFormat: string;
  get fill(): FakeConditionalRangeFill {
    return this._kid("fill", () => new FakeConditionalRangeFill(this.context, this, `${this._path}.fill`, () => this._resolve()));
  }
  get font(): FakeConditionalRangeFont {
    return this._kid("font", () => new FakeConditionalRangeFont(this.context, this, `${this._path}.font`, () => this._resolve()));
  }
  clearFormat(): void {
    this._queue("clearFormat", [], (cf: CFModel) => {
      cf.format = { fill: null, font: {}, numberFormat: null };
    }, { api: "1.17" });
  }
}
defineProps(
  FakeConditionalRangeFormat,
  "ConditionalRangeFormat",
  {
    numberFormat: {
      get: (_s, cf: CFModel) => cf.format.numberFormat,
      set: (_s, cf: CFModel, v) => void (cf.format.numberFormat = str(v, "ConditionalRangeFormat.numberFormat")),
    },
  },
  { fill: () => FakeConditionalRangeFill.meta, font: () => FakeConditionalRangeFont.meta },
);

export class FakeConditionalRangeFill extends FakeClientObject {
  declare color: string;
  clear(): void {
    this._queue("clear", [], (cf: CFModel) => void (cf.format.fill = null));
  }
}
defineProps(FakeConditionalRangeFill, "ConditionalRangeFill", {
  color: {
    get: (_s, cf: CFModel) => cf.format.fill,
    set: (_s, cf: CFModel, v) => void (cf.format.fill = normalizeColor(v, "ConditionalRangeFill.color")),
  },
});

export class FakeConditionalRangeFont extends FakeClientObject {
  declare color: string;
  declare bold: boolean;
  declare italic: boolean;
  clear(): void {
    this._queue("clear", [], (cf: CFModel) => void (cf.format.font = {}));
  }
}
const cfFont = (key: string, check: (v: unknown) => unknown): PropDef => ({
  get: (_s, cf: CFModel) => cf.format.font[key] ?? null,
  set: (_s, cf: CFModel, v) => void (cf.format.font[key] = check(v)),
});
defineProps(FakeConditionalRangeFont, "ConditionalRangeFont", {
  color: cfFont("color", (v) => normalizeColor(v, "ConditionalRangeFont.color")),
  bold: cfFont("bold", (v) => bool(v, "ConditionalRangeFont.bold")),
  italic: cfFont("italic", (v) => bool(v, "ConditionalRangeFont.italic")),
  strikethrough: cfFont("strikethrough", (v) => bool(v, "ConditionalRangeFont.strikethrough")),
  underline: cfFont("underline", (v) => enumValue(ENUMS.ConditionalRangeFontUnderlineStyle, v, "ConditionalRangeFont.underline")),
});

/* ------------------------------------------------------------------------------------------------ */
/* Tables                                                                                             */
/* ------------------------------------------------------------------------------------------------ */

const TABLE_STYLE_RE = /^TableStyle(Light([1-9]|1[0-9]|2[01])|Medium([1-9]|1[0-9]|2[0-8])|Dark([1-9]|1[01]))$/;

function tableSheet(book: BookModel, t: TableModel): SheetModel {
  const s = sheetById(book, t.sheetId);
  if (!s) throw officeError("ItemNotFound", "the table's worksheet was deleted");
  return s;
}

function findTable(book: BookModel, key: string, sheet: SheetModel | null): TableModel | undefined {
  const k = String(key).toLowerCase();
  return book.tables.find((t) => (!sheet || t.sheetId === sheet.id) && (t.name.toLowerCase() === k || t.id === key));
}

export class FakeTableCollection extends FakeCollection<FakeTable> {
  declare readonly count: number;
  _scopeSheet(e: Entity): SheetModel | null {
    return e === this._book() ? null : (e as SheetModel);
  }
  _entities(e: Entity): TableModel[] {
    const s = this._scopeSheet(e);
    return s ? tablesOn(this._book(), s) : this._book().tables;
  }
  _makeItem(t: TableModel): FakeTable {
    return this._itemProxy((p, r) => new FakeTable(this.context, this, p, r), t, t.name);
  }
  add(address: FakeRange | string, hasHeaders: boolean): FakeTable {
    this._checkSameContext(address, "TableCollection.add");
    if (hasHeaders === false) throw notImplemented("TableCollection.add with hasHeaders=false (Excel inserts generated headers)");
    const p = new FakeTable(this.context, this, `${this._path}.add(${JSON.stringify(address instanceof FakeRange ? address._path : address)})`, () => {
      throw officeError("InvalidObjectPath", "the table from add() does not exist (its add failed or was not synced)");
    });
    this._queue("add", [address instanceof FakeRange ? address._path : address, hasHeaders], (e: Entity) => {
      const b = this._book();
      const scope = this._scopeSheet(e);
      const target = rangeArg(this, address, scope ?? activeSheet(b), "TableCollection.add", !!scope);
      const rect = { ...target.rect };
      if (isEntireCols(rect) || isEntireRows(rect)) throw officeError("InvalidArgument", "a table cannot span entire rows or columns");
      if (rect.r1 === rect.r0) rect.r1 += 1; // Excel adds one empty data row under a lone header row
      const clash = tablesOn(b, target.sheet).find((t) => intersects(t.rect, rect));
      if (clash) throw officeError("InvalidArgument", `a table cannot overlap another table ('${clash.name}')`);
      if (target.sheet.merges.some((m) => intersects(m, rect))) throw officeError("InvalidArgument", "a table cannot contain merged cells");
      if (target.sheet.autoFilter && intersects(target.sheet.autoFilter.rect, rect)) target.sheet.autoFilter = null;
      let k = 1;
      while (b.tables.some((t) => t.name.toLowerCase() === `table${k}`) || b.names.some((n) => n.name.toLowerCase() === `table${k}`)) k++;
      fixHeaderRow(b, target.sheet, rect);
      const t = created(b, {
        id: nextId(b),
        name: `Table${k}`,
        sheetId: target.sheet.id,
        rect,
        style: "TableStyleMedium2",
        showHeaders: true,
        showTotals: false,
        props: {},
      } as TableModel);
      b.tables.push(t);
      p._bind(t);
    }, { api: address instanceof FakeRange ? "1.3" : undefined });
    return p;
  }
  _item(desc: string, orNull: boolean, find: (e: Entity) => TableModel | undefined, api?: string): FakeTable {
    const t = new FakeTable(this.context, this, `${this._path}.${desc}`, () => {
      const e = this._resolve();
      if (isNull(e)) return NULL_ENTITY;
      const x = find(e);
      if (x) return x;
      if (orNull) return NULL_ENTITY;
      throw officeError("ItemNotFound", `TableCollection.${desc}: no such table`);
    });
    if (api && !this._host().apiOk(api)) t._apiMissing = `TableCollection.${desc} needs ExcelApi ${api}`;
    return t;
  }
  getItem(key: string): FakeTable {
    return this._item(`getItem(${JSON.stringify(key)})`, false, (e) => findTable(this._book(), key, this._scopeSheet(e)));
  }
  getItemOrNullObject(key: string): FakeTable {
    return this._item(`getItemOrNullObject(${JSON.stringify(key)})`, true, (e) => findTable(this._book(), key, this._scopeSheet(e)), "1.4");
  }
  getItemAt(index: number): FakeTable {
    return this._item(`getItemAt(${index})`, false, (e) => this._entities(e)[index]);
  }
  getCount(): FakeClientResult<number> {
    return this._result("getCount", [], (e: Entity) => this._entities(e).length, "1.4");
  }
}

export class FakeTable extends FakeClientObject {
  declare readonly id: string;
  declare name: string;
  declare style: string;
  declare showHeaders: boolean;
  declare showTotals: boolean;
  get worksheet(): FakeWorksheet {
    return this._kid("worksheet", () => new FakeWorksheet(this.context, this, `${this._path}.worksheet`, () => {
      const t = this._resolve();
      return isNull(t) ? NULL_ENTITY : tableSheet(this._book(), t);
    }), "1.2");
  }
  get columns(): FakeTableColumnCollection {
    return this._kid("columns", () => new FakeTableColumnCollection(this.context, this, `${this._path}.columns`, () => this._resolve()));
  }
  get rows(): FakeTableRowCollection {
    return this._kid("rows", () => new FakeTableRowCollection(this.context, this, `${this._path}.rows`, () => this._resolve()));
  }
  _part(desc: string, f: (r: Rect) => Rect): FakeRange {
    return new FakeRange(this.context, this, `${this._path}.${desc}`, () => {
      const t = this._resolve();
      return isNull(t) ? NULL_ENTITY : { sheet: tableSheet(this._book(), t), rect: f((t as TableModel).rect) };
    });
  }
  getRange(): FakeRange {
    return this._part("getRange()", (r) => ({ ...r }));
  }
  getHeaderRowRange(): FakeRange {
    return this._part("getHeaderRowRange()", (r) => ({ ...r, r1: r.r0 }));
  }
  getDataBodyRange(): FakeRange {
    return this._part("getDataBodyRange()", (r) => ({ ...r, r0: r.r0 + 1 }));
  }
  delete(): void {
    this._queue("delete", [], (t: TableModel) => {
      const b = this._book();
      clearRange(b, tableSheet(b, t), t.rect, "All");
      b.tables.splice(b.tables.indexOf(t), 1);
      t.deleted = true;
    });
  }
  convertToRange(): FakeRange {
    const rect = new FakeRange(this.context, this, `${this._path}.convertToRange()`, () => {
      throw officeError("InvalidObjectPath", "the range from convertToRange() does not exist (not synced)");
    });
    this._queue("convertToRange", [], (t: TableModel) => {
      const b = this._book();
      rect._bind({ sheet: tableSheet(b, t), rect: { ...t.rect } });
      b.tables.splice(b.tables.indexOf(t), 1);
      t.deleted = true;
    }, { api: "1.2" });
    return rect;
  }
  resize(newRange: FakeRange | string): void {
    this._checkSameContext(newRange, "Table.resize");
    this._queue("resize", [newRange instanceof FakeRange ? newRange._path : newRange], (t: TableModel) => {
      const b = this._book();
      const s = tableSheet(b, t);
      const r = rangeArg(this, newRange, s, "Table.resize", true).rect;
      if (r.r0 !== t.rect.r0 || r.r1 <= r.r0 || intersection(r, t.rect) === null)
        throw officeError("InvalidArgument", "Table.resize: the header row must stay in place and the new range must overlap the table");
      const clash = tablesOn(b, s).find((x) => x !== t && intersects(x.rect, r));
      if (clash) throw officeError("InvalidArgument", `Table.resize: the new range overlaps table '${clash.name}'`);
      t.rect = { ...r };
      fixHeaderRow(b, s, r);
    }, { api: "1.13" });
  }
  clearFilters(): void {
    this._queue("clearFilters", [], () => undefined, { api: "1.2" });
  }
  reapplyFilters(): void {
    this._queue("reapplyFilters", [], () => undefined, { api: "1.2" });
  }
}
const tableFlag = (key: string, dflt: boolean): PropDef => ({
  api: "1.3",
  get: (_s, t: TableModel) => (t.props[key] as boolean | undefined) ?? dflt,
  set: (_s, t: TableModel, v) => void (t.props[key] = bool(v, `Table.${key}`)),
});
defineProps(
  FakeTable,
  "Table",
  {
    id: { get: (_s, t: TableModel) => t.id },
    legacyId: { api: "1.8", get: (_s, t: TableModel) => t.id },
    name: { get: (_s, t: TableModel) => t.name, set: (s, t: TableModel, v) => void (t.name = checkDefinedName(s._book(), v, "Table.name", t)) },
    style: {
      get: (_s, t: TableModel) => t.style,
      set: (_s, t: TableModel, v) => {
        if (typeof v !== "string" || !TABLE_STYLE_RE.test(v)) throw officeError("InvalidArgument", `Table.style: '${String(v)}' is not a built-in table style`);
        t.style = v;
      },
    },
    showHeaders: {
      get: (_s, t: TableModel) => t.showHeaders,
      set: (_s, _t: TableModel, v) => {
        if (v !== true) throw notImplemented("Table.showHeaders = false");
      },
    },
    showTotals: {
      get: (_s, t: TableModel) => t.showTotals,
      set: (_s, _t: TableModel, v) => {
        if (v !== false) throw notImplemented("Table.showTotals = true");
      },
    },
    showBandedRows: tableFlag("showBandedRows", true),
    showBandedColumns: tableFlag("showBandedColumns", false),
    showFilterButton: tableFlag("showFilterButton", true),
    highlightFirstColumn: tableFlag("highlightFirstColumn", false),
    highlightLastColumn: tableFlag("highlightLastColumn", false),
  },
  { worksheet: () => FakeWorksheet.meta, columns: () => FakeTableColumnCollection.meta, rows: () => FakeTableRowCollection.meta },
);
defineProps(FakeTableCollection, "TableCollection", { count: { get: (s, e) => (s as FakeTableCollection)._entities(e).length } }, {}, () => FakeTable.meta);

interface ColumnE {
  table: TableModel;
  index: number;
}

export class FakeTableColumnCollection extends FakeCollection<FakeTableColumn> {
  declare readonly count: number;
  _entities(t: TableModel): ColumnE[] {
    return [...Array(cols(t.rect)).keys()].map((index) => ({ table: t, index }));
  }
  _makeItem(x: ColumnE): FakeTableColumn {
    return this._itemProxy((p, r) => new FakeTableColumn(this.context, this, p, r), x, String(x.index));
  }
  _col(desc: string, key: number | string, orNull: boolean, byIndex: boolean): FakeTableColumn {
    return new FakeTableColumn(this.context, this, `${this._path}.${desc}`, () => {
      const t = this._resolve();
      if (isNull(t)) return NULL_ENTITY;
      const names = tableHeaderNames(tableSheet(this._book(), t), t);
      const i = byIndex ? Number(key) : typeof key === "number" ? key - 1 : names.findIndex((n) => n.toLowerCase() === String(key).toLowerCase());
      if (i >= 0 && i < names.length) return { table: t, index: i };
      if (orNull) return NULL_ENTITY;
      throw officeError("ItemNotFound", `no table column ${JSON.stringify(key)}`);
    });
  }
  getItem(key: number | string): FakeTableColumn {
    return this._col(`getItem(${JSON.stringify(key)})`, key, false, false);
  }
  getItemOrNullObject(key: number | string): FakeTableColumn {
    return this._col(`getItemOrNullObject(${JSON.stringify(key)})`, key, true, false);
  }
  getItemAt(index: number): FakeTableColumn {
    return this._col(`getItemAt(${index})`, index, false, true);
  }
  getCount(): FakeClientResult<number> {
    return this._result("getCount", [], (t: TableModel) => cols(t.rect), "1.4");
  }
}

export class FakeTableColumn extends FakeClientObject {
  declare readonly index: number;
  declare name: string;
  declare values: any[][];
  _part(desc: string, f: (r: Rect) => Rect): FakeRange {
    return new FakeRange(this.context, this, `${this._path}.${desc}`, () => {
      const e = this._resolve();
      if (isNull(e)) return NULL_ENTITY;
      const c = e as ColumnE;
      const col = c.table.rect.c0 + c.index;
      return { sheet: tableSheet(this._book(), c.table), rect: f({ ...c.table.rect, c0: col, c1: col }) };
    });
  }
  getRange(): FakeRange {
    return this._part("getRange()", (r) => r);
  }
  getHeaderRowRange(): FakeRange {
    return this._part("getHeaderRowRange()", (r) => ({ ...r, r1: r.r0 }));
  }
  getDataBodyRange(): FakeRange {
    return this._part("getDataBodyRange()", (r) => ({ ...r, r0: r.r0 + 1 }));
  }
}
const columnRect = (c: ColumnE): Rect => ({ ...c.table.rect, c0: c.table.rect.c0 + c.index, c1: c.table.rect.c0 + c.index });
defineProps(FakeTableColumn, "TableColumn", {
  id: { get: (_s, c: ColumnE) => c.index + 1 },
  index: { get: (_s, c: ColumnE) => c.index },
  name: {
    get: (s, c: ColumnE) => tableHeaderNames(tableSheet(s._book(), c.table), c.table)[c.index],
    set: (s, c: ColumnE, v) => {
      const b = s._book();
      const sh = tableSheet(b, c.table);
      const r = columnRect(c);
      writeCells(b, sh, { ...r, r1: r.r0 }, [[str(v, "TableColumn.name")]], "TableColumn.name", false);
    },
  },
  values: {
    get: (s, c: ColumnE) => {
      guardCells(s, columnRect(c));
      return readValues(tableSheet(s._book(), c.table), columnRect(c));
    },
    set: (s, c: ColumnE, v) => writeCells(s._book(), tableSheet(s._book(), c.table), columnRect(c), v, "TableColumn.values", s._host().typed),
  },
});
defineProps(FakeTableColumnCollection, "TableColumnCollection", { count: { get: (_s, t: TableModel) => cols(t.rect) } }, {}, () => FakeTableColumn.meta);

export class FakeTableRowCollection extends FakeClientObject {
  declare readonly count: number;
  add(index?: number | null, values?: unknown, alwaysInsert?: boolean): FakeTableRow {
    const row = new FakeTableRow(this.context, this, `${this._path}.add()`, () => {
      throw officeError("InvalidObjectPath", "the row from add() does not exist (its add failed or was not synced)");
    });
    this._queue("add", [index ?? null, values ?? null, alwaysInsert ?? null], (t: TableModel) => {
      const b = this._book();
      const s = tableSheet(b, t);
      const count = rows(t.rect) - 1;
      if (index !== undefined && index !== null && index !== -1 && index !== count)
        throw notImplemented("TableRowCollection.add inside a table (only appending is supported)");
      const data = values === undefined || values === null ? [new Array(cols(t.rect)).fill("")] : Array.isArray(values) ? values : [new Array(cols(t.rect)).fill(values)];
      const n = (data as unknown[]).length;
      const below: Rect = { r0: t.rect.r1 + 1, c0: t.rect.c0, r1: t.rect.r1 + n, c1: t.rect.c1 };
      if (usedRect(s, true) && (readValues(s, below).some((r) => r.some((x) => x !== "")) || tablesOn(b, s).some((x) => x !== t && intersects(x.rect, below))))
        throw notImplemented("TableRowCollection.add when cells below the table are not empty (Excel would shift them)");
      writeCells(b, s, below, data, "TableRowCollection.add values", this._host().typed);
      const first = t.rect.r1 + 1;
      t.rect = { ...t.rect, r1: t.rect.r1 + n };
      row._bind({ table: t, row: first - t.rect.r0 - 1 });
    });
    return row;
  }
  getCount(): FakeClientResult<number> {
    return this._result("getCount", [], (t: TableModel) => rows(t.rect) - 1, "1.4");
  }
}
defineProps(FakeTableRowCollection, "TableRowCollection", { count: { get: (_s, t: TableModel) => rows(t.rect) - 1 } });

export class FakeTableRow extends FakeClientObject {
  declare readonly index: number;
  declare values: any[][];
  getRange(): FakeRange {
    return new FakeRange(this.context, this, `${this._path}.getRange()`, () => {
      const e = this._resolve() as { table: TableModel; row: number };
      const r = e.table.rect.r0 + 1 + e.row;
      return { sheet: tableSheet(this._book(), e.table), rect: { ...e.table.rect, r0: r, r1: r } };
    });
  }
}
defineProps(FakeTableRow, "TableRow", {
  index: { get: (_s, e: { row: number }) => e.row },
  values: {
    get: (s, e: { table: TableModel; row: number }) => {
      const r = e.table.rect.r0 + 1 + e.row;
      return readValues(tableSheet(s._book(), e.table), { ...e.table.rect, r0: r, r1: r });
    },
  },
});

/* ------------------------------------------------------------------------------------------------ */
/* PivotTables                                                                                        */
/* ------------------------------------------------------------------------------------------------ */

function pivotSource(book: BookModel, p: PivotModel): RangeE {
  if ("tableId" in p.source) {
    const id = p.source.tableId;
    const t = book.tables.find((x) => x.id === id);
    if (!t) throw officeError("InvalidReference", `the source table of PivotTable '${p.name}' no longer exists`);
    return { sheet: tableSheet(book, t), rect: t.rect };
  }
  const s = sheetById(book, p.source.sheetId);
  if (!s) throw officeError("InvalidReference", `the source of PivotTable '${p.name}' is on a deleted worksheet`);
  return { sheet: s, rect: p.source.rect };
}

function pivotFields(book: BookModel, p: PivotModel): string[] {
  const src = pivotSource(book, p);
  return readValues(src.sheet, { ...src.rect, r1: src.rect.r0 })[0].map(String);
}

function fieldName(book: BookModel, p: PivotModel, name: string): string | undefined {
  const n = String(name).toLowerCase();
  return pivotFields(book, p).find((f) => f.toLowerCase() === n);
}

const SUMMARY_PREFIX: Record<string, string> = {
  Sum: "Sum of",
  Count: "Count of",
  CountNumbers: "Count of",
  Average: "Average of",
  Max: "Max of",
  Min: "Min of",
  Product: "Product of",
  StandardDeviation: "StdDev of",
  StandardDeviationP: "StdDevp of",
  Variance: "Var of",
  VarianceP: "Varp of",
};

function uniqueDataName(p: PivotModel, base: string, self?: DataFieldModel): string {
  let name = base;
  for (let k = 2; p.data.some((d) => d !== self && d.name.toLowerCase() === name.toLowerCase()); k++) name = `${base}${k}`;
  return name;
}

export class FakePivotTableCollection extends FakeCollection<FakePivotTable> {
  _scopeSheet(e: Entity): SheetModel | null {
    return e === this._book() ? null : (e as SheetModel);
  }
  _entities(e: Entity): PivotModel[] {
    const s = this._scopeSheet(e);
    return this._book().pivots.filter((p) => !s || p.sheetId === s.id);
  }
  _makeItem(p: PivotModel): FakePivotTable {
    return this._itemProxy((path, r) => new FakePivotTable(this.context, this, path, r), p, p.name);
  }
  add(name: string, source: FakeRange | FakeTable | string, destination: FakeRange | string): FakePivotTable {
    this._checkSameContext(source, "PivotTableCollection.add source");
    this._checkSameContext(destination, "PivotTableCollection.add destination");
    const label = (x: unknown) => (x instanceof FakeClientObject ? x._path : x);
    const pt = new FakePivotTable(this.context, this, `${this._path}.add(${JSON.stringify(name)})`, () => {
      throw officeError("InvalidObjectPath", "the PivotTable from add() does not exist (its add failed or was not synced)");
    });
    this._queue("add", [name, label(source), label(destination)], (e: Entity) => {
      const b = this._book();
      const scope = this._scopeSheet(e);
      if (typeof name !== "string" || name.trim() === "") throw officeError("InvalidArgument", "PivotTableCollection.add: the name is empty");
      if (b.pivots.some((p) => p.name.toLowerCase() === name.toLowerCase()))
        throw officeError("ItemAlreadyExists", `a PivotTable named '${name}' already exists`);
      let src: PivotModel["source"];
      let srcRange: RangeE;
      let sourceText: string;
      if (source instanceof FakeTable) {
        const t = source._resolve() as TableModel;
        if (isNull(t)) throw officeError("InvalidArgument", "PivotTableCollection.add: the source table is a null object");
        src = { tableId: t.id };
        srcRange = { sheet: tableSheet(b, t), rect: t.rect };
        sourceText = t.name;
      } else if (typeof source === "string" && !splitAddress(source)?.sheet && !parseRef(source) && findTable(b, source, null)) {
        const t = findTable(b, source, null)!;
        src = { tableId: t.id };
        srcRange = { sheet: tableSheet(b, t), rect: t.rect };
        sourceText = t.name;
      } else {
        srcRange = rangeArg(this, source, activeSheet(b), "PivotTableCollection.add source");
        src = { sheetId: srcRange.sheet.id, rect: { ...srcRange.rect } };
        sourceText = addressOf(srcRange.sheet.name, srcRange.rect);
      }
      if (isEntireCols(srcRange.rect) || rows(srcRange.rect) < 2)
        throw officeError("InvalidArgument", "PivotTableCollection.add: the source needs a header row and at least one data row, and not whole columns");
      const headers = readValues(srcRange.sheet, { ...srcRange.rect, r1: srcRange.rect.r0 })[0].map(String);
      const seen = new Set<string>();
      for (const h of headers) {
        if (h === "") throw officeError("InvalidArgument", "PivotTableCollection.add: the PivotTable field name is not valid (an empty header cell)");
        if (seen.has(h.toLowerCase())) throw officeError("InvalidArgument", `PivotTableCollection.add: duplicate field name '${h}'`);
        seen.add(h.toLowerCase());
      }
      const dest = rangeArg(this, destination, scope ?? activeSheet(b), "PivotTableCollection.add destination", !!scope);
      const anchor: Rect = { r0: dest.rect.r0, c0: dest.rect.c0, r1: dest.rect.r0, c1: dest.rect.c0 };
      if (dest.sheet === srcRange.sheet && intersects(anchor, srcRange.rect))
        throw officeError("InvalidArgument", "PivotTableCollection.add: the destination overlaps the source data");
      const t = tablesOn(b, dest.sheet).find((x) => intersects(x.rect, anchor));
      if (t) throw officeError("InvalidArgument", `PivotTableCollection.add: the destination is inside table '${t.name}'`);
      const other = b.pivots.find((p) => p.sheetId === dest.sheet.id && intersects(p.dest, anchor));
      if (other) throw officeError("PivotTableRangeConflict", `PivotTableCollection.add: the destination is on PivotTable '${other.name}'`);
      const model = created(b, {
        id: nextId(b, "B1B0"),
        name,
        sheetId: dest.sheet.id,
        dest: anchor,
        source: src,
        sourceText,
        rows: [],
        columns: [],
        filters: [],
        data: [],
        layout: {},
      } as PivotModel);
      b.pivots.push(model);
      pt._bind(model);
    }, { api: "1.8" });
    return pt;
  }
  _item(desc: string, name: string, orNull: boolean, api?: string): FakePivotTable {
    const p = new FakePivotTable(this.context, this, `${this._path}.${desc}`, () => {
      const e = this._resolve();
      if (isNull(e)) return NULL_ENTITY;
      const x = this._entities(e).find((q) => q.name.toLowerCase() === String(name).toLowerCase());
      if (x) return x;
      if (orNull) return NULL_ENTITY;
      throw officeError("ItemNotFound", `no PivotTable '${name}'`);
    });
    if (api && !this._host().apiOk(api)) p._apiMissing = `PivotTableCollection.${desc} needs ExcelApi ${api}`;
    return p;
  }
  getItem(name: string): FakePivotTable {
    return this._item(`getItem(${JSON.stringify(name)})`, name, false);
  }
  getItemOrNullObject(name: string): FakePivotTable {
    return this._item(`getItemOrNullObject(${JSON.stringify(name)})`, name, true, "1.4");
  }
  getCount(): FakeClientResult<number> {
    return this._result("getCount", [], (e: Entity) => this._entities(e).length, "1.4");
  }
  refreshAll(): void {
    this._queue("refreshAll", [], () => undefined);
  }
}

export class FakePivotTable extends FakeClientObject {
  declare readonly id: string;
  declare name: string;
  _kidOf<T extends FakeClientObject>(n: string, make: (path: string, r: () => Entity) => T): T {
    return this._kid(n, () => make(`${this._path}.${n}`, () => this._resolve()), "1.8");
  }
  get hierarchies(): FakePivotHierarchyCollection {
    return this._kidOf("hierarchies", (p, r) => new FakePivotHierarchyCollection(this.context, this, p, r));
  }
  get rowHierarchies(): FakeRowColumnPivotHierarchyCollection {
    return this._kidOf("rowHierarchies", (p, r) => new FakeRowColumnPivotHierarchyCollection(this.context, this, p, r, "rows"));
  }
  get columnHierarchies(): FakeRowColumnPivotHierarchyCollection {
    return this._kidOf("columnHierarchies", (p, r) => new FakeRowColumnPivotHierarchyCollection(this.context, this, p, r, "columns"));
  }
  get filterHierarchies(): FakeRowColumnPivotHierarchyCollection {
    return this._kidOf("filterHierarchies", (p, r) => new FakeRowColumnPivotHierarchyCollection(this.context, this, p, r, "filters"));
  }
  get dataHierarchies(): FakeDataPivotHierarchyCollection {
    return this._kidOf("dataHierarchies", (p, r) => new FakeDataPivotHierarchyCollection(this.context, this, p, r));
  }
  get layout(): FakePivotLayout {
    return this._kidOf("layout", (p, r) => new FakePivotLayout(this.context, this, p, r));
  }
  get worksheet(): FakeWorksheet {
    return this._kid("worksheet", () => new FakeWorksheet(this.context, this, `${this._path}.worksheet`, () => {
      const p = this._resolve();
      return isNull(p) ? NULL_ENTITY : sheetById(this._book(), (p as PivotModel).sheetId);
    }));
  }
  delete(): void {
    this._queue("delete", [], (p: PivotModel) => {
      const b = this._book();
      b.pivots.splice(b.pivots.indexOf(p), 1);
      p.deleted = true;
    }, { api: "1.8" });
  }
  refresh(): void {
    this._queue("refresh", [], (p: PivotModel) => void pivotSource(this._book(), p));
  }
  getDataSourceString(): FakeClientResult<string> {
    return this._result("getDataSourceString", [], (p: PivotModel) => p.sourceText, "1.15");
  }
  getDataSourceType(): FakeClientResult<string> {
    return this._result("getDataSourceType", [], (p: PivotModel) => ("tableId" in p.source ? "Table" : "LocalRange"), "1.15");
  }
}
defineProps(
  FakePivotTable,
  "PivotTable",
  {
    id: { api: "1.5", get: (_s, p: PivotModel) => p.id },
    name: {
      get: (_s, p: PivotModel) => p.name,
      set: (s, p: PivotModel, v) => {
        const n = str(v, "PivotTable.name");
        if (n.trim() === "") throw officeError("InvalidArgument", "PivotTable.name is empty");
        if (s._book().pivots.some((x) => x !== p && x.name.toLowerCase() === n.toLowerCase()))
          throw officeError("ItemAlreadyExists", `a PivotTable named '${n}' already exists`);
        p.name = n;
      },
    },
  },
  {
    hierarchies: () => FakePivotHierarchyCollection.meta,
    rowHierarchies: () => FakeRowColumnPivotHierarchyCollection.meta,
    columnHierarchies: () => FakeRowColumnPivotHierarchyCollection.meta,
    filterHierarchies: () => FakeRowColumnPivotHierarchyCollection.meta,
    dataHierarchies: () => FakeDataPivotHierarchyCollection.meta,
    layout: () => FakePivotLayout.meta,
    worksheet: () => FakeWorksheet.meta,
  },
);
defineProps(FakePivotTableCollection, "PivotTableCollection", {}, {}, () => FakePivotTable.meta);

interface FieldE {
  pivot: PivotModel;
  field: string;
}

export class FakePivotHierarchyCollection extends FakeCollection<FakePivotHierarchy> {
  _entities(p: PivotModel): FieldE[] {
    return pivotFields(this._book(), p).map((field) => ({ pivot: p, field }));
  }
  _makeItem(x: FieldE): FakePivotHierarchy {
    return this._itemProxy((path, r) => new FakePivotHierarchy(this.context, this, path, r), x, x.field);
  }
  _get(name: string, orNull: boolean): FakePivotHierarchy {
    return new FakePivotHierarchy(this.context, this, `${this._path}.getItem${orNull ? "OrNullObject" : ""}(${JSON.stringify(name)})`, () => {
      const p = this._resolve();
      if (isNull(p)) return NULL_ENTITY;
      const f = fieldName(this._book(), p, name);
      if (f !== undefined) return { pivot: p, field: f };
      if (orNull) return NULL_ENTITY;
      throw officeError("ItemNotFound", `PivotTable '${(p as PivotModel).name}' has no field '${name}' (fields: ${pivotFields(this._book(), p).join(", ")})`);
    });
  }
  getItem(name: string): FakePivotHierarchy {
    return this._get(name, false);
  }
  getItemOrNullObject(name: string): FakePivotHierarchy {
    return this._get(name, true);
  }
  getCount(): FakeClientResult<number> {
    return this._result("getCount", [], (p: PivotModel) => pivotFields(this._book(), p).length);
  }
}

export class FakePivotHierarchy extends FakeClientObject {
  declare readonly id: string;
  declare readonly name: string;
}
defineProps(FakePivotHierarchy, "PivotHierarchy", {
  id: { get: (_s, f: FieldE) => f.field },
  name: { get: (_s, f: FieldE) => f.field },
});
defineProps(FakePivotHierarchyCollection, "PivotHierarchyCollection", {}, {}, () => FakePivotHierarchy.meta);

type Axis = "rows" | "columns" | "filters";
interface AxisFieldE extends FieldE {
  axis: Axis;
}

function hierarchyArg(self: FakeClientObject, h: unknown, p: PivotModel, what: string): string {
  if (!(h instanceof FakePivotHierarchy)) throw officeError("InvalidArgument", `${what}: expected a PivotHierarchy from pivotTable.hierarchies.getItem()`);
  const e = h._resolve() as FieldE;
  if (isNull(e)) throw officeError("InvalidArgument", `${what}: the hierarchy is a null object`);
  if (e.pivot !== p) throw officeError("InvalidArgument", `${what}: the hierarchy belongs to another PivotTable`);
  void self;
  return e.field;
}

export class FakeRowColumnPivotHierarchyCollection extends FakeCollection<FakeRowColumnPivotHierarchy> {
  readonly _axis: Axis;
  constructor(ctx: FakeRequestContext, parent: FakeClientObject, path: string, resolver: () => Entity, axis: Axis) {
    super(ctx, parent, path, resolver);
    this._axis = axis;
  }
  _entities(p: PivotModel): AxisFieldE[] {
    return p[this._axis].map((field) => ({ pivot: p, field, axis: this._axis }));
  }
  _makeItem(x: AxisFieldE): FakeRowColumnPivotHierarchy {
    return this._itemProxy((path, r) => new FakeRowColumnPivotHierarchy(this.context, this, path, r), x, x.field);
  }
  add(pivotHierarchy: FakePivotHierarchy): FakeRowColumnPivotHierarchy {
    this._checkSameContext(pivotHierarchy, "add");
    const out = new FakeRowColumnPivotHierarchy(this.context, this, `${this._path}.add(${pivotHierarchy?._path})`, () => {
      throw officeError("InvalidObjectPath", "the hierarchy from add() does not exist (its add failed or was not synced)");
    });
    this._queue("add", [pivotHierarchy instanceof FakeClientObject ? pivotHierarchy._path : null], (p: PivotModel) => {
      const f = hierarchyArg(this, pivotHierarchy, p, `${this._axis} add`);
      if (p[this._axis].includes(f)) throw officeError("InvalidArgument", `field '${f}' is already in the ${this._axis} of '${p.name}'`);
      for (const a of ["rows", "columns", "filters"] as Axis[]) p[a] = p[a].filter((x) => x !== f);
      p[this._axis].push(f);
      out._bind({ pivot: p, field: f, axis: this._axis });
    });
    return out;
  }
  remove(rowColumnPivotHierarchy: FakeRowColumnPivotHierarchy): void {
    this._checkSameContext(rowColumnPivotHierarchy, "remove");
    this._queue("remove", [rowColumnPivotHierarchy?._path ?? null], (p: PivotModel) => {
      const e = rowColumnPivotHierarchy._resolve() as AxisFieldE;
      if (isNull(e) || e.pivot !== p || !p[this._axis].includes(e.field)) throw officeError("ItemNotFound", "the hierarchy is not in this axis");
      p[this._axis] = p[this._axis].filter((x) => x !== e.field);
    });
  }
  _get(name: string, orNull: boolean): FakeRowColumnPivotHierarchy {
    return new FakeRowColumnPivotHierarchy(this.context, this, `${this._path}.getItem(${JSON.stringify(name)})`, () => {
      const p = this._resolve();
      if (isNull(p)) return NULL_ENTITY;
      const f = (p as PivotModel)[this._axis].find((x) => x.toLowerCase() === String(name).toLowerCase());
      if (f) return { pivot: p, field: f, axis: this._axis };
      if (orNull) return NULL_ENTITY;
      throw officeError("ItemNotFound", `no '${name}' in the ${this._axis}`);
    });
  }
  getItem(name: string): FakeRowColumnPivotHierarchy {
    return this._get(name, false);
  }
  getItemOrNullObject(name: string): FakeRowColumnPivotHierarchy {
    return this._get(name, true);
  }
  getCount(): FakeClientResult<number> {
    return this._result("getCount", [], (p: PivotModel) => p[this._axis].length);
  }
}

function axisIndex(e: AxisFieldE): number {
  const i = e.pivot[e.axis].indexOf(e.field);
  if (i < 0) throw officeError("ItemNotFound", `field '${e.field}' is no longer in the ${e.axis}`);
  return i;
}

export class FakeRowColumnPivotHierarchy extends FakeClientObject {
  declare readonly name: string;
  declare position: number;
  setToDefault(): void {
    this._queue("setToDefault", [], () => undefined);
  }
}
defineProps(FakeRowColumnPivotHierarchy, "RowColumnPivotHierarchy", {
  id: { get: (_s, e: AxisFieldE) => e.field },
  name: { get: (_s, e: AxisFieldE) => e.field },
  position: {
    get: (_s, e: AxisFieldE) => axisIndex(e),
    set: (_s, e: AxisFieldE, v) => {
      const list = e.pivot[e.axis];
      list.splice(axisIndex(e), 1);
      list.splice(Math.min(Math.max(0, num(v, "position", 0)), list.length), 0, e.field);
    },
  },
});
defineProps(FakeRowColumnPivotHierarchyCollection, "RowColumnPivotHierarchyCollection", {}, {}, () => FakeRowColumnPivotHierarchy.meta);

interface DataE {
  pivot: PivotModel;
  data: DataFieldModel;
}

export class FakeDataPivotHierarchyCollection extends FakeCollection<FakeDataPivotHierarchy> {
  _entities(p: PivotModel): DataE[] {
    return p.data.map((data) => ({ pivot: p, data }));
  }
  _makeItem(x: DataE): FakeDataPivotHierarchy {
    return this._itemProxy((path, r) => new FakeDataPivotHierarchy(this.context, this, path, r), x, x.data.name);
  }
  add(pivotHierarchy: FakePivotHierarchy): FakeDataPivotHierarchy {
    this._checkSameContext(pivotHierarchy, "add");
    const out = new FakeDataPivotHierarchy(this.context, this, `${this._path}.add(${pivotHierarchy?._path})`, () => {
      throw officeError("InvalidObjectPath", "the data hierarchy from add() does not exist (its add failed or was not synced)");
    });
    this._queue("add", [pivotHierarchy instanceof FakeClientObject ? pivotHierarchy._path : null], (p: PivotModel) => {
      const b = this._book();
      const f = hierarchyArg(this, pivotHierarchy, p, "dataHierarchies.add");
      const src = pivotSource(b, p);
      const col = pivotFields(b, p).indexOf(f);
      const colVals = readValues(src.sheet, { r0: src.rect.r0 + 1, r1: src.rect.r1, c0: src.rect.c0 + col, c1: src.rect.c0 + col });
      const numeric = colVals.every((r) => r[0] === "" || typeof r[0] === "number") && colVals.some((r) => typeof r[0] === "number");
      const summarizeBy = numeric ? "Sum" : "Count";
      const data: DataFieldModel = { field: f, name: "", summarizeBy, numberFormat: null, id: nextId(b) };
      data.name = uniqueDataName(p, `${SUMMARY_PREFIX[summarizeBy]} ${f}`, data);
      p.data.push(data);
      out._bind({ pivot: p, data });
    });
    return out;
  }
  remove(dataPivotHierarchy: FakeDataPivotHierarchy): void {
    this._checkSameContext(dataPivotHierarchy, "remove");
    this._queue("remove", [dataPivotHierarchy?._path ?? null], (p: PivotModel) => {
      const e = dataPivotHierarchy._resolve() as DataE;
      if (isNull(e) || e.pivot !== p || !p.data.includes(e.data)) throw officeError("ItemNotFound", "the data hierarchy is not in this PivotTable");
      p.data = p.data.filter((d) => d !== e.data);
    });
  }
  _get(name: string, orNull: boolean): FakeDataPivotHierarchy {
    return new FakeDataPivotHierarchy(this.context, this, `${this._path}.getItem(${JSON.stringify(name)})`, () => {
      const p = this._resolve();
      if (isNull(p)) return NULL_ENTITY;
      const d = (p as PivotModel).data.find((x) => x.name.toLowerCase() === String(name).toLowerCase());
      if (d) return { pivot: p, data: d };
      if (orNull) return NULL_ENTITY;
      throw officeError("ItemNotFound", `no data hierarchy '${name}'`);
    });
  }
  getItem(name: string): FakeDataPivotHierarchy {
    return this._get(name, false);
  }
  getItemOrNullObject(name: string): FakeDataPivotHierarchy {
    return this._get(name, true);
  }
  getCount(): FakeClientResult<number> {
    return this._result("getCount", [], (p: PivotModel) => p.data.length);
  }
}

function liveData(e: DataE): DataFieldModel {
  if (!e.pivot.data.includes(e.data)) throw officeError("ItemNotFound", `data hierarchy '${e.data.name}' was removed`);
  return e.data;
}

export class FakeDataPivotHierarchy extends FakeClientObject {
  declare name: string;
  declare summarizeBy: string;
  declare numberFormat: string;
  declare position: number;
  setToDefault(): void {
    this._queue("setToDefault", [], () => undefined);
  }
}
defineProps(FakeDataPivotHierarchy, "DataPivotHierarchy", {
  id: { get: (_s, e: DataE) => e.data.id },
  name: {
    get: (_s, e: DataE) => liveData(e).name,
    set: (s, e: DataE, v) => {
      const d = liveData(e);
      const n = str(v, "DataPivotHierarchy.name");
      if (n.trim() === "") throw officeError("InvalidArgument", "DataPivotHierarchy.name is empty");
      if (pivotFields(s._book(), e.pivot).some((f) => f.toLowerCase() === n.toLowerCase()))
        throw officeError("InvalidArgument", `DataPivotHierarchy.name: '${n}' is already a field name of the PivotTable (Excel refuses it)`);
      if (e.pivot.data.some((x) => x !== d && x.name.toLowerCase() === n.toLowerCase()))
        throw officeError("InvalidArgument", `DataPivotHierarchy.name: another data hierarchy is already named '${n}'`);
      d.name = n;
    },
  },
  summarizeBy: {
    get: (_s, e: DataE) => liveData(e).summarizeBy,
    set: (_s, e: DataE, v) => {
      const d = liveData(e);
      const f = enumValue(ENUMS.AggregationFunction, v, "DataPivotHierarchy.summarizeBy");
      if (f === "Unknown" || f === "Automatic") throw officeError("InvalidArgument", `DataPivotHierarchy.summarizeBy cannot be set to ${f}`);
      if (d.name === uniqueDataName(e.pivot, `${SUMMARY_PREFIX[d.summarizeBy]} ${d.field}`, d))
        d.name = uniqueDataName(e.pivot, `${SUMMARY_PREFIX[f]} ${d.field}`, d);
      d.summarizeBy = f;
    },
  },
  numberFormat: {
    get: (_s, e: DataE) => liveData(e).numberFormat ?? "General",
    set: (_s, e: DataE, v) => void (liveData(e).numberFormat = str(v, "DataPivotHierarchy.numberFormat")),
  },
  position: {
    get: (_s, e: DataE) => e.pivot.data.indexOf(liveData(e)),
    set: (_s, e: DataE, v) => {
      const d = liveData(e);
      e.pivot.data.splice(e.pivot.data.indexOf(d), 1);
      e.pivot.data.splice(Math.min(Math.max(0, num(v, "position", 0)), e.pivot.data.length), 0, d);
    },
  },
});
defineProps(FakeDataPivotHierarchyCollection, "DataPivotHierarchyCollection", {}, {}, () => FakeDataPivotHierarchy.meta);

export class FakePivotLayout extends FakeClientObject {
  declare layoutType: string;
  declare showRowGrandTotals: boolean;
  declare showColumnGrandTotals: boolean;
}
const layoutProp = (key: string, dflt: unknown, check: (v: unknown) => unknown, api?: string) =>
  stored((p: PivotModel) => p.layout, key, dflt, check, api);
defineProps(FakePivotLayout, "PivotLayout", {
  layoutType: layoutProp("layoutType", "Compact", (v) => enumValue(ENUMS.PivotLayoutType, v, "PivotLayout.layoutType")),
  showRowGrandTotals: layoutProp("showRowGrandTotals", true, (v) => bool(v, "PivotLayout.showRowGrandTotals")),
  showColumnGrandTotals: layoutProp("showColumnGrandTotals", true, (v) => bool(v, "PivotLayout.showColumnGrandTotals")),
  subtotalLocation: layoutProp("subtotalLocation", "AtTop", (v) => enumValue(ENUMS.SubtotalLocationType, v, "PivotLayout.subtotalLocation")),
  showFieldHeaders: layoutProp("showFieldHeaders", true, (v) => bool(v, "PivotLayout.showFieldHeaders"), "1.13"),
  autoFormat: layoutProp("autoFormat", true, (v) => bool(v, "PivotLayout.autoFormat"), "1.9"),
  preserveFormatting: layoutProp("preserveFormatting", true, (v) => bool(v, "PivotLayout.preserveFormatting"), "1.9"),
  enableFieldList: layoutProp("enableFieldList", true, (v) => bool(v, "PivotLayout.enableFieldList"), "1.10"),
  fillEmptyCells: layoutProp("fillEmptyCells", false, (v) => bool(v, "PivotLayout.fillEmptyCells"), "1.13"),
  emptyCellText: layoutProp("emptyCellText", "", (v) => str(v, "PivotLayout.emptyCellText"), "1.13"),
  altTextTitle: layoutProp("altTextTitle", "", (v) => str(v, "PivotLayout.altTextTitle"), "1.13"),
  altTextDescription: layoutProp("altTextDescription", "", (v) => str(v, "PivotLayout.altTextDescription"), "1.13"),
});

/* ------------------------------------------------------------------------------------------------ */
/* Charts                                                                                             */
/* ------------------------------------------------------------------------------------------------ */

function chartSheet(book: BookModel, c: ChartModel): SheetModel {
  const s = sheetById(book, c.sheetId);
  if (!s) throw officeError("ItemNotFound", "the chart's worksheet was deleted");
  return s;
}

function setChartData(book: BookModel, c: ChartModel, src: RangeE, seriesBy: string): void {
  if (isEntireCols(src.rect) || isEntireRows(src.rect)) throw notImplemented("charts over entire rows or columns");
  const info = seriesCount(src.sheet, src.rect, seriesBy);
  c.sourceSheetId = src.sheet.id;
  c.sourceRect = { ...src.rect };
  c.seriesBy = seriesBy;
  c.series = info.names.map((name) => ({ name, fill: null, props: {} }));
  void book;
}

export class FakeChartCollection extends FakeCollection<FakeChart> {
  declare readonly count: number;
  _entities(s: SheetModel): ChartModel[] {
    return s.charts;
  }
  _makeItem(c: ChartModel): FakeChart {
    return this._itemProxy((p, r) => new FakeChart(this.context, this, p, r), c, c.name);
  }
  add(type: string, sourceData: FakeRange, seriesBy: string = "Auto"): FakeChart {
    this._checkSameContext(sourceData, "ChartCollection.add");
    const chart = new FakeChart(this.context, this, `${this._path}.add(${JSON.stringify(type)})`, () => {
      throw officeError("InvalidObjectPath", "the chart from add() does not exist (its add failed or was not synced)");
    });
    this._queue("add", [type, sourceData instanceof FakeClientObject ? sourceData._path : sourceData, seriesBy], (s: SheetModel) => {
      const b = this._book();
      const t = enumValue(ENUMS.ChartType, type, "ChartCollection.add type");
      if (t === "Invalid") throw officeError("InvalidArgument", "ChartCollection.add: chart type 'Invalid'");
      const by = enumValue(ENUMS.ChartSeriesBy, seriesBy, "ChartCollection.add seriesBy");
      if (!(sourceData instanceof FakeRange)) throw officeError("InvalidArgument", "ChartCollection.add: sourceData must be a Range");
      const src = sourceData._resolve() as RangeE;
      if (isNull(src)) throw officeError("InvalidArgument", "ChartCollection.add: sourceData is a null object");
      s.chartSeq += 1;
      const c = created(b, {
        id: nextId(b, "C4A7"),
        name: `Chart ${s.chartSeq}`,
        sheetId: s.id,
        type: t,
        sourceSheetId: src.sheet.id,
        sourceRect: src.rect,
        seriesBy: by,
        title: { text: "", visible: false, overlay: false },
        legend: { visible: true, position: "Right" },
        position: null,
        top: 0,
        left: 0,
        width: 360,
        height: 216,
        series: [],
        categoryAxis: { reversePlotOrder: false, visible: true, props: {} },
        valueAxis: { reversePlotOrder: false, visible: true, props: {} },
        dataLabels: {},
      } as ChartModel);
      setChartData(b, c, src, by);
      if (c.series.length === 1) c.title = { text: c.series[0].name, visible: true, overlay: false };
      s.charts.push(c);
      chart._bind(c);
    });
    return chart;
  }
  _item(desc: string, find: (s: SheetModel) => ChartModel | undefined, orNull: boolean, api?: string): FakeChart {
    const c = new FakeChart(this.context, this, `${this._path}.${desc}`, () => {
      const s = this._resolve();
      if (isNull(s)) return NULL_ENTITY;
      const x = find(s);
      if (x) return x;
      if (orNull) return NULL_ENTITY;
      throw officeError("ItemNotFound", `ChartCollection.${desc}: no such chart`);
    });
    if (api && !this._host().apiOk(api)) c._apiMissing = `ChartCollection.${desc} needs ExcelApi ${api}`;
    return c;
  }
  getItem(name: string): FakeChart {
    return this._item(`getItem(${JSON.stringify(name)})`, (s) => s.charts.find((c) => c.name === name), false);
  }
  getItemOrNullObject(name: string): FakeChart {
    return this._item(`getItemOrNullObject(${JSON.stringify(name)})`, (s) => s.charts.find((c) => c.name === name), true, "1.4");
  }
  getItemAt(index: number): FakeChart {
    return this._item(`getItemAt(${index})`, (s) => s.charts[index], false);
  }
  getCount(): FakeClientResult<number> {
    return this._result("getCount", [], (s: SheetModel) => s.charts.length, "1.4");
  }
}

export class FakeChart extends FakeClientObject {
  declare name: string;
  declare chartType: string;
  _nav<T extends FakeClientObject>(n: string, make: (path: string, r: () => Entity) => T, api?: string): T {
    return this._kid(n, () => make(`${this._path}.${n}`, () => this._resolve()), api);
  }
  get title(): FakeChartTitle {
    return this._nav("title", (p, r) => new FakeChartTitle(this.context, this, p, r));
  }
  get legend(): FakeChartLegend {
    return this._nav("legend", (p, r) => new FakeChartLegend(this.context, this, p, r));
  }
  get series(): FakeChartSeriesCollection {
    return this._nav("series", (p, r) => new FakeChartSeriesCollection(this.context, this, p, r));
  }
  get axes(): FakeChartAxes {
    return this._nav("axes", (p, r) => new FakeChartAxes(this.context, this, p, r));
  }
  get dataLabels(): FakeChartDataLabels {
    return this._nav("dataLabels", (p, r) => new FakeChartDataLabels(this.context, this, p, r));
  }
  get worksheet(): FakeWorksheet {
    return this._kid("worksheet", () => new FakeWorksheet(this.context, this, `${this._path}.worksheet`, () => {
      const c = this._resolve();
      return isNull(c) ? NULL_ENTITY : chartSheet(this._book(), c);
    }), "1.2");
  }
  setPosition(startCell: FakeRange | string, endCell?: FakeRange | string): void {
    this._checkSameContext(startCell, "Chart.setPosition");
    this._checkSameContext(endCell, "Chart.setPosition");
    const label = (x: unknown) => (x instanceof FakeClientObject ? x._path : x ?? null);
    this._queue("setPosition", [label(startCell), label(endCell)], (c: ChartModel) => {
      const s = chartSheet(this._book(), c);
      const a = rangeArg(this, startCell, s, "Chart.setPosition startCell", true).rect;
      const e = endCell === undefined || endCell === null ? null : rangeArg(this, endCell, s, "Chart.setPosition endCell", true).rect;
      if (e && (e.r1 < a.r0 || e.c1 < a.c0)) throw officeError("InvalidArgument", "Chart.setPosition: endCell is above or left of startCell");
      c.position = { start: refOf({ r0: a.r0, c0: a.c0, r1: a.r0, c1: a.c0 }), end: e ? refOf({ r0: e.r1, c0: e.c1, r1: e.r1, c1: e.c1 }) : null };
      c.top = a.r0 * DEFAULT_ROW_HEIGHT;
      c.left = a.c0 * DEFAULT_COLUMN_WIDTH;
      if (e) {
        c.height = (e.r1 - a.r0 + 1) * DEFAULT_ROW_HEIGHT;
        c.width = (e.c1 - a.c0 + 1) * DEFAULT_COLUMN_WIDTH;
      }
    });
  }
  setData(sourceData: FakeRange, seriesBy: string = "Auto"): void {
    this._checkSameContext(sourceData, "Chart.setData");
    this._queue("setData", [sourceData instanceof FakeClientObject ? sourceData._path : sourceData, seriesBy], (c: ChartModel) => {
      if (!(sourceData instanceof FakeRange)) throw officeError("InvalidArgument", "Chart.setData: sourceData must be a Range");
      setChartData(this._book(), c, sourceData._resolve(), enumValue(ENUMS.ChartSeriesBy, seriesBy, "Chart.setData seriesBy"));
    });
  }
  delete(): void {
    this._queue("delete", [], (c: ChartModel) => {
      const s = chartSheet(this._book(), c);
      s.charts.splice(s.charts.indexOf(c), 1);
      c.deleted = true;
    });
  }
  activate(): void {
    this._queue("activate", [], () => undefined, { api: "1.9" });
  }
}
const chartNum = (key: "top" | "left" | "width" | "height"): PropDef => ({
  get: (_s, c: ChartModel) => c[key],
  set: (_s, c: ChartModel, v) => void (c[key] = num(v, `Chart.${key}`, 0)),
});
defineProps(
  FakeChart,
  "Chart",
  {
    id: { api: "1.7", get: (_s, c: ChartModel) => c.id },
    name: {
      get: (_s, c: ChartModel) => c.name,
      set: (s, c: ChartModel, v) => {
        const n = str(v, "Chart.name");
        if (n.trim() === "") throw officeError("InvalidArgument", "Chart.name is empty");
        if (chartSheet(s._book(), c).charts.some((x) => x !== c && x.name === n))
          throw officeError("InvalidArgument", `Chart.name: another chart on the sheet is named '${n}'`);
        c.name = n;
      },
    },
    chartType: {
      api: "1.7",
      get: (_s, c: ChartModel) => c.type,
      set: (_s, c: ChartModel, v) => void (c.type = enumValue(ENUMS.ChartType, v, "Chart.chartType")),
    },
    top: chartNum("top"),
    left: chartNum("left"),
    width: chartNum("width"),
    height: chartNum("height"),
  },
  {
    title: () => FakeChartTitle.meta,
    legend: () => FakeChartLegend.meta,
    series: () => FakeChartSeriesCollection.meta,
    axes: () => FakeChartAxes.meta,
    dataLabels: () => FakeChartDataLabels.meta,
    worksheet: () => FakeWorksheet.meta,
  },
);
defineProps(FakeChartCollection, "ChartCollection", { count: { get: (_s, s: SheetModel) => s.charts.length } }, {}, () => FakeChart.meta);

export class FakeChartTitle extends FakeClientObject {
  declare text: string;
  declare visible: boolean;
}
defineProps(FakeChartTitle, "ChartTitle", {
  text: {
    get: (_s, c: ChartModel) => c.title.text,
    set: (_s, c: ChartModel, v) => {
      c.title.text = str(v, "ChartTitle.text");
      c.title.visible = true;
    },
  },
  visible: { get: (_s, c: ChartModel) => c.title.visible, set: (_s, c: ChartModel, v) => void (c.title.visible = bool(v, "ChartTitle.visible")) },
  overlay: { get: (_s, c: ChartModel) => c.title.overlay, set: (_s, c: ChartModel, v) => void (c.title.overlay = bool(v, "ChartTitle.overlay")) },
});

export class FakeChartLegend extends FakeClientObject {
  declare visible: boolean;
  declare position: string;
}
defineProps(FakeChartLegend, "ChartLegend", {
  visible: { get: (_s, c: ChartModel) => c.legend.visible, set: (_s, c: ChartModel, v) => void (c.legend.visible = bool(v, "ChartLegend.visible")) },
  position: {
    get: (_s, c: ChartModel) => c.legend.position,
    set: (_s, c: ChartModel, v) => void (c.legend.position = enumValue(ENUMS.ChartLegendPosition, v, "ChartLegend.position")),
  },
  overlay: stored((c: ChartModel) => c.legend as unknown as Record<string, unknown>, "overlay", false, (v) => bool(v, "ChartLegend.overlay")),
});

export class FakeChartDataLabels extends FakeClientObject {
  declare showValue: boolean;
}
const dl = (key: string, dflt: unknown, check: (v: unknown) => unknown, api?: string) => stored((c: ChartModel) => c.dataLabels, key, dflt, check, api);
defineProps(FakeChartDataLabels, "ChartDataLabels", {
  showValue: dl("showValue", false, (v) => bool(v, "ChartDataLabels.showValue")),
  showPercentage: dl("showPercentage", false, (v) => bool(v, "ChartDataLabels.showPercentage")),
  showCategoryName: dl("showCategoryName", false, (v) => bool(v, "ChartDataLabels.showCategoryName")),
  showSeriesName: dl("showSeriesName", false, (v) => bool(v, "ChartDataLabels.showSeriesName")),
  showLegendKey: dl("showLegendKey", false, (v) => bool(v, "ChartDataLabels.showLegendKey")),
  showBubbleSize: dl("showBubbleSize", false, (v) => bool(v, "ChartDataLabels.showBubbleSize")),
  separator: dl("separator", ",", (v) => str(v, "ChartDataLabels.separator")),
  position: dl("position", "BestFit", (v) => enumValue(ENUMS.ChartDataLabelPosition, v, "ChartDataLabels.position"), "1.8"),
  numberFormat: dl("numberFormat", "General", (v) => str(v, "ChartDataLabels.numberFormat"), "1.8"),
});

interface SeriesE {
  chart: ChartModel;
  index: number;
}
function liveSeries(e: SeriesE): SeriesModel {
  const s = e.chart.series[e.index];
  if (!s) throw officeError("ItemNotFound", `chart '${e.chart.name}' has no series #${e.index}`);
  return s;
}

export class FakeChartSeriesCollection extends FakeCollection<FakeChartSeries> {
  declare readonly count: number;
  _entities(c: ChartModel): SeriesE[] {
    return c.series.map((_x, index) => ({ chart: c, index }));
  }
  _makeItem(x: SeriesE): FakeChartSeries {
    return this._itemProxy((p, r) => new FakeChartSeries(this.context, this, p, r), x, String(x.index));
  }
  getItemAt(index: number): FakeChartSeries {
    return new FakeChartSeries(this.context, this, `${this._path}.getItemAt(${index})`, () => {
      const c = this._resolve();
      if (isNull(c)) return NULL_ENTITY;
      if (!Number.isInteger(index) || index < 0 || index >= (c as ChartModel).series.length)
        throw officeError("InvalidArgument", `chart '${(c as ChartModel).name}' has ${(c as ChartModel).series.length} series; no series #${index}`);
      return { chart: c, index };
    });
  }
  getCount(): FakeClientResult<number> {
    return this._result("getCount", [], (c: ChartModel) => c.series.length, "1.4");
  }
  /** ExcelApi 1.7: a new series at the end (or at `index`), empty until setValues. */
  add(name?: string, index?: number): FakeChartSeries {
    let at = -1;
    const series = new FakeChartSeries(this.context, this, `${this._path}.add(${JSON.stringify(name ?? null)})`, () => {
      const c = this._resolve();
      if (isNull(c)) return NULL_ENTITY;
      if (at < 0) throw officeError("InvalidObjectPath", "the series from add() does not exist (its add failed or was not synced)");
      return { chart: c, index: at };
    });
    this._queue("add", [name ?? null, index ?? null], (c: ChartModel) => {
      const n = c.series.length;
      const i = index === undefined ? n : num(index, "ChartSeriesCollection.add index", 0);
      if (!Number.isInteger(i) || i > n) throw officeError("InvalidArgument", `ChartSeriesCollection.add: index ${index} is past the ${n} series`);
      c.series.splice(i, 0, { name: name === undefined ? `Series${n + 1}` : str(name, "ChartSeriesCollection.add name"), fill: null, props: {} });
      at = i;
    }, { api: "1.7" });
    return series;
  }
}

/** A one-row or one-column range's address, for a series' values or categories (Excel refuses a block). */
function seriesRange(r: FakeRange, what: string): string {
  const e = r._resolve() as RangeE;
  if (isNull(e)) throw officeError("InvalidArgument", `${what}: a null range`);
  if (e.rect.r1 !== e.rect.r0 && e.rect.c1 !== e.rect.c0) throw officeError("InvalidArgument", `${what}: the range must be one row or one column`);
  return addressOf(e.sheet.name, e.rect);
}

export class FakeChartSeries extends FakeClientObject {
  declare name: string;
  setValues(sourceData: FakeRange): void {
    this._checkSameContext(sourceData, "ChartSeries.setValues");
    this._queue("setValues", [sourceData._path], (e: SeriesE) => void (liveSeries(e).values = seriesRange(sourceData, "ChartSeries.setValues")), { api: "1.7" });
  }
  setXAxisValues(sourceData: FakeRange): void {
    this._checkSameContext(sourceData, "ChartSeries.setXAxisValues");
    this._queue("setXAxisValues", [sourceData._path], (e: SeriesE) => void (liveSeries(e).xValues = seriesRange(sourceData, "ChartSeries.setXAxisValues")), { api: "1.7" });
  }
  get format(): FakeChartSeriesFormat {
    return this._kid("format", () => new FakeChartSeriesFormat(this.context, this, `${this._path}.format`, () => this._resolve()));
  }
  delete(): void {
    this._queue("delete", [], (e: SeriesE) => {
      liveSeries(e);
      e.chart.series.splice(e.index, 1);
    }, { api: "1.7" });
  }
}
const seriesProp = (key: string, dflt: unknown, check: (v: unknown) => unknown, api?: string): PropDef => ({
  api,
  get: (_s, e: SeriesE) => liveSeries(e).props[key] ?? dflt,
  set: (_s, e: SeriesE, v) => void (liveSeries(e).props[key] = check(v)),
});
defineProps(
  FakeChartSeries,
  "ChartSeries",
  {
    name: { get: (_s, e: SeriesE) => liveSeries(e).name, set: (_s, e: SeriesE, v) => void (liveSeries(e).name = str(v, "ChartSeries.name")) },
    hasDataLabels: seriesProp("hasDataLabels", false, (v) => bool(v, "ChartSeries.hasDataLabels"), "1.7"),
    gapWidth: seriesProp("gapWidth", 150, (v) => num(v, "ChartSeries.gapWidth", 0), "1.7"),
    overlap: seriesProp("overlap", 0, (v) => num(v, "ChartSeries.overlap"), "1.8"),
    chartType: seriesProp("chartType", null, (v) => enumValue(ENUMS.ChartType, v, "ChartSeries.chartType"), "1.7"),
    plotOrder: { api: "1.7", get: (_s, e: SeriesE) => e.index },
  },
  { format: () => FakeChartSeriesFormat.meta },
);
defineProps(FakeChartSeriesCollection, "ChartSeriesCollection", { count: { get: (_s, c: ChartModel) => c.series.length } }, {}, () => FakeChartSeries.meta);

export class FakeChartSeriesFormat extends FakeClientObject {
  get fill(): FakeChartFill {
    return this._kid("fill", () => new FakeChartFill(this.context, this, `${this._path}.fill`, () => this._resolve()));
  }
}
defineProps(FakeChartSeriesFormat, "ChartSeriesFormat", {}, { fill: () => FakeChartFill.meta });

export class FakeChartFill extends FakeClientObject {
  setSolidColor(color: string): void {
    this._queue("setSolidColor", [color], (e: SeriesE) => void (liveSeries(e).fill = normalizeColor(color, "ChartFill.setSolidColor")));
  }
  clear(): void {
    this._queue("clear", [], (e: SeriesE) => void (liveSeries(e).fill = "none"));
  }
  getSolidColor(): FakeClientResult<string> {
    return this._result("getSolidColor", [], (e: SeriesE) => liveSeries(e).fill ?? "", "1.16");
  }
}
defineProps(FakeChartFill, "ChartFill", {});

export class FakeChartAxes extends FakeClientObject {
  _axis(which: "categoryAxis" | "valueAxis"): FakeChartAxis {
    return this._kid(which, () => new FakeChartAxis(this.context, this, `${this._path}.${which}`, () => {
      const c = this._resolve();
      if (isNull(c)) return NULL_ENTITY;
      if (NO_AXES.has((c as ChartModel).type)) throw officeError("InvalidOperation", `a ${(c as ChartModel).type} chart has no axes`);
      return { chart: c, which };
    }));
  }
  get categoryAxis(): FakeChartAxis {
    return this._axis("categoryAxis");
  }
  get valueAxis(): FakeChartAxis {
    return this._axis("valueAxis");
  }
  getItem(type: string, _group?: string): FakeChartAxis {
    const t = String(type).toLowerCase();
    if (t === "category") return this.categoryAxis;
    if (t === "value") return this.valueAxis;
    throw notImplemented(`ChartAxes.getItem(${JSON.stringify(type)})`);
  }
}
defineProps(FakeChartAxes, "ChartAxes", {}, { categoryAxis: () => FakeChartAxis.meta, valueAxis: () => FakeChartAxis.meta });

interface AxisE {
  chart: ChartModel;
  which: "categoryAxis" | "valueAxis";
}
export class FakeChartAxis extends FakeClientObject {
  declare reversePlotOrder: boolean;
  declare visible: boolean;
  get title(): FakeChartAxisTitle {
    return this._kid("title", () => new FakeChartAxisTitle(this.context, this, `${this._path}.title`, () => this._resolve()));
  }
  get majorGridlines(): FakeChartGridlines {
    return this._kid("majorGridlines", () => new FakeChartGridlines(this.context, this, `${this._path}.majorGridlines`, () => {
      const e = this._resolve();
      return isNull(e) ? NULL_ENTITY : { ...e, part: "majorGridlines" };
    }));
  }
  get minorGridlines(): FakeChartGridlines {
    return this._kid("minorGridlines", () => new FakeChartGridlines(this.context, this, `${this._path}.minorGridlines`, () => {
      const e = this._resolve();
      return isNull(e) ? NULL_ENTITY : { ...e, part: "minorGridlines" };
    }));
  }
}
const axisProp = (key: string, dflt: unknown, check: (v: unknown) => unknown, api?: string): PropDef => ({
  api,
  get: (_s, e: AxisE) => e.chart[e.which].props[key] ?? dflt,
  set: (_s, e: AxisE, v) => void (e.chart[e.which].props[key] = check(v)),
});
defineProps(
  FakeChartAxis,
  "ChartAxis",
  {
    reversePlotOrder: {
      api: "1.7",
      get: (_s, e: AxisE) => e.chart[e.which].reversePlotOrder,
      set: (_s, e: AxisE, v) => void (e.chart[e.which].reversePlotOrder = bool(v, "ChartAxis.reversePlotOrder")),
    },
    visible: {
      api: "1.7",
      get: (_s, e: AxisE) => e.chart[e.which].visible,
      set: (_s, e: AxisE, v) => void (e.chart[e.which].visible = bool(v, "ChartAxis.visible")),
    },
    type: { api: "1.7", get: (_s, e: AxisE) => (e.which === "categoryAxis" ? "Category" : "Value") },
    axisGroup: { api: "1.7", get: () => "Primary" },
    numberFormat: axisProp("numberFormat", "General", (v) => str(v, "ChartAxis.numberFormat"), "1.8"),
    minimum: axisProp("minimum", null, (v) => num(v, "ChartAxis.minimum")),
    maximum: axisProp("maximum", null, (v) => num(v, "ChartAxis.maximum")),
    majorUnit: axisProp("majorUnit", null, (v) => num(v, "ChartAxis.majorUnit", 0)),
    minorUnit: axisProp("minorUnit", null, (v) => num(v, "ChartAxis.minorUnit", 0)),
    categoryType: axisProp("categoryType", "Automatic", (v) => str(v, "ChartAxis.categoryType"), "1.7"),
    displayUnit: axisProp("displayUnit", "None", (v) => str(v, "ChartAxis.displayUnit"), "1.7"),
  },
  { title: () => FakeChartAxisTitle.meta, majorGridlines: () => FakeChartGridlines.meta, minorGridlines: () => FakeChartGridlines.meta },
);

export class FakeChartAxisTitle extends FakeClientObject {
  declare text: string;
  declare visible: boolean;
}
defineProps(FakeChartAxisTitle, "ChartAxisTitle", {
  text: {
    get: (_s, e: AxisE) => (e.chart[e.which].props.titleText as string | undefined) ?? "",
    set: (_s, e: AxisE, v) => {
      e.chart[e.which].props.titleText = str(v, "ChartAxisTitle.text");
      e.chart[e.which].props.titleVisible = true;
    },
  },
  visible: {
    get: (_s, e: AxisE) => (e.chart[e.which].props.titleVisible as boolean | undefined) ?? false,
    set: (_s, e: AxisE, v) => void (e.chart[e.which].props.titleVisible = bool(v, "ChartAxisTitle.visible")),
  },
});

export class FakeChartGridlines extends FakeClientObject {
  declare visible: boolean;
}
defineProps(FakeChartGridlines, "ChartGridlines", {
  visible: {
    get: (_s, e: AxisE & { part: string }) => (e.chart[e.which].props[e.part] as boolean | undefined) ?? (e.part === "majorGridlines" && e.which === "valueAxis"),
    set: (_s, e: AxisE & { part: string }, v) => void (e.chart[e.which].props[e.part] = bool(v, "ChartGridlines.visible")),
  },
});

/* ------------------------------------------------------------------------------------------------ */
/* Names and settings                                                                                 */
/* ------------------------------------------------------------------------------------------------ */

function nameValue(book: BookModel, n: NameModel): { type: string; value: unknown; formula: string } {
  if (n.ref) {
    const s = sheetById(book, n.ref.sheetId);
    if (s) {
      const a = addressOf(s.name, n.ref.rect, true);
      return { type: "Range", value: a, formula: "=" + a };
    }
  }
  const f = n.formula ?? "=#REF!";
  const body = f.replace(/^=/, "");
  if (/^-?\d+(\.\d+)?$/.test(body)) return { type: "Double", value: Number(body), formula: f };
  if (/^(TRUE|FALSE)$/i.test(body)) return { type: "Boolean", value: body.toUpperCase() === "TRUE", formula: f };
  if (/^".*"$/.test(body)) return { type: "String", value: body.slice(1, -1).replace(/""/g, '"'), formula: f };
  if (body.startsWith("#")) return { type: "Error", value: body, formula: f };
  return { type: "String", value: body, formula: f };
}

export class FakeNamedItemCollection extends FakeCollection<FakeNamedItem> {
  _scope(e: Entity): SheetModel | null {
    return e === this._book() ? null : (e as SheetModel);
  }
  _entities(e: Entity): NameModel[] {
    const s = this._scope(e);
    return this._book().names.filter((n) => n.scopeSheetId === (s ? s.id : null));
  }
  _makeItem(n: NameModel): FakeNamedItem {
    return this._itemProxy((p, r) => new FakeNamedItem(this.context, this, p, r), n, n.name);
  }
  add(name: string, reference: FakeRange | string, comment?: string): FakeNamedItem {
    this._checkSameContext(reference, "NamedItemCollection.add");
    const item = new FakeNamedItem(this.context, this, `${this._path}.add(${JSON.stringify(name)})`, () => {
      throw officeError("InvalidObjectPath", "the name from add() does not exist (its add failed or was not synced)");
    });
    this._queue("add", [name, reference instanceof FakeClientObject ? reference._path : reference, comment ?? null], (e: Entity) => {
      const b = this._book();
      const scope = this._scope(e);
      if (scope) {
        checkDefinedName({ ...b, tables: [], names: [] }, name, "NamedItemCollection.add");
        if (b.names.some((n) => n.scopeSheetId === scope.id && n.name.toLowerCase() === name.toLowerCase()))
          throw officeError("ItemAlreadyExists", `the name '${name}' already exists on '${scope.name}'`);
      } else checkDefinedName(b, name, "NamedItemCollection.add");
      let ref: NameModel["ref"] = null;
      let formula: string | null = null;
      if (reference instanceof FakeRange) {
        const r = rangeArg(this, reference, null, "NamedItemCollection.add");
        ref = { sheetId: r.sheet.id, rect: { ...r.rect } };
      } else if (typeof reference === "string") {
        const body = reference.replace(/^=/, "");
        const sp = splitAddress(body);
        if (sp && sp.sheet !== null && parseRef(sp.ref)) {
          const r = resolveAddress(b, body, scope, "NamedItemCollection.add");
          ref = { sheetId: r.sheet.id, rect: r.rect };
        } else formula = reference.startsWith("=") ? reference : `="${reference.replace(/"/g, '""')}"`;
      } else throw officeError("InvalidArgument", "NamedItemCollection.add: the reference must be a Range or a string");
      const n = created(b, { id: nextId(b), name, scopeSheetId: scope ? scope.id : null, ref, formula, comment: comment ?? "", visible: true } as NameModel);
      b.names.push(n);
      item._bind(n);
    }, { api: "1.4" });
    return item;
  }
  _get(name: string, orNull: boolean): FakeNamedItem {
    const it = new FakeNamedItem(this.context, this, `${this._path}.getItem${orNull ? "OrNullObject" : ""}(${JSON.stringify(name)})`, () => {
      const e = this._resolve();
      if (isNull(e)) return NULL_ENTITY;
      const n = this._entities(e).find((x) => x.name.toLowerCase() === String(name).toLowerCase());
      if (n) return n;
      if (orNull) return NULL_ENTITY;
      throw officeError("ItemNotFound", `no name '${name}'`);
    });
    if (orNull && !this._host().apiOk("1.4")) it._apiMissing = "NamedItemCollection.getItemOrNullObject needs ExcelApi 1.4";
    return it;
  }
  getItem(name: string): FakeNamedItem {
    return this._get(name, false);
  }
  getItemOrNullObject(name: string): FakeNamedItem {
    return this._get(name, true);
  }
  getCount(): FakeClientResult<number> {
    return this._result("getCount", [], (e: Entity) => this._entities(e).length, "1.4");
  }
}

export class FakeNamedItem extends FakeClientObject {
  declare readonly name: string;
  declare readonly type: string;
  declare readonly value: unknown;
  declare formula: string;
  declare comment: string;
  declare visible: boolean;
  _rangeOf(orNull: boolean): FakeRange {
    return new FakeRange(this.context, this, `${this._path}.getRange${orNull ? "OrNullObject" : ""}()`, () => {
      const n = this._resolve();
      if (isNull(n)) return NULL_ENTITY;
      const s = (n as NameModel).ref ? sheetById(this._book(), (n as NameModel).ref!.sheetId) : undefined;
      if (s) return { sheet: s, rect: (n as NameModel).ref!.rect };
      if (orNull) return NULL_ENTITY;
      throw officeError("InvalidArgument", `the name '${(n as NameModel).name}' does not refer to a range`);
    });
  }
  getRange(): FakeRange {
    return this._rangeOf(false);
  }
  getRangeOrNullObject(): FakeRange {
    // "[API set: ExcelApi 1.4]" (learn.microsoft.com/javascript/api/excel/excel.nameditem#getRangeOrNullObject).
    const r = this._rangeOf(true);
    if (!this._host().apiOk("1.4")) r._apiMissing = "NamedItem.getRangeOrNullObject needs ExcelApi 1.4";
    return r;
  }
  delete(): void {
    this._queue("delete", [], (n: NameModel) => {
      const b = this._book();
      b.names.splice(b.names.indexOf(n), 1);
      n.deleted = true;
    }, { api: "1.4" });
  }
}
defineProps(FakeNamedItem, "NamedItem", {
  name: { get: (_s, n: NameModel) => n.name },
  type: { get: (s, n: NameModel) => nameValue(s._book(), n).type },
  value: { get: (s, n: NameModel) => nameValue(s._book(), n).value },
  formula: {
    api: "1.7",
    get: (s, n: NameModel) => nameValue(s._book(), n).formula,
    set: (s, n: NameModel, v) => {
      const f = str(v, "NamedItem.formula");
      const body = f.replace(/^=/, "");
      const sp = splitAddress(body);
      if (sp && sp.sheet !== null && parseRef(sp.ref)) {
        const r = resolveAddress(s._book(), body, null, "NamedItem.formula");
        n.ref = { sheetId: r.sheet.id, rect: r.rect };
        n.formula = null;
      } else {
        n.ref = null;
        n.formula = f.startsWith("=") ? f : "=" + f;
      }
    },
  },
  comment: { api: "1.4", get: (_s, n: NameModel) => n.comment, set: (_s, n: NameModel, v) => void (n.comment = str(v, "NamedItem.comment")) },
  visible: { get: (_s, n: NameModel) => n.visible, set: (_s, n: NameModel, v) => void (n.visible = bool(v, "NamedItem.visible")) },
  scope: { api: "1.4", get: (_s, n: NameModel) => (n.scopeSheetId ? "Worksheet" : "Workbook") },
});
defineProps(FakeNamedItemCollection, "NamedItemCollection", {}, {}, () => FakeNamedItem.meta);

export class FakeSettingCollection extends FakeCollection<FakeSetting> {
  _entities(b: BookModel): SettingModel[] {
    return b.settings;
  }
  _makeItem(x: SettingModel): FakeSetting {
    return this._itemProxy((p, r) => new FakeSetting(this.context, this, p, r), x, x.key);
  }
  add(key: string, value: unknown): FakeSetting {
    const it = new FakeSetting(this.context, this, `${this._path}.add(${JSON.stringify(key)})`, () => {
      throw officeError("InvalidObjectPath", "the setting from add() does not exist (not synced)");
    });
    const stored = JSON.parse(JSON.stringify(value ?? null)) as unknown;
    this._queue("add", [key, stored], (b: BookModel) => {
      const k = str(key, "SettingCollection.add key");
      if (k === "") throw officeError("InvalidArgument", "SettingCollection.add: empty key");
      let s = b.settings.find((x) => x.key === k);
      if (s) s.value = clonePlain(stored);
      else b.settings.push((s = created(b, { key: k, value: clonePlain(stored) } as SettingModel)));
      it._bind(s);
    });
    return it;
  }
  _get(key: string, orNull: boolean): FakeSetting {
    return new FakeSetting(this.context, this, `${this._path}.getItem(${JSON.stringify(key)})`, () => {
      const s = this._book().settings.find((x) => x.key === key);
      if (s) return s;
      if (orNull) return NULL_ENTITY;
      throw officeError("ItemNotFound", `no setting '${key}'`);
    });
  }
  getItem(key: string): FakeSetting {
    return this._get(key, false);
  }
  getItemOrNullObject(key: string): FakeSetting {
    return this._get(key, true);
  }
  getCount(): FakeClientResult<number> {
    return this._result("getCount", [], (b: BookModel) => b.settings.length);
  }
}

export class FakeSetting extends FakeClientObject {
  declare readonly key: string;
  declare value: unknown;
  delete(): void {
    this._queue("delete", [], (s: SettingModel) => {
      const b = this._book();
      b.settings.splice(b.settings.indexOf(s), 1);
      s.deleted = true;
    });
  }
}
defineProps(FakeSetting, "Setting", {
  key: { get: (_s, x: SettingModel) => x.key },
  value: { get: (_s, x: SettingModel) => clonePlain(x.value), set: (_s, x: SettingModel, v) => void (x.value = JSON.parse(JSON.stringify(v ?? null))) },
});
defineProps(FakeSettingCollection, "SettingCollection", {}, {}, () => FakeSetting.meta);

/* ------------------------------------------------------------------------------------------------ */
/* Inspection (outside the API, for assertions)                                                        */
/* ------------------------------------------------------------------------------------------------ */

function trimRows<T>(rowsArr: Rows<T>): (T | null)[][] {
  let last = rowsArr.length - 1;
  const rowHasData = (r: Row<T> | undefined) => !!r && r.some((x) => x !== undefined && x !== null);
  while (last >= 0 && !rowHasData(rowsArr[last])) last--;
  const out: (T | null)[][] = [];
  for (let r = 0; r <= last; r++) {
    const row = rowsArr[r];
    if (!row) {
      out.push([]);
      continue;
    }
    let end = row.length - 1;
    while (end >= 0 && (row[end] === undefined || row[end] === null)) end--;
    const o: (T | null)[] = new Array(end + 1);
    for (let c = 0; c <= end; c++) o[c] = row[c] === undefined ? null : (row[c] as T);
    out.push(o);
  }
  return out;
}

function sparseMap<T>(rowsArr: Rows<T>): Record<string, T> {
  const out: Record<string, T> = {};
  rowsArr.forEach((row, r) => {
    row?.forEach((x, c) => {
      if (x !== undefined && x !== null) out[colName(c) + (r + 1)] = x;
    });
  });
  return out;
}

export interface FakeConditionalFormatInfo {
  sheet: string;
  ref: string;
  type: string;
  formula: string | null;
  fill: string | null;
  font: Record<string, unknown>;
  numberFormat: string | null;
  rule: Record<string, unknown> | null;
  priority: number;
  stopIfTrue: boolean;
  dataBar?: CFModel["dataBar"];
  colorScale?: Record<string, unknown>;
}

export interface FakePivotInfo {
  name: string;
  sheet: string;
  source: string;
  destination: string;
  rows: string[];
  columns: string[];
  filters: string[];
  data: { field: string; name: string; summarizeBy: string; numberFormat: string | null }[];
  layout: Record<string, unknown>;
}

export interface FakeChartInfo {
  sheet: string;
  name: string;
  type: string;
  source: string;
  seriesBy: string;
  title: string;
  titleVisible: boolean;
  legendVisible: boolean;
  legendPosition: string;
  position: { start: string; end: string | null } | null;
  series: { name: string; fill: string | null; props: Record<string, unknown>; values?: string; xValues?: string }[];
  categoryAxis: { reversePlotOrder: boolean; visible: boolean; props: Record<string, unknown> };
  valueAxis: { reversePlotOrder: boolean; visible: boolean; props: Record<string, unknown> };
  dataLabels: Record<string, unknown>;
}

/** Read-only view of the in-memory book (plus `setValues` to simulate a user's edit); never counts as a sync. */
export class FakeBookInspector {
  constructor(private readonly host: FakeHost) {}
  private get b(): BookModel {
    return this.host.book;
  }
  private sh(name: string): SheetModel {
    const s = sheetByName(this.b, name);
    if (!s) throw new Error(`FakeExcel book: no sheet '${name}' (sheets: ${this.sheetNames().join(", ")})`);
    return s;
  }
  private rect(ref: string): Rect {
    const r = parseRef(ref);
    if (!r) throw new Error(`FakeExcel book: bad reference '${ref}'`);
    return r;
  }
  private sheetsOf(sheet?: string): SheetModel[] {
    return sheet === undefined ? this.b.sheets : [this.sh(sheet)];
  }

  sheetNames(): string[] {
    return this.b.sheets.map((s) => s.name);
  }
  hasSheet(name: string): boolean {
    return !!sheetByName(this.b, name);
  }
  activeSheet(): string {
    return activeSheet(this.b).name;
  }
  /** Address of the selection on the active sheet. */
  selection(): string {
    const s = activeSheet(this.b);
    return addressOf(s.name, s.selection);
  }
  cell(sheet: string, ref: string): FakeCellInfo {
    const s = this.sh(sheet);
    const r = this.rect(ref);
    const v = s.v[r.r0]?.[r.c0];
    return {
      value: v === undefined ? null : v,
      formula: s.f[r.r0]?.[r.c0] ?? null,
      numberFormat: s.nf[r.r0]?.[r.c0] ?? "General",
      format: cellFormat(s, r.r0, r.c0),
    };
  }
  /** Values as the API returns them ("" for empty cells). */
  values(sheet: string, ref: string): Scalar[][] {
    return readValues(this.sh(sheet), this.rect(ref));
  }
  formulas(sheet: string, ref: string): Scalar[][] {
    return readFormulas(this.sh(sheet), this.rect(ref));
  }
  numberFormats(sheet: string, ref: string): string[][] {
    return readNumberFormats(this.sh(sheet), this.rect(ref));
  }
  text(sheet: string, ref: string): string[][] {
    return readText(this.sh(sheet), this.rect(ref));
  }
  usedRange(sheet: string, valuesOnly = false): string | null {
    const s = this.sh(sheet);
    const u = usedRect(s, valuesOnly);
    return u ? addressOf(s.name, u) : null;
  }
  sheet(name: string): {
    name: string;
    position: number;
    visibility: string;
    tabColor: string;
    showGridlines: boolean;
    frozenRows: number;
    frozenColumns: number;
    autoFilter: { range: string; criteria: Record<string, unknown> } | null;
    merges: string[];
    columnWidths: Record<string, number>;
    rowHeights: Record<string, number>;
    hiddenRows: number[];
    hiddenColumns: number[];
    selection: string;
  } {
    const s = this.sh(name);
    return {
      name: s.name,
      position: this.b.sheets.indexOf(s),
      visibility: s.visibility,
      tabColor: s.tabColor,
      showGridlines: s.showGridlines,
      frozenRows: s.frozenRows,
      frozenColumns: s.frozenCols,
      autoFilter: s.autoFilter ? { range: refOf(s.autoFilter.rect), criteria: clonePlain(s.autoFilter.criteria) } : null,
      merges: s.merges.map((m) => refOf(m)),
      columnWidths: Object.fromEntries(Object.entries(s.colW).map(([c, w]) => [colName(Number(c)), w])),
      rowHeights: { ...s.rowH },
      hiddenRows: Object.keys(s.hiddenRows).map((r) => Number(r) + 1),
      hiddenColumns: Object.keys(s.hiddenCols).map(Number),
      selection: refOf(s.selection),
    };
  }
  frozenRows(sheet: string): number {
    return this.sh(sheet).frozenRows;
  }
  autoFilter(sheet: string): { range: string; criteria: Record<string, unknown> } | null {
    return this.sheet(sheet).autoFilter;
  }
  formats(sheet: string): { ref: string; key: string; value: unknown }[] {
    return this.sh(sheet).fmt.map((e) => ({ ref: refOf(e.rect), key: e.key, value: clonePlain(e.value) }));
  }
  conditionalFormats(sheet?: string): FakeConditionalFormatInfo[] {
    return this.sheetsOf(sheet).flatMap((s) =>
      s.cfs.map((cf, priority) => ({
        sheet: s.name,
        ref: cf.rects.map((r) => refOf(r)).join(","),
        type: cf.type,
        formula: cf.formula,
        fill: cf.format.fill,
        font: clonePlain(cf.format.font),
        numberFormat: cf.format.numberFormat,
        rule: clonePlain(cf.rule),
        priority,
        stopIfTrue: cf.stopIfTrue,
        ...(cf.type === "DataBar" ? { dataBar: clonePlain(dataBarOf(cf)) } : {}),
        ...(cf.type === "ColorScale" ? { colorScale: clonePlain(cf.colorScale ?? {}) } : {}),
      })),
    );
  }
  dataValidations(sheet?: string): { sheet: string; ref: string; rule: Record<string, unknown>; ignoreBlanks: boolean; prompt: unknown; errorAlert: unknown }[] {
    return this.sheetsOf(sheet).flatMap((s) =>
      s.dvs.map((d) => ({ sheet: s.name, ref: refOf(d.rect), rule: clonePlain(d.rule), ignoreBlanks: d.ignoreBlanks, prompt: clonePlain(d.prompt), errorAlert: clonePlain(d.errorAlert) })),
    );
  }
  tables(): { name: string; sheet: string; ref: string; headers: string[]; style: string; showTotals: boolean }[] {
    return this.b.tables.map((t) => {
      const s = tableSheet(this.b, t);
      return { name: t.name, sheet: s.name, ref: refOf(t.rect), headers: tableHeaderNames(s, t), style: t.style, showTotals: t.showTotals };
    });
  }
  pivotTables(): FakePivotInfo[] {
    return this.b.pivots.map((p) => ({
      name: p.name,
      sheet: sheetById(this.b, p.sheetId)?.name ?? "",
      source: p.sourceText,
      destination: addressOf(sheetById(this.b, p.sheetId)?.name ?? "", p.dest),
      rows: [...p.rows],
      columns: [...p.columns],
      filters: [...p.filters],
      data: p.data.map((d) => ({ field: d.field, name: d.name, summarizeBy: d.summarizeBy, numberFormat: d.numberFormat })),
      layout: { layoutType: "Compact", showRowGrandTotals: true, showColumnGrandTotals: true, ...clonePlain(p.layout) },
    }));
  }
  charts(sheet?: string): FakeChartInfo[] {
    return this.sheetsOf(sheet).flatMap((s) =>
      s.charts.map((c) => ({
        sheet: s.name,
        name: c.name,
        type: c.type,
        source: addressOf(sheetById(this.b, c.sourceSheetId)?.name ?? "#REF", c.sourceRect),
        seriesBy: c.seriesBy,
        title: c.title.text,
        titleVisible: c.title.visible,
        legendVisible: c.legend.visible,
        legendPosition: c.legend.position,
        position: clonePlain(c.position),
        series: clonePlain(c.series),
        categoryAxis: clonePlain(c.categoryAxis),
        valueAxis: clonePlain(c.valueAxis),
        dataLabels: clonePlain(c.dataLabels),
      })),
    );
  }
  names(): { name: string; scope: string | null; type: string; value: unknown; formula: string; comment: string; visible: boolean }[] {
    return this.b.names.map((n) => ({
      name: n.name,
      scope: n.scopeSheetId ? sheetById(this.b, n.scopeSheetId)?.name ?? null : null,
      ...nameValue(this.b, n),
      comment: n.comment,
      visible: n.visible,
    }));
  }
  settings(): Record<string, unknown> {
    return Object.fromEntries(this.b.settings.map((s) => [s.key, clonePlain(s.value)]));
  }
  calculationMode(): string {
    return this.b.calculationMode;
  }

  /** A deep, JSON-comparable copy of everything in the book (ids left out). */
  snapshot(): Record<string, unknown> {
    return {
      activeSheet: this.activeSheet(),
      sheets: this.b.sheets.map((s) => ({
        ...this.sheet(s.name),
        cells: trimRows(s.v),
        formulas: sparseMap(s.f),
        numberFormats: sparseMap(s.nf),
        formats: this.formats(s.name),
        conditionalFormats: this.conditionalFormats(s.name),
        dataValidations: this.dataValidations(s.name),
        charts: this.charts(s.name),
      })),
      tables: this.tables(),
      pivotTables: this.pivotTables(),
      names: this.names(),
      settings: this.settings(),
      calculationMode: this.b.calculationMode,
    };
  }

  /** Simulates the user typing over cells (raw values: no typed-input parsing; null clears). Not a sync. */
  setValues(sheet: string, ref: string, values: FakeCellInput[][]): void {
    const s = this.sh(sheet);
    const r = this.rect(ref);
    checkDims(values, rows(r), cols(r), "book.setValues");
    values.forEach((row, i) =>
      row.forEach((x, j) => {
        const rr = r.r0 + i;
        const cc = r.c0 + j;
        (s.v[rr] ??= [])[cc] = x === null || x === "" ? undefined : x;
        if (s.f[rr]?.[cc] !== undefined) s.f[rr]![cc] = undefined;
      }),
    );
  }
  /** Renames a sheet as if the user did (not a sync): names referring to it follow it, as in Excel. */
  renameSheet(name: string, to: string): void {
    const s = this.sh(name);
    s.name = checkSheetName(this.b, to, s);
  }
  /**
   * Copies a sheet as the user does with "Move or Copy" (not a sync): the copy, after the original, has its
   * cells, formats, rules, lists and charts. The names that refer to the original stay as they are; Excel gives
   * the copy sheet-scoped copies of them (workbook-scoped names become names of the copy, referring to the copy:
   * excelcodex.com/2012/06/defined-names-choosing-the-scope). Sheets holding tables or PivotTables: not modelled.
   */
  copySheet(name: string, to: string): void {
    const s = this.sh(name);
    if (this.b.tables.some((t) => t.sheetId === s.id) || this.b.pivots.some((p) => p.sheetId === s.id))
      throw new Error(`FakeExcel book.copySheet: copying '${name}' with its tables or PivotTables is not modelled`);
    const copy = clonePlain(s);
    copy.id = nextId(this.b, "5EE7");
    copy.name = checkSheetName(this.b, to);
    for (const c of copy.charts) if (c.sourceSheetId === s.id) c.sourceSheetId = copy.id;
    this.b.sheets.splice(this.b.sheets.indexOf(s) + 1, 0, copy);
    for (const n of [...this.b.names]) {
      if (n.scopeSheetId !== s.id && !(n.scopeSheetId === null && n.ref?.sheetId === s.id)) continue;
      const ref = n.ref ? { sheetId: n.ref.sheetId === s.id ? copy.id : n.ref.sheetId, rect: { ...n.ref.rect } } : null;
      this.b.names.push({ ...clonePlain(n), id: nextId(this.b), scopeSheetId: copy.id, ref });
    }
  }
  /** Adds a sheet as if the user did (not a sync). */
  addSheet(spec: FakeSheetSpec): void {
    const tmp = buildBook({ sheets: [spec] });
    const s = tmp.sheets[0];
    checkSheetName(this.b, s.name);
    s.id = nextId(this.b, "5EE7");
    this.b.sheets.push(s);
    for (const t of tmp.tables) this.b.tables.push({ ...t, id: nextId(this.b), sheetId: s.id });
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Office, OfficeExtension, Excel namespaces                                                          */
/* ------------------------------------------------------------------------------------------------ */

function strictObject<T extends object>(o: T, name: string, members?: RegExp): T {
  return new Proxy(o, strictHandler(() => name, members)) as T;
}

export interface FakeExcelNamespace {
  run<T>(batch: (context: FakeRequestContext) => Promise<T>): Promise<T>;
  run<T>(objectOrOptions: unknown, batch: (context: FakeRequestContext) => Promise<T>): Promise<T>;
  RequestContext: new () => FakeRequestContext;
  ConditionalFormatType: Record<string, string>;
  ConditionalFormatColorCriterionType: Record<string, string>;
  AggregationFunction: Record<string, string>;
  ChartType: Record<string, string>;
  ChartSeriesBy: Record<string, string>;
  SheetVisibility: Record<string, string>;
  ErrorCodes: Record<string, string>;
  PivotLayoutType: Record<string, string>;
  HorizontalAlignment: Record<string, string>;
  VerticalAlignment: Record<string, string>;
  ClearApplyTo: Record<string, string>;
  DataValidationOperator: Record<string, string>;
  ChartLegendPosition: Record<string, string>;
  ChartDataLabelPosition: Record<string, string>;
  CalculationMode: Record<string, string>;
  CalculationType: Record<string, string>;
  ConditionalCellValueOperator: Record<string, string>;
  ConditionalTextOperator: Record<string, string>;
  SubtotalLocationType: Record<string, string>;
  [name: string]: unknown;
}

export interface FakeOfficeNamespace {
  context: {
    requirements: { isSetSupported(name: string, minVersion?: string | number): boolean };
    displayLanguage: string;
    contentLanguage: string;
    [k: string]: unknown;
  };
  onReady(callback?: (info: { host: string; platform: string }) => unknown): Promise<{ host: string; platform: string }>;
  actions: { associate(actionId: string, handler: (...args: unknown[]) => unknown): void };
  [name: string]: unknown;
}

export interface FakeExcel {
  Excel: FakeExcelNamespace;
  Office: FakeOfficeNamespace;
  OfficeExtension: Record<string, unknown>;
  /** The in-memory book, for assertions (no syncs). */
  book: FakeBookInspector;
  /** Live counters (reset in place by resetStats). */
  stats: FakeStats;
  /** Makes the n-th sync from now (1-based, counting round trips) fail with GeneralException, applying nothing of its batch. */
  /** The n-th sync from now fails with `code` (default GeneralException) and applies nothing. */
  failSyncAt(n: number, code?: string): void;
  /** The options each Excel.run was given, in order (a batch alone: undefined). */
  readonly runOptions: unknown[];
  /** The URLs of the dialogs the add-in opened (Office.context.ui.displayDialogAsync), in order. */
  readonly dialogs: string[];
  /** What every dialog page answers from now on: a message ("yes", "no" …), "dismiss" (closed by the user), null (nothing). Default "yes". */
  answerDialogs(answer: string | null): void;
  resetStats(): void;
  /** Handlers registered with Office.actions.associate. */
  actions: Record<string, (...args: unknown[]) => unknown>;
  /** Sets globalThis.Excel / Office / OfficeExtension (or on `target`); returns a function restoring the previous values. */
  install(target?: object): () => void;
  host: FakeHost;
}

export function createFakeExcel(spec: FakeBookSpec, opts: FakeExcelOptions = {}): FakeExcel {
  const host = new FakeHost(spec, opts);
  const actions: Record<string, (...args: unknown[]) => unknown> = {};
  const platform = opts.platform ?? "OfficeOnline";

  class RequestContext extends FakeRequestContext {
    constructor() {
      super(host);
    }
  }

  async function run<T>(a: unknown, b?: unknown): Promise<T> {
    let batch: (ctx: FakeRequestContext) => unknown;
    let ctx: FakeRequestContext;
    let own = true;
    host.runOptions.push(typeof a === "function" ? undefined : a);
    if (typeof a === "function") {
      batch = a as (ctx: FakeRequestContext) => unknown;
      ctx = new FakeRequestContext(host);
    } else if (typeof b === "function") {
      batch = b as (ctx: FakeRequestContext) => unknown;
      const first = Array.isArray(a) ? a[0] : a;
      if (first instanceof FakeClientObject) {
        ctx = first.context;
        own = false;
      } else if (first instanceof FakeRequestContext) {
        ctx = first;
        own = false;
      } else ctx = new FakeRequestContext(host);
    } else throw officeError("InvalidArgument", "Excel.run needs a batch function");
    try {
      const r = batch(ctx);
      if (!r || typeof (r as Promise<unknown>).then !== "function") throw officeError("RunMustReturnPromise");
      const result = (await r) as T;
      await ctx.sync(); // Excel.run flushes whatever is still queued
      return result;
    } finally {
      ctx._queue = [];
      if (own) ctx._closed = true;
    }
  }

  const classes = {
    Workbook: FakeWorkbook,
    Worksheet: FakeWorksheet,
    WorksheetCollection: FakeWorksheetCollection,
    Range: FakeRange,
    RangeAreas: FakeRangeAreas,
    RangeFormat: FakeRangeFormat,
    Table: FakeTable,
    TableCollection: FakeTableCollection,
    PivotTable: FakePivotTable,
    Chart: FakeChart,
    ConditionalFormat: FakeConditionalFormat,
    NamedItem: FakeNamedItem,
  };
  const Excel = strictObject(
    { run, RequestContext, ...ENUMS, ...classes } as unknown as FakeExcelNamespace,
    "Excel",
    /^[A-Za-z][A-Za-z0-9]*$/,
  );

  const isSetSupported = (name: string, minVersion?: string | number): boolean => {
    const have = host.apiSets[name];
    if (have === undefined) return false;
    if (minVersion === undefined || minVersion === null || minVersion === "") return true;
    return vcmp(have, String(minVersion)) >= 0;
  };
  const dialogs: string[] = [];
  const dialogAnswer: { value: string | null } = { value: "yes" };
  const context = strictObject(
    {
      requirements: strictObject({ isSetSupported }, "Office.context.requirements"),
      displayLanguage: opts.displayLanguage ?? "zh-CN",
      contentLanguage: opts.displayLanguage ?? "zh-CN",
      host: "Excel",
      platform,
      diagnostics: { host: "Excel", platform, version: "16.0.0000.1000" },
      touchEnabled: false,
      commerceAllowed: true,
      // The Dialog API: the page "answers" with fake.dialogAnswer (sent as a message, or "close" the user closing it).
      ui: strictObject(
        {
          displayDialogAsync(url: string, _options: unknown, callback: (r: unknown) => void) {
            dialogs.push(url);
            const handlers: Record<string, (arg: unknown) => void> = {};
            const dialog = { addEventHandler: (type: string, h: (arg: unknown) => void) => void (handlers[type] = h), close: () => undefined };
            setTimeout(() => {
              callback({ status: "succeeded", value: dialog });
              setTimeout(() => {
                const answer = dialogAnswer.value;
                if (answer === "dismiss") handlers.dialogEventReceived?.({ error: 12006 });
                else if (answer !== null) handlers.dialogMessageReceived?.({ message: answer, origin: new URL(url).origin });
              });
            });
          },
        },
        "Office.context.ui",
      ),
    },
    "Office.context",
  );
  const info = { host: "Excel", platform };
  const Office = strictObject(
    {
      context,
      initialize: undefined as unknown,
      onReady(callback?: (i: { host: string; platform: string }) => unknown) {
        if (callback) callback({ ...info });
        return Promise.resolve({ ...info });
      },
      actions: strictObject(
        {
          associate(actionId: string, handler: (...args: unknown[]) => unknown) {
            actions[actionId] = handler;
          },
        },
        "Office.actions",
      ),
      addin: strictObject(
        {
          showAsTaskpane: () => Promise.resolve(),
          hide: () => Promise.resolve(),
          setStartupBehavior: () => Promise.resolve(),
          getStartupBehavior: () => Promise.resolve("None"),
          onVisibilityModeChanged: () => Promise.resolve(() => Promise.resolve()),
        },
        "Office.addin",
      ),
      EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
      AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
      HostType: { Excel: "Excel", Word: "Word", PowerPoint: "PowerPoint", Outlook: "Outlook", OneNote: "OneNote", Project: "Project", Access: "Access" },
      PlatformType: { PC: "PC", OfficeOnline: "OfficeOnline", Mac: "Mac", iOS: "iOS", Android: "Android", Universal: "Universal" },
    } as unknown as FakeOfficeNamespace,
    "Office",
  );

  const OfficeExtension = {
    Error: FakeOfficeError,
    ErrorCodes: {
      accessDenied: "AccessDenied",
      generalException: "GeneralException",
      activityLimitReached: "ActivityLimitReached",
      invalidObjectPath: "InvalidObjectPath",
      propertyNotLoaded: "PropertyNotLoaded",
      valueNotLoaded: "ValueNotLoaded",
      invalidRequestContext: "InvalidRequestContext",
      invalidArgument: "InvalidArgument",
      runMustReturnPromise: "RunMustReturnPromise",
      cannotRegisterEvent: "CannotRegisterEvent",
      apiNotFound: "ApiNotFound",
      connectionFailure: "ConnectionFailure",
    },
    ClientObject: FakeClientObject,
    ClientResult: FakeClientResult,
    ClientRequestContext: FakeRequestContext,
    config: { extendedErrorLogging: false },
    Promise,
  };

  return {
    Excel,
    Office,
    OfficeExtension,
    book: new FakeBookInspector(host),
    stats: host.stats,
    failSyncAt(n: number, code = "GeneralException") {
      if (!Number.isInteger(n) || n < 1) throw new Error("FakeExcel.failSyncAt: n must be an integer ≥ 1");
      host.failIn = n;
      host.failCode = code;
    },
    runOptions: host.runOptions,
    dialogs,
    answerDialogs(answer: string | null) {
      dialogAnswer.value = answer;
    },
    resetStats() {
      host.stats.syncs = 0;
      host.stats.requests.length = 0;
      host.stats.maxRequestBytes = 0;
      host.stats.maxResponseBytes = 0;
      host.stats.emptySyncs = 0;
    },
    actions,
    install(target: object = globalThis) {
      const t = target as Record<string, unknown>;
      const before = { Excel: t.Excel, Office: t.Office, OfficeExtension: t.OfficeExtension };
      t.Excel = Excel;
      t.Office = Office;
      t.OfficeExtension = OfficeExtension;
      return () => {
        for (const [k, v] of Object.entries(before)) {
          if (v === undefined) delete t[k];
          else t[k] = v;
        }
      };
    },
    host,
  };
}
