// Just enough of the zip format to list an .xlsx file's parts and read one (for checks exceljs cannot do:
// which parts it would drop on writing). Reads the central directory at the end of the file.
import { closeSync, createReadStream, fstatSync, openSync, readSync } from "fs";
import { open } from "fs/promises";
import { crc32, createDeflateRaw, deflateRawSync, inflateRawSync } from "zlib";

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
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
        crc32: dir.readUInt32LE(p + 16),
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

// ── writing ──

/** One entry of a zip being written: copied as stored in another zip, given as bytes, or streamed. */
export type ZipItem =
  | { name: string; copyFrom: { file: string; entry: ZipEntry } }
  | { name: string; data: Buffer | string }
  | { name: string; stream: AsyncIterable<Buffer | string> };

const UTF8_NAMES = 0x0800;
const DATA_DESCRIPTOR = 0x0008;
/** 1980-01-01 00:00, the zip epoch: entries carry no timestamps of ours, so outputs are reproducible. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** Where an entry's compressed data starts in its file (after the local header's name and extra field). */
export function dataStart(file: string, entry: ZipEntry): number {
  const head = Buffer.alloc(30);
  const fd = openSync(file, "r");
  try {
    readSync(fd, head, 0, 30, entry.localHeader);
  } finally {
    closeSync(fd);
  }
  if (head.readUInt32LE(0) !== LOCAL) throw new Error(`${entry.name}: no local header`);
  return entry.localHeader + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
}

/**
 * Writes a zip file entry by entry. Copied entries keep their compressed bytes (nothing is inflated and
 * deflated again); new entries are deflated; streamed entries are deflated as they come, with their size and
 * checksum in a data descriptor, so a part of any size never has to fit in memory.
 */
export async function writeZip(out: string, items: readonly ZipItem[]): Promise<void> {
  const fh = await open(out, "w");
  let offset = 0;
  const write = async (buf: Buffer) => {
    await fh.write(buf, 0, buf.length, offset);
    offset += buf.length;
  };
  const central: Buffer[] = [];
  try {
    for (const item of items) {
      const name = Buffer.from(item.name, "utf8");
      const at = offset;
      let method = 8;
      let crc = 0;
      let size = 0;
      let csize = 0;
      let flags = UTF8_NAMES;
      const header = (sig: number) => {
        const h = Buffer.alloc(30);
        h.writeUInt32LE(sig, 0);
        h.writeUInt16LE(20, 4);
        h.writeUInt16LE(flags, 6);
        h.writeUInt16LE(method, 8);
        h.writeUInt16LE(DOS_TIME, 10);
        h.writeUInt16LE(DOS_DATE, 12);
        h.writeUInt32LE(crc >>> 0, 14);
        h.writeUInt32LE(csize, 18);
        h.writeUInt32LE(size, 22);
        h.writeUInt16LE(name.length, 26);
        h.writeUInt16LE(0, 28);
        return h;
      };
      if ("copyFrom" in item) {
        const e = item.copyFrom.entry;
        method = e.method;
        crc = e.crc32;
        size = e.size;
        csize = e.compressedSize;
        await write(Buffer.concat([header(LOCAL), name]));
        if (csize > 0) {
          const start = dataStart(item.copyFrom.file, e);
          for await (const chunk of createReadStream(item.copyFrom.file, { start, end: start + csize - 1 })) await write(chunk as Buffer);
        }
      } else if ("data" in item) {
        const raw = typeof item.data === "string" ? Buffer.from(item.data, "utf8") : item.data;
        const packed = deflateRawSync(raw);
        crc = crc32(raw);
        size = raw.length;
        csize = packed.length;
        await write(Buffer.concat([header(LOCAL), name, packed]));
      } else {
        flags |= DATA_DESCRIPTOR;
        await write(Buffer.concat([header(LOCAL), name]));
        const deflate = createDeflateRaw();
        const pending: Buffer[] = [];
        deflate.on("data", (b: Buffer) => pending.push(b));
        const flush = async () => {
          while (pending.length > 0) {
            const b = pending.shift()!;
            csize += b.length;
            await write(b);
          }
        };
        for await (const part of item.stream) {
          const buf = typeof part === "string" ? Buffer.from(part, "utf8") : part;
          crc = crc32(buf, crc);
          size += buf.length;
          if (!deflate.write(buf)) await new Promise((r) => deflate.once("drain", r));
          await flush();
        }
        await new Promise<void>((resolve, reject) => {
          deflate.once("end", resolve);
          deflate.once("error", reject);
          deflate.end();
        });
        await flush();
        const d = Buffer.alloc(16);
        d.writeUInt32LE(0x08074b50, 0);
        d.writeUInt32LE(crc >>> 0, 4);
        d.writeUInt32LE(csize, 8);
        d.writeUInt32LE(size, 12);
        await write(d);
      }
      if (offset > 0xffffffff) throw new Error("the workbook is over 4 GB: zip64 is not supported");
      const c = Buffer.alloc(46);
      c.writeUInt32LE(CENTRAL, 0);
      c.writeUInt16LE(20, 4);
      c.writeUInt16LE(20, 6);
      c.writeUInt16LE(flags, 8);
      c.writeUInt16LE(method, 10);
      c.writeUInt16LE(DOS_TIME, 12);
      c.writeUInt16LE(DOS_DATE, 14);
      c.writeUInt32LE(crc >>> 0, 16);
      c.writeUInt32LE(csize, 20);
      c.writeUInt32LE(size, 24);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt32LE(at, 42);
      central.push(c, name);
    }
    const dir = Buffer.concat(central);
    const cdOffset = offset;
    await write(dir);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(EOCD, 0);
    end.writeUInt16LE(items.length, 8);
    end.writeUInt16LE(items.length, 10);
    end.writeUInt32LE(dir.length, 12);
    end.writeUInt32LE(cdOffset, 16);
    await write(end);
  } finally {
    await fh.close();
  }
}
