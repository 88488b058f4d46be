// The review sheets' charts as DrawingML parts (ECMA-376 Part 1, §21.2 charts and §20.5 spreadsheet drawing):
// one drawing part per sheet anchoring its charts, one chart part per chart. No npm library writes charts into an
// existing workbook, so these are written here, as strings, in the element order the schemas require
// (/work/shared/ooxml-xsd dml-chart.xsd, dml-spreadsheetDrawing.xsd). Every series reads its sheet's cells
// (c:f) and carries what they hold now (the cache), so Excel and LibreOffice redraw it when the numbers change.
import { columnLetter, serialFromDay } from "../core";
import { REVIEW_FORMATS, type GridChart, type GridColumnRange } from "../workbook/review-sheets";
import { xmlAttr, xmlText } from "./owned-sheets";
import { quoteSheetName } from "./package";

export const CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml";
export const CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml";

const NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart";
const NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main";
const NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing";
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** Office's series colours, RRGGBB (DrawingML colours carry no alpha byte, unlike the styles part's ARGB). */
const PALETTE = ["4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47", "264478", "9E480E", "636363"];

/** `'Sheet'!$A$6:$A$12` (a formula in a chart has no leading `=`). */
function areaRef(sheet: string, r: GridColumnRange): string {
  const c = `$${columnLetter(r.col)}$`;
  return `${quoteSheetName(sheet)}!${c}${r.top}:${c}${r.bottom}`;
}

const rich = (text: string, size: number, bold: boolean) =>
  `<c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="${size}" b="${bold ? 1 : 0}"/></a:pPr>` +
  `<a:r><a:rPr lang="zh-CN" sz="${size}" b="${bold ? 1 : 0}"/><a:t>${xmlText(text)}</a:t></a:r></a:p></c:rich>`;

/** A number as the cache holds it: what the cell holds, shortest form. */
const numText = (v: number) => String(v);

function strRef(f: string, values: readonly string[]): string {
  const pts = values.map((v, i) => (v === "" ? "" : `<c:pt idx="${i}"><c:v>${xmlText(v)}</c:v></c:pt>`)).join("");
  return `<c:strRef><c:f>${xmlText(f)}</c:f><c:strCache><c:ptCount val="${values.length}"/>${pts}</c:strCache></c:strRef>`;
}

function numRef(f: string, values: readonly (number | null)[], format: string): string {
  // A blank cell has no point; the count stays the range's length.
  const pts = values.map((v, i) => (v === null ? "" : `<c:pt idx="${i}"><c:v>${numText(v)}</c:v></c:pt>`)).join("");
  return `<c:numRef><c:f>${xmlText(f)}</c:f><c:numCache><c:formatCode>${xmlText(format)}</c:formatCode><c:ptCount val="${values.length}"/>${pts}</c:numCache></c:numRef>`;
}

const AX_CAT = 500100001;
const AX_VAL = 500100002;

/**
 * One chart part: a bar (horizontal) or column chart, clustered or stacked, or a line chart with markers, over the grid's ranges; a Gantt chart is
 * a stacked bar whose first series (the start dates) has neither fill nor line, on a date axis from the first start.
 */
