// Just enough of the zip format to list an .xlsx file's parts and read one (for checks exceljs cannot do:
// which parts it would drop on writing). Reads the central directory at the end of the file.
import { closeSync, fstatSync, openSync, readSync } from "fs";
import { inflateRawSync } from "zlib";

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function readAt(fd: number, pos: number, len: number): Buffer {
  const buf = Buffer.alloc(len);
  const got = readSync(fd, buf, 0, len, pos);
  return buf.subarray(0, got);
}

/** The entries of a zip file, or null when the file is not a readable zip. */
export function zipEntries(file: string): ZipEntry[] | null {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const tailLen = Math.min(size, 65_557);
    const tail = readAt(fd, size - tailLen, tailLen);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) return null;
    const count = tail.readUInt16LE(at + 10);
    const dirSize = tail.readUInt32LE(at + 12);
    const dirOffset = tail.readUInt32LE(at + 16);
    if (dirOffset + dirSize > size) return null;
    const dir = readAt(fd, dirOffset, dirSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count && p + 46 <= dir.length; i++) {
      if (dir.readUInt32LE(p) !== CENTRAL) return null;
      const nameLen = dir.readUInt16LE(p + 28);
      const extraLen = dir.readUInt16LE(p + 30);
      const commentLen = dir.readUInt16LE(p + 32);
      entries.push({
        name: dir.toString("utf8", p + 46, p + 46 + nameLen),
        method: dir.readUInt16LE(p + 10),
        compressedSize: dir.readUInt32LE(p + 20),
        size: dir.readUInt32LE(p + 24),
        localHeader: dir.readUInt32LE(p + 42),
      });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** The uncompressed bytes of one entry, or null when it is missing. */
export function readZipEntry(file: string, name: string): Buffer | null {
  const entry = zipEntries(file)?.find((e) => e.name === name);
  if (!entry) return null;
  const fd = openSync(file, "r");
  try {
    const head = readAt(fd, entry.localHeader, 30);
    if (head.readUInt32LE(0) !== LOCAL) return null;
    const start = entry.localHeader + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
    const data = readAt(fd, start, entry.compressedSize);
    return entry.method === 0 ? data : inflateRawSync(data);
  } finally {
    closeSync(fd);
  }
}

/** Parts of an .xlsx that exceljs does not carry over when it writes a workbook, by what the user calls them. */
const DROPPED_PARTS: { pattern: RegExp; zh: string; en: string }[] = [
  { pattern: /^xl\/charts\/chart\d*\.xml$/, zh: "图表", en: "charts" },
  { pattern: /^xl\/pivotTables\/pivotTable\d*\.xml$/, zh: "数据透视表", en: "PivotTables" },
  { pattern: /^xl\/vbaProject\.bin$/, zh: "宏（VBA）", en: "macros (VBA)" },
  { pattern: /^xl\/slicers\/.+\.xml$/, zh: "切片器", en: "slicers" },
  { pattern: /^xl\/timelines\/.+\.xml$/, zh: "日程表", en: "timelines" },
  { pattern: /^xl\/threadedComments\/.+\.xml$/, zh: "批注会话", en: "threaded comments" },
];

export interface DroppedPart {
  zh: string;
  en: string;
  count: number;
}

/** What writing this workbook with exceljs would lose (the input file itself is never changed). */
export function partsExceljsDrops(file: string): DroppedPart[] {
  const names = zipEntries(file)?.map((e) => e.name) ?? [];
  const out: DroppedPart[] = [];
  for (const d of DROPPED_PARTS) {
    const count = names.filter((n) => d.pattern.test(n)).length;
    if (count > 0) out.push({ zh: d.zh, en: d.en, count });
  }
  return out;
}
