// Just enough of the zip format to list an .xlsx file's parts and read one, and to write one entry by entry
// (src/xlsx/patch.ts). Reads the central directory at the end of the file, zip64 included. Refuses, with a reason
// in both languages (ZipRefused), what an .xlsx never holds and this reader cannot read: encrypted entries,
// compression methods other than stored and deflate, split archives, and parts that would inflate absurdly.
import { closeSync, createReadStream, fstatSync, openSync, readSync } from "fs";
import { open, type FileHandle } from "fs/promises";
import { Transform } from "stream";
import { crc32, createDeflateRaw, deflateRawSync, inflateRawSync } from "zlib";

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

/** A zip this reader will not read, and why, for the user (BookError in src/xlsx/exceljs.ts passes it on). */
export class ZipRefused extends Error {
  constructor(
    readonly reasonZh: string,
    readonly reasonEn: string,
  ) {
    super(reasonEn);
  }
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
const ZIP64_EXTRA = 0x0001;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;

function readAt(fd: number, pos: number, len: number): Buffer {
  const buf = Buffer.alloc(len);
  const got = readSync(fd, buf, 0, len, pos);
  return buf.subarray(0, got);
}

const u64 = (b: Buffer, at: number) => Number(b.readBigUInt64LE(at));

/** Compression methods by number (APPNOTE 4.4.5), for the message refusing them. */
const METHODS: Record<number, string> = { 1: "Shrink", 6: "Implode", 9: "Deflate64", 12: "BZIP2", 14: "LZMA", 19: "LZ77", 93: "Zstandard", 95: "XZ", 96: "JPEG", 98: "PPMd", 99: "AES" };

const split = () => new ZipRefused("这是分卷压缩包中的一卷（多卷 zip），无法单独读取；请先合并各分卷或在 Excel 中重新保存", "the file is one volume of a split (multi-disk) zip archive and cannot be read alone; join the volumes or save the workbook again in Excel");

/**
 * The entries of a zip file, or null when the file is not a readable zip. Throws ZipRefused for a split archive,
 * an encrypted entry or a compression method other than stored (0) and deflate (8): Excel writes none of them,
 * and the patching writer could not copy an encrypted entry as it is.
 */
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
    let disk = tail.readUInt16LE(at + 4);
    let dirDisk = tail.readUInt16LE(at + 6);
    let count = tail.readUInt16LE(at + 10);
    let dirSize = tail.readUInt32LE(at + 12);
    let dirOffset = tail.readUInt32LE(at + 16);
    // zip64: a locator just before the end record points at the zip64 end record, whose 64-bit fields replace the
    // end record's (saturated at 0xFFFF / 0xFFFFFFFF when they do not fit; taken whenever the locator is there).
    const eocdAt = size - tailLen + at;
    const locator = eocdAt >= 20 ? readAt(fd, eocdAt - 20, 20) : Buffer.alloc(0);
    if (locator.length === 20 && locator.readUInt32LE(0) === EOCD64_LOCATOR) {
      if (locator.readUInt32LE(4) !== 0 || locator.readUInt32LE(16) > 1) throw split();
      const rec = readAt(fd, u64(locator, 8), 56);
      if (rec.length < 56 || rec.readUInt32LE(0) !== EOCD64) return null;
      disk = rec.readUInt32LE(16);
      dirDisk = rec.readUInt32LE(20);
      count = u64(rec, 32);
      dirSize = u64(rec, 40);
      dirOffset = u64(rec, 48);
    }
    if (disk !== 0 || dirDisk !== 0) throw split();
    if (dirOffset + dirSize > size) return null;
    const dir = readAt(fd, dirOffset, dirSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count && p + 46 <= dir.length; i++) {
      if (dir.readUInt32LE(p) !== CENTRAL) return null;
      const flags = dir.readUInt16LE(p + 8);
      const method = dir.readUInt16LE(p + 10);
      const nameLen = dir.readUInt16LE(p + 28);
      const extraLen = dir.readUInt16LE(p + 30);
      const commentLen = dir.readUInt16LE(p + 32);
      const name = dir.toString("utf8", p + 46, p + 46 + nameLen);
      let compressedSize = dir.readUInt32LE(p + 20);
      let entrySize = dir.readUInt32LE(p + 24);
      let localHeader = dir.readUInt32LE(p + 42);
      let startDisk = dir.readUInt16LE(p + 34);
      if (entrySize === MAX32 || compressedSize === MAX32 || localHeader === MAX32 || startDisk === MAX16) {
        // The zip64 extended information: only the saturated fields are there, in this order.
        const z = extraField(dir, p + 46 + nameLen, Math.min(extraLen, dir.length - p - 46 - nameLen), ZIP64_EXTRA);
        if (!z) return null;
        let q = z.start;
        let short = false;
        const next = (n: 4 | 8) => {
          if (q + n > z.end) short = true;
          const v = short ? 0 : n === 8 ? u64(dir, q) : dir.readUInt32LE(q);
          q += n;
          return v;
        };
        if (entrySize === MAX32) entrySize = next(8);
        if (compressedSize === MAX32) compressedSize = next(8);
        if (localHeader === MAX32) localHeader = next(8);
        if (startDisk === MAX16) startDisk = next(4);
        if (short) return null;
      }
      if (startDisk !== 0) throw split();
      if (flags & 0x0001) {
        throw new ZipRefused(`${name} 在压缩包内被加密（zip 密码），Excel 工作簿不会这样加密；请用密码解压后重新打包，或在 Excel 中重新保存`, `${name} is encrypted inside the zip (a zip password), which Excel workbooks never are; unzip it with the password and zip it again, or save the workbook again in Excel`);
      }
      if (method !== 0 && method !== 8) {
        const what = METHODS[method] ? `${METHODS[method]}（方法 ${method}）` : `方法 ${method}`;
        const whatEn = METHODS[method] ? `${METHODS[method]} (method ${method})` : `method ${method}`;
        throw new ZipRefused(`${name} 使用了 .xlsx 不使用的压缩方法 ${what}，无法读取；请在 Excel 中重新保存`, `${name} is compressed with ${whatEn}, which .xlsx files do not use and this reader cannot inflate; save the workbook again in Excel`);
      }
      entries.push({ name, method, crc32: dir.readUInt32LE(p + 16), compressedSize, size: entrySize, localHeader });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** The data of one block (`id`) of an extra field, or null. */
function extraField(buf: Buffer, start: number, len: number, id: number): { start: number; end: number } | null {
  const end = start + len;
  for (let q = start; q + 4 <= end; ) {
    const size = buf.readUInt16LE(q + 2);
    if (buf.readUInt16LE(q) === id) return q + 4 + size <= end ? { start: q + 4, end: q + 4 + size } : null;
    q += 4 + size;
  }
  return null;
}

/**
 * What a part may inflate to. A part declared over `maxSize`, or over `ratioFrom` and deflated more than
 * `maxRatio`:1, is refused before a byte is inflated (a zip bomb: a few MB that would inflate to GBs); a real
 * book's parts stay far below (a million rows of repetitive cells deflate about 10–40:1). Exported so tests can
 * lower them; the defaults are 2 GiB, 256 MiB and 200:1.
 */
export const inflateLimits = { maxSize: 2 * 1024 ** 3, ratioFrom: 256 * 1024 ** 2, maxRatio: 200 };

function bytes(n: number, zh = false): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return zh ? `${n} 字节` : `${n} bytes`;
}

/** Throws ZipRefused when an entry's declared size is absurd for a workbook (see inflateLimits). */
export function refuseZipBomb(entry: ZipEntry): void {
  const { maxSize, ratioFrom, maxRatio } = inflateLimits;
  const { name, size, compressedSize: packed } = entry;
  if (size > ratioFrom && size > maxRatio * packed) {
    const ratio = packed === 0 ? "∞" : String(Math.round(size / packed));
    throw new ZipRefused(
      `${name} 由 ${bytes(packed, true)} 解压后将达 ${bytes(size, true)}（${ratio}:1），疑似压缩炸弹，拒绝读取`,
      `${name} inflates to ${bytes(size)} from ${bytes(packed)} (${ratio}:1): refused as a zip bomb`,
    );
  }
  if (size > maxSize) {
    throw new ZipRefused(
      `${name} 解压后达 ${bytes(size, true)}，超过单个部件 ${bytes(maxSize, true)} 的上限，拒绝读取`,
      `${name} inflates to ${bytes(size)}, over the ${bytes(maxSize)} a part may have: refused`,
    );
  }
}

const overflow = (entry: ZipEntry) => new Error(`${entry.name}: damaged zip data (inflates past the ${entry.size} bytes declared)`);
const mismatch = (entry: ZipEntry, got: number) => new Error(`${entry.name}: damaged zip data (${got} bytes inflated, ${entry.size} declared)`);

/**
 * Passes an entry's uncompressed bytes on and fails, as damage, as soon as they pass the size the central directory
 * declares (a zip bomb that lies about its size stops there), or when they end short of it.
 */
export function sizeGuard(entry: ZipEntry): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > entry.size) done(overflow(entry));
      else done(null, chunk);
    },
    flush(done) {
      done(seen === entry.size ? null : mismatch(entry, seen));
    },
  });
}