export function chartXml(sheet: string, ch: GridChart, date1904: boolean): string {
  const gantt = ch.kind === "gantt";
  const line = ch.kind === "line";
  const horizontal = ch.kind === "bar" || gantt;
  const stacked = ch.kind === "columnStacked" || gantt;
  const catRef = areaRef(sheet, ch.categories);
  // A date column's days become serial numbers of the book's own date system, as its cells hold them.
  const values = (s: GridChart["series"][number]) => (s.format === "date" ? s.values.map((v) => (v === null ? null : serialFromDay(v, date1904))) : s.values);
  const series = ch.series
    .map((s, i) => {
      const name = `${quoteSheetName(sheet)}!$${columnLetter(s.col)}$${s.nameRow}`;
      const colour = `<a:solidFill><a:srgbClr val="${PALETTE[(gantt ? i - 1 : i) % PALETTE.length]}"/></a:solidFill>`;
      const fill = gantt && i === 0 ? "<a:noFill/><a:ln><a:noFill/></a:ln>" : colour;
      const labels = ch.series.length === 1 ? '<c:dLbls><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>' : "";
      const data = `<c:cat>${strRef(catRef, ch.categories.values)}</c:cat><c:val>${numRef(areaRef(sheet, s), values(s), REVIEW_FORMATS[s.format] ?? "General")}</c:val>`;
      const head = `<c:ser><c:idx val="${i}"/><c:order val="${i}"/><c:tx>${strRef(name, [s.name])}</c:tx>`;
      // CT_LineSer: idx order tx? spPr? marker? dPt* dLbls? trendline* errBars? cat? val? smooth?
      if (line) return `${head}<c:spPr><a:ln w="28575" cap="rnd">${colour}<a:round/></a:ln></c:spPr><c:marker><c:symbol val="circle"/><c:size val="5"/><c:spPr>${colour}<a:ln>${colour}</a:ln></c:spPr></c:marker>${labels}${data}<c:smooth val="0"/></c:ser>`;
      // CT_BarSer: idx order tx? spPr? invertIfNegative? … dLbls? … cat? val?
      return `${head}<c:spPr>${fill}</c:spPr><c:invertIfNegative val="0"/>${labels}${data}</c:ser>`;
    })
    .join("");
  // A Gantt's date axis begins at the first start.
  const scaling = `<c:scaling><c:orientation val="minMax"/>${ch.axisFrom !== null ? `<c:min val="${serialFromDay(ch.axisFrom, date1904)}"/>` : ""}</c:scaling>`;
  // Horizontal bars list the first category at the top (maxMin), with the value axis kept at the bottom (crosses max).
  const catAx =
    `<c:catAx><c:axId val="${AX_CAT}"/><c:scaling><c:orientation val="${horizontal ? "maxMin" : "minMax"}"/></c:scaling><c:delete val="0"/>` +
    `<c:axPos val="${horizontal ? "l" : "b"}"/><c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/>` +
    `<c:tickLblPos val="nextTo"/><c:crossAx val="${AX_VAL}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>`;
  const valAx =
    `<c:valAx><c:axId val="${AX_VAL}"/>${scaling}<c:delete val="0"/>` +
    `<c:axPos val="${horizontal ? "b" : "l"}"/><c:majorGridlines/>${gantt ? '<c:numFmt formatCode="m/d" sourceLinked="0"/>' : '<c:numFmt formatCode="General" sourceLinked="1"/>'}<c:majorTickMark val="none"/><c:minorTickMark val="none"/>` +
    `<c:tickLblPos val="nextTo"/><c:crossAx val="${AX_CAT}"/><c:crosses val="${horizontal ? "max" : "autoZero"}"/><c:crossBetween val="between"/></c:valAx>`;
  const legend = ch.series.length > 1 && !gantt ? '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>' : "";
  return (
    DECL +
    `<c:chartSpace xmlns:c="${NS_C}" xmlns:a="${NS_A}" xmlns:r="${NS_R}">` +
    // roundedCorners: Excel rounds a chart's corners when it is left out.
    `<c:date1904 val="${date1904 ? 1 : 0}"/><c:lang val="zh-CN"/><c:roundedCorners val="0"/>` +
    `<c:chart><c:title><c:tx>${rich(ch.title, 1200, true)}</c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>` +
    "<c:plotArea><c:layout/>" +
    (line
      ? // CT_LineChart: grouping varyColors? ser* dLbls? dropLines? hiLowLines? upDownBars? marker? smooth? axId axId
        `<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>${series}<c:marker val="1"/><c:axId val="${AX_CAT}"/><c:axId val="${AX_VAL}"/></c:lineChart>`
      : `<c:barChart><c:barDir val="${horizontal ? "bar" : "col"}"/><c:grouping val="${stacked ? "stacked" : "clustered"}"/><c:varyColors val="0"/>` +
        series +
        `<c:gapWidth val="60"/>${stacked ? '<c:overlap val="100"/>' : ""}<c:axId val="${AX_CAT}"/><c:axId val="${AX_VAL}"/></c:barChart>`) +
    catAx + valAx +
    `</c:plotArea>${legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>` +
    '<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900"/></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>' +
    "</c:chartSpace>"
  );
}

/** The sheet's drawing part: chart k anchored over its cells, linked by relationship `rId{k+1}` of the drawing. */
export function drawingXml(charts: readonly GridChart[]): string {
  const anchors = charts
    .map((ch, k) => {
      const at = (p: { col: number; row: number }) => `<xdr:col>${p.col - 1}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${p.row - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff>`;
      return (
        `<xdr:twoCellAnchor editAs="oneCell"><xdr:from>${at(ch.from)}</xdr:from><xdr:to>${at(ch.to)}</xdr:to>` +
        `<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="${k + 2}" name="${xmlAttr(`CRM ${ch.title}`)}"/><xdr:cNvGraphicFramePr><a:graphicFrameLocks noGrp="1"/></xdr:cNvGraphicFramePr></xdr:nvGraphicFramePr>` +
        '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>' +
        `<a:graphic><a:graphicData uri="${NS_C}"><c:chart xmlns:c="${NS_C}" r:id="rId${k + 1}"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>`
      );
    })
    .join("");
  return DECL + `<xdr:wsDr xmlns:xdr="${NS_XDR}" xmlns:a="${NS_A}" xmlns:r="${NS_R}">${anchors}</xdr:wsDr>`;
}

/** A relationships part listing targets of one type, `rId1` … in order. */
export function relsXml(type: string, targets: readonly string[]): string {
  const rels = targets.map((t, k) => `<Relationship Id="rId${k + 1}" Type="${type}" Target="${xmlAttr(t)}"/>`).join("");
  return DECL + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>`;
}