/** The uncompressed bytes of one entry, or null when it is missing. Throws ZipRefused for a zip bomb. */
export function readZipEntry(file: string, name: string): Buffer | null {
  const entry = zipEntries(file)?.find((e) => e.name === name);
  if (!entry) return null;
  refuseZipBomb(entry);
  let start: number;
  try {
    start = dataStart(file, entry);
  } catch {
    return null;
  }
  const fd = openSync(file, "r");
  let data: Buffer;
  try {
    data = readAt(fd, start, entry.compressedSize);
  } finally {
    closeSync(fd);
  }
  let out = data;
  if (entry.method !== 0) {
    try {
      out = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
    } catch (e) {
      throw (e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" ? overflow(entry) : e;
    }
  }
  if (out.length !== entry.size) throw mismatch(entry, out.length);
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
  // The extra field's length covers a zip64 block (sizes that do not fit 32 bits) as any other.
  return entry.localHeader + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
}

/** For tests only: where zip64 starts (sizes and offsets at or above it are written as zip64; 0xFFFFFFFF). */
export interface ZipWriteOptions {
  zip64From?: number;
}

/** Moves the bytes [from, to) of a file `by` bytes further on, last chunk first (the ranges overlap). */
async function shiftForward(fh: FileHandle, from: number, to: number, by: number): Promise<void> {
  const buf = Buffer.alloc(4 * 1024 * 1024);
  for (let end = to; end > from; ) {
    const start = Math.max(from, end - buf.length);
    const { bytesRead } = await fh.read(buf, 0, end - start, start);
    if (bytesRead !== end - start) throw new Error("short read while moving zip data");
    await fh.write(buf, 0, bytesRead, start + by);
    end = start;
  }
}

/**
 * Writes a zip file entry by entry. Copied entries keep their compressed bytes (nothing is inflated and
 * deflated again); new entries are deflated; streamed entries are deflated as they come, with their size and
 * checksum in a data descriptor, so a part of any size never has to fit in memory.
 *
 * zip64 only where it is needed, so the bytes of every other file are what they always were: an entry whose size,
 * compressed size or local header offset reaches 4 GiB gets the zip64 extra field (both sizes in its local header,
 * the saturated fields in its central header) and version 45; a streamed entry that turns out that big has its data
 * moved 20 bytes on to make room for the extra field in its local header (sizes are not known when it is written)
 * and 8-byte sizes in its data descriptor; 65,535 entries or more, or a central directory at or past 4 GiB, get the
 * zip64 end record and its locator.
 */
export async function writeZip(out: string, items: readonly ZipItem[], options: ZipWriteOptions = {}): Promise<void> {
  const limit = options.zip64From ?? MAX32;
  const big = (n: number) => n >= limit;
  // Read as well as written: a streamed entry that turns out to need zip64 has its data moved.
  const fh = await open(out, "w+");
  /** Where the next byte goes; the bytes before it not yet in the file (small entries are written together). */
  let offset = 0;
  let queued: Buffer[] = [];
  let queuedLength = 0;
  const flushWrites = async () => {
    if (queuedLength === 0) return;
    const buf = queued.length === 1 ? queued[0] : Buffer.concat(queued, queuedLength);
    await fh.write(buf, 0, buf.length, offset - queuedLength);
    queued = [];
    queuedLength = 0;
  };
  const write = async (buf: Buffer) => {
    queued.push(buf);
    queuedLength += buf.length;
    offset += buf.length;
    if (queuedLength >= 1024 * 1024) await flushWrites();
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
      /** The local header; `zip64`: the sizes in the zip64 extra field (0 when a data descriptor follows). */
      const local = (zip64: boolean, known = { crc, size, csize }) => {
        const h = Buffer.alloc(30);
        h.writeUInt32LE(LOCAL, 0);
        h.writeUInt16LE(zip64 || big(at) ? 45 : 20, 4);
        h.writeUInt16LE(flags, 6);
        h.writeUInt16LE(method, 8);
        h.writeUInt16LE(DOS_TIME, 10);
        h.writeUInt16LE(DOS_DATE, 12);
        h.writeUInt32LE(known.crc >>> 0, 14);
        h.writeUInt32LE(zip64 ? MAX32 : known.csize, 18);
        h.writeUInt32LE(zip64 ? MAX32 : known.size, 22);
        h.writeUInt16LE(name.length, 26);
        h.writeUInt16LE(zip64 ? 20 : 0, 28);
        if (!zip64) return Buffer.concat([h, name]);
        const x = Buffer.alloc(20);
        x.writeUInt16LE(ZIP64_EXTRA, 0);
        x.writeUInt16LE(16, 2);
        x.writeBigUInt64LE(BigInt(known.size), 4);
        x.writeBigUInt64LE(BigInt(known.csize), 12);
        return Buffer.concat([h, name, x]);
      };
      let sizes64 = false;
      if ("copyFrom" in item) {
        const e = item.copyFrom.entry;
        method = e.method;
        crc = e.crc32;
        size = e.size;
        csize = e.compressedSize;
        sizes64 = big(size) || big(csize);
        await write(local(sizes64));
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
        sizes64 = big(size) || big(csize);
        await write(Buffer.concat([local(sizes64), packed]));
      } else {
        flags |= DATA_DESCRIPTOR;
        await write(local(false));
        const dataAt = offset;
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
        sizes64 = big(size) || big(csize);
        if (sizes64) {
          // The local header gets its zip64 extra field (sizes 0: they follow in the descriptor).
          const head = local(true, { crc: 0, size: 0, csize: 0 });
          await flushWrites();
          await shiftForward(fh, dataAt, offset, head.length - (dataAt - at));
          await fh.write(head, 0, head.length, at);
          offset += head.length - (dataAt - at);
        }
        const d = Buffer.alloc(sizes64 ? 24 : 16);
        d.writeUInt32LE(DESCRIPTOR, 0);
        d.writeUInt32LE(crc >>> 0, 4);
        if (sizes64) {
          d.writeBigUInt64LE(BigInt(csize), 8);
          d.writeBigUInt64LE(BigInt(size), 16);
        } else {
          d.writeUInt32LE(csize, 8);
          d.writeUInt32LE(size, 12);
        }
        await write(d);
      }
      // The zip64 extra field of the central header: the sizes (both, when either is too big), then the offset.
      const extra: number[] = sizes64 ? [size, csize] : [];
      if (big(at)) extra.push(at);
      const x = Buffer.alloc(extra.length > 0 ? 4 + 8 * extra.length : 0);
      if (extra.length > 0) {
        x.writeUInt16LE(ZIP64_EXTRA, 0);
        x.writeUInt16LE(8 * extra.length, 2);
        extra.forEach((v, i) => x.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
      }
      const version = extra.length > 0 ? 45 : 20;
      const c = Buffer.alloc(46);
      c.writeUInt32LE(CENTRAL, 0);
      c.writeUInt16LE(version, 4);
      c.writeUInt16LE(version, 6);
      c.writeUInt16LE(flags, 8);
      c.writeUInt16LE(method, 10);
      c.writeUInt16LE(DOS_TIME, 12);
      c.writeUInt16LE(DOS_DATE, 14);
      c.writeUInt32LE(crc >>> 0, 16);
      c.writeUInt32LE(sizes64 ? MAX32 : csize, 20);
      c.writeUInt32LE(sizes64 ? MAX32 : size, 24);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt16LE(x.length, 30);
      c.writeUInt32LE(big(at) ? MAX32 : at, 42);
      central.push(c, name, x);
    }
    const dir = Buffer.concat(central);
    const cdOffset = offset;
    await write(dir);
    const count = items.length;
    if (count >= MAX16 || big(dir.length) || big(cdOffset)) {
      const recAt = offset;
      const rec = Buffer.alloc(56);
      rec.writeUInt32LE(EOCD64, 0);
      rec.writeBigUInt64LE(44n, 4); // the size of the rest of the record
      rec.writeUInt16LE(45, 12);
      rec.writeUInt16LE(45, 14);
      rec.writeBigUInt64LE(BigInt(count), 24);
      rec.writeBigUInt64LE(BigInt(count), 32);
      rec.writeBigUInt64LE(BigInt(dir.length), 40);
      rec.writeBigUInt64LE(BigInt(cdOffset), 48);
      const loc = Buffer.alloc(20);
      loc.writeUInt32LE(EOCD64_LOCATOR, 0);
      loc.writeBigUInt64LE(BigInt(recAt), 8);
      loc.writeUInt32LE(1, 16); // one disk in all
      await write(Buffer.concat([rec, loc]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(EOCD, 0);
    end.writeUInt16LE(Math.min(count, MAX16), 8);
    end.writeUInt16LE(Math.min(count, MAX16), 10);
    end.writeUInt32LE(big(dir.length) ? MAX32 : dir.length, 12);
    end.writeUInt32LE(big(cdOffset) ? MAX32 : cdOffset, 16);
    await write(end);
    await flushWrites();
  } finally {
    await fh.close();
  }
}
