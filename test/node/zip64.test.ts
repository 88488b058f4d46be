// zip64, the zips the reader refuses, and zip bombs (src/xlsx/zip.ts; entryStream in src/xlsx/read.ts), checked
// against independent tools: Python's zipfile (writes the zip64 books, lists and reads every output), JSZip,
// Info-ZIP's `unzip -t`, and the headers parsed by hand here (APPNOTE 4.3), never against the reader's own output.
import { execFileSync, spawnSync } from "child_process";
import { createHash } from "crypto";
import JSZip from "jszip";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { crc32, createDeflateRaw, deflateRawSync } from "zlib";
import { generateSample } from "../../scripts/sample";
import { BookError, readModelParts } from "../../src/xlsx/exceljs";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { entryStream } from "../../src/xlsx/read";
import { inflateLimits, readZipEntry, writeZip, zipEntries, ZipRefused, type ZipItem } from "../../src/xlsx/zip";
import { runCrm } from "./cli-io";

jest.setTimeout(120_000);

const REPO = join(__dirname, "..", "..");
const PY = "/usr/bin/python3";
const dir = mkdtempSync(join(tmpdir(), "crm-zip64-"));
const f = (name: string) => join(dir, name);

interface PyEntry {
  name: string;
  size: number;
  csize: number;
  crc: number;
  offset: number;
  method: number;
  flags: number;
  sha: string | null;
}

/** Python's zipfile's view of a zip: every entry, its content read (CRC-checked by zipfile) unless `read` is false. */
function pyList(file: string, read = true): { entries: PyEntry[]; startDir: number } {
  const script = `
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
out = [dict(name=i.filename, size=i.file_size, csize=i.compress_size, crc=i.CRC, offset=i.header_offset, method=i.compress_type,
            flags=i.flag_bits, sha=hashlib.sha256(z.read(i)).hexdigest() if sys.argv[2] == "1" else None) for i in z.infolist()]
print(json.dumps(dict(entries=out, startDir=z.start_dir)))`;
  return JSON.parse(execFileSync(PY, ["-c", script, file, read ? "1" : "0"], { encoding: "utf8", maxBuffer: 1 << 28 }));
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** The end record, parsed by hand (the last signature 0x06054b50). */
function endRecord(buf: Buffer) {
  const at = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  return { at, disk: buf.readUInt16LE(at + 4), count: buf.readUInt16LE(at + 10), dirSize: buf.readUInt32LE(at + 12), dirOffset: buf.readUInt32LE(at + 16) };
}

/** The zip64 end record through its locator (20 bytes before the end record), or null. */
function zip64End(buf: Buffer) {
  const loc = endRecord(buf).at - 20;
  if (loc < 0 || buf.readUInt32LE(loc) !== 0x07064b50) return null;
  const at = Number(buf.readBigUInt64LE(loc + 8));
  if (buf.readUInt32LE(at) !== 0x06064b50) throw new Error("the locator points at no zip64 end record");
  return { disks: buf.readUInt32LE(loc + 16), count: Number(buf.readBigUInt64LE(at + 32)), dirSize: Number(buf.readBigUInt64LE(at + 40)), dirOffset: Number(buf.readBigUInt64LE(at + 48)) };
}

/** The zip64 extra block (0x0001) of an extra field, as 8-byte values, or null. */
function zip64Extra(extra: Buffer): number[] | null {
  for (let q = 0; q + 4 <= extra.length; q += 4 + extra.readUInt16LE(q + 2)) {
    if (extra.readUInt16LE(q) !== 1) continue;
    const len = extra.readUInt16LE(q + 2);
    return Array.from({ length: len / 8 }, (_, i) => Number(extra.readBigUInt64LE(q + 4 + 8 * i)));
  }
  return null;
}

/** A local header, parsed by hand at an offset Python's zipfile gives. */
function localHeader(buf: Buffer, at: number) {
  expect(buf.readUInt32LE(at)).toBe(0x04034b50);
  const nameLen = buf.readUInt16LE(at + 26);
  const extraLen = buf.readUInt16LE(at + 28);
  return { version: buf.readUInt16LE(at + 4), flags: buf.readUInt16LE(at + 6), csize: buf.readUInt32LE(at + 18), size: buf.readUInt32LE(at + 22), zip64: zip64Extra(buf.subarray(at + 30 + nameLen, at + 30 + nameLen + extraLen)), dataAt: at + 30 + nameLen + extraLen };
}

/** The central headers from the directory's start (Python's start_dir), parsed by hand. */
function centralHeaders(buf: Buffer, start: number, count: number) {
  const out = [];
  for (let p = start, i = 0; i < count; i++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    out.push({ name: buf.toString("utf8", p + 46, p + 46 + nameLen), made: buf.readUInt16LE(p + 4), version: buf.readUInt16LE(p + 6), csize: buf.readUInt32LE(p + 20), size: buf.readUInt32LE(p + 24), offset: buf.readUInt32LE(p + 42), zip64: zip64Extra(buf.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen)) });
    p += 46 + nameLen + extraLen + buf.readUInt16LE(p + 32);
  }
  return out;
}

interface RawEntry {
  name: string;
  data: Buffer; // as stored in the zip (deflated for method 8)
  method: number;
  crc: number;
  size: number;
  flags?: number;
}

/** A zip built by hand here (not by the writer under test): local headers, central directory, end record. */
function buildZip(entries: RawEntry[], end: { disk?: number } = {}): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(e.flags ?? 0x0800, 6);
    h.writeUInt16LE(e.method, 8);
    h.writeUInt16LE(0x21, 12);
    h.writeUInt32LE(e.crc >>> 0, 14);
    h.writeUInt32LE(e.data.length, 18);
    h.writeUInt32LE(e.size, 22);
    h.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(e.flags ?? 0x0800, 8);
    c.writeUInt16LE(e.method, 10);
    c.writeUInt16LE(0x21, 14);
    c.writeUInt32LE(e.crc >>> 0, 16);
    c.writeUInt32LE(e.data.length, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt16LE(end.disk ?? 0, 34);
    c.writeUInt32LE(offset, 42);
    locals.push(h, name, e.data);
    central.push(c, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(end.disk ?? 0, 4);
  eocd.writeUInt16LE(end.disk ?? 0, 6);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/** The sample book's parts, uncompressed, as JSZip reads them, deflated again here. */
async function bookParts(file: string): Promise<RawEntry[]> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  const out: RawEntry[] = [];
  for (const name of Object.keys(zip.files)) {
    if (zip.files[name].dir) continue;
    const raw = await zip.file(name)!.async("nodebuffer");
    out.push({ name, data: deflateRawSync(raw), method: 8, crc: crc32(raw), size: raw.length });
  }
  return out;
}

/** What a BookError says in both languages, or the error itself when it is not one. */
async function refusal(p: Promise<unknown>): Promise<{ zh: string; en: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BookError) return { zh: e.line("zh"), en: e.line("en") };
    throw e;
  }
  throw new Error("not refused");
}

let src: string;
let srcModel: unknown;

beforeAll(async () => {
  src = f("book.xlsx");
  await writeModelXlsx(generateSample({ customers: 80, asOf: "2024-11-26" }).model, src, { listObjects: { 订单: "订单表" } });
  srcModel = (await readModelParts(src)).model;
});

describe("zip64 on read", () => {
  /** The book rewritten by Python's zipfile, every entry opened with force_zip64; `everywhere`: ZIP64_LIMIT 0 too. */
  function pythonZip64(out: string, everywhere: boolean): void {
    const script = `
import sys, zipfile
src, dst, everywhere = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
if everywhere:
    zipfile.ZIP64_LIMIT = 0  # every size and offset "too big": zip64 fields in central headers, the zip64 end record
with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as b:
    for i in a.infolist():
        with a.open(i) as r, b.open(i.filename, "w", force_zip64=True) as w:
            w.write(r.read())`;
    execFileSync(PY, ["-c", script, src, out, everywhere ? "1" : "0"]);
  }

  test.each([
    ["force_zip64 (zip64 extra fields in the local headers)", false],
    ["force_zip64 and ZIP64_LIMIT = 0 (zip64 sizes and offsets in the central directory, the zip64 end record)", true],
  ])("a book written by Python's zipfile with %s reads exactly like the book without zip64", async (_what, everywhere) => {
    const out = f(everywhere ? "py64-everywhere.xlsx" : "py64.xlsx");
    pythonZip64(out, everywhere);
    const buf = readFileSync(out);
    const py = pyList(out);
    // The file is what it says: zip64 extra fields in every local header (and, everywhere, in the central ones).
    for (const e of py.entries) expect([e.name, localHeader(buf, e.offset).zip64?.length]).toEqual([e.name, 2]);
    const cds = centralHeaders(buf, py.startDir, py.entries.length);
    if (everywhere) {
      expect(zip64End(buf)).toEqual({ disks: 1, count: py.entries.length, dirSize: expect.any(Number), dirOffset: py.startDir });
      expect(cds.filter((c) => c.offset === 0xffffffff).length).toBe(py.entries.length - 1); // all but the first, at 0
      // (Python saturates both sizes of every entry with a compressed size over its limit: all, deflate writes ≥ 2 bytes.)
      expect(cds.filter((c) => c.size === 0xffffffff && c.csize === 0xffffffff).length).toBe(py.entries.length);
    } else {
      expect(zip64End(buf)).toBeNull();
    }

    const ours = zipEntries(out)!;
    expect(ours.map((e) => [e.name, e.size, e.compressedSize, e.crc32 >>> 0, e.localHeader, e.method])).toEqual(py.entries.map((e) => [e.name, e.size, e.csize, e.crc, e.offset, e.method]));
    for (const e of py.entries) expect([e.name, sha(readZipEntry(out, e.name)!)]).toEqual([e.name, e.sha]);
    expect((await readModelParts(out)).model).toEqual(srcModel);
  });

  test("crm apply on a zip64 book (Python's, zip64 everywhere) writes the very bytes it writes for the same book without zip64", async () => {
    // The same entries, compressed by the same zlib, once plain and once with zip64 everywhere: copied entries keep
    // their compressed bytes and the writer adds zip64 only where it is needed, so the two outputs are one file.
    const script = `
import sys, zipfile
src, dst, everywhere = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
if everywhere:
    zipfile.ZIP64_LIMIT = 0
with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as b:
    for i in a.infolist():
        with a.open(i) as r, b.open(i.filename, "w", force_zip64=everywhere) as w:
            w.write(r.read())`;
    const plainIn = f("py-plain.xlsx");
    const zip64In = f("py-zip64.xlsx");
    execFileSync(PY, ["-c", script, src, plainIn, "0"]);
    execFileSync(PY, ["-c", script, src, zip64In, "1"]);
    expect(zip64End(readFileSync(zip64In))).not.toBeNull();
    expect(zip64End(readFileSync(plainIn))).toBeNull();
    const outs = [];
    for (const input of [plainIn, zip64In]) {
      const out = input.replace(/\.xlsx$/, "-applied.xlsx");
      const run = await runCrm(["apply", input, "--out", out, "--as-of", "2024-11-26"], "en");
      expect([run.code < 2, run.stderr]).toEqual([true, ""]);
      outs.push(out);
    }
    expect(readFileSync(outs[1]).equals(readFileSync(outs[0]))).toBe(true);
    const read = pyList(outs[1]);
    expect(read.entries.length).toBeGreaterThan(10);
    expect(zip64End(readFileSync(outs[1]))).toBeNull();
  });

  test("a zip64 end record and zip64 extra fields made by hand: 64-bit offsets and sizes are taken from them", async () => {
    // The first entry's central header saturates size, compressed size and offset (the zip64 block holds all three,
    // in the spec's order); the end record saturates everything and a locator points at the zip64 end record.
    const parts = (await bookParts(src)).slice(0, 3);
    const plain = buildZip(parts);
    const cdStart = plain.readUInt32LE(plain.length - 22 + 16);
    const first = parts[0];
    const nameLen = Buffer.byteLength(first.name);
    const headerEnd = cdStart + 46 + nameLen;
    const extra = Buffer.alloc(28);
    extra.writeUInt16LE(1, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(first.size), 4);
    extra.writeBigUInt64LE(BigInt(first.data.length), 12);
    extra.writeBigUInt64LE(0n, 20);
    const cdHead = Buffer.from(plain.subarray(cdStart, headerEnd));
    cdHead.writeUInt32LE(0xffffffff, 20);
    cdHead.writeUInt32LE(0xffffffff, 24);
    cdHead.writeUInt32LE(0xffffffff, 42);
    cdHead.writeUInt16LE(extra.length, 30);
    const cd = Buffer.concat([cdHead, extra, plain.subarray(headerEnd, plain.length - 22)]);
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(3n, 24);
    rec.writeBigUInt64LE(3n, 32);
    rec.writeBigUInt64LE(BigInt(cd.length), 40);
    rec.writeBigUInt64LE(BigInt(cdStart), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(cdStart + cd.length), 8);
    loc.writeUInt32LE(1, 16);
    const eocd = Buffer.from("504b0506ffffffffffffffffffffffffffffffff0000", "hex");
    const file = f("hand64.zip");
    writeFileSync(file, Buffer.concat([plain.subarray(0, cdStart), cd, rec, loc, eocd]));

    const listed = pyList(file);
    expect(listed.entries.map((e) => [e.name, e.size, e.csize, e.offset])).toEqual(parts.map((p, i) => [p.name, p.size, p.data.length, listed.entries[i].offset]));
    expect(zipEntries(file)!.map((e) => [e.name, e.size, e.compressedSize, e.localHeader])).toEqual(listed.entries.map((e) => [e.name, e.size, e.csize, e.offset]));
    for (const e of listed.entries) expect([e.name, sha(readZipEntry(file, e.name)!)]).toEqual([e.name, e.sha]);
  });
});

describe("zip64 on write", () => {
  test.each([4096, 1024])("with zip64 from %i bytes (the 4 GiB threshold lowered): Python, JSZip and unzip -t read every entry; the headers carry zip64 where needed", async (limit) => {
    const entries = zipEntries(src)!;
    const sheet1 = entries.find((e) => e.name === "xl/worksheets/sheet1.xml")!;
    const core = '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>CRM 工作台</dc:creator></cp:coreProperties>';
    const bigData = Buffer.from(Array.from({ length: 3000 }, (_, i) => `第 ${i} 行 row ${(i * 7919) % 104729}`).join("\n"), "utf8");
    const items: ZipItem[] = [
      // Copied (small ones stay plain until their offset passes the limit), given as bytes, and streamed: the sheet
      // through entryStream (bigger than the limit: its data is moved to make room for the local zip64 field).
      ...entries.map((entry): ZipItem => entry.name === "docProps/core.xml" ? { name: entry.name, data: core } : entry === sheet1 ? { name: entry.name, stream: entryStream(src, entry) as AsyncIterable<Buffer> } : { name: entry.name, copyFrom: { file: src, entry } }),
      { name: "customXml/大.txt", data: bigData },
      { name: "customXml/small-stream.txt", stream: (async function* () { yield "short"; })() },
    ];
    const out = f(`w64-${limit}.xlsx`);
    await writeZip(out, items, { zip64From: limit });

    const before = pyList(src);
    const py = pyList(out);
    const shaOf = new Map(before.entries.map((e) => [e.name, e.sha]));
    shaOf.set("docProps/core.xml", sha(Buffer.from(core, "utf8")));
    shaOf.set("customXml/大.txt", sha(bigData));
    shaOf.set("customXml/small-stream.txt", sha(Buffer.from("short")));
    expect(py.entries.map((e) => [e.name, e.sha])).toEqual(items.map((i) => [i.name, shaOf.get(i.name)]));
    const jszip = await JSZip.loadAsync(readFileSync(out));
    expect(Object.keys(jszip.files)).toEqual(items.map((i) => i.name));
    for (const i of items) expect([i.name, sha(await jszip.files[i.name].async("nodebuffer"))]).toEqual([i.name, shaOf.get(i.name)]);
    const unzip = spawnSync("unzip", ["-t", out], { encoding: "utf8" });
    expect([unzip.status, unzip.stderr, unzip.stdout]).toEqual([0, "", expect.stringContaining("No errors detected")]);
    expect(unzip.stdout).not.toMatch(/warning|error:/i);

    // The headers, by hand, against Python's sizes and offsets.
    const buf = readFileSync(out);
    const cds = centralHeaders(buf, py.startDir, py.entries.length);
    let descriptors = 0;
    for (const [i, e] of py.entries.entries()) {
      const sizes64 = e.size >= limit || e.csize >= limit;
      const offset64 = e.offset >= limit;
      const lh = localHeader(buf, e.offset);
      const c = cds[i];
      const streamed = (lh.flags & 8) !== 0;
      expect([e.name, c.zip64]).toEqual([e.name, sizes64 || offset64 ? [...(sizes64 ? [e.size, e.csize] : []), ...(offset64 ? [e.offset] : [])] : null]);
      expect([e.name, c.size, c.csize, c.offset, c.version, c.made]).toEqual([e.name, sizes64 ? 0xffffffff : e.size, sizes64 ? 0xffffffff : e.csize, offset64 ? 0xffffffff : e.offset, sizes64 || offset64 ? 45 : 20, sizes64 || offset64 ? 45 : 20]);
      expect([e.name, lh.zip64, lh.version]).toEqual([e.name, sizes64 ? (streamed ? [0, 0] : [e.size, e.csize]) : null, sizes64 || offset64 ? 45 : 20]);
      if (!streamed) {
        expect([e.name, lh.size, lh.csize]).toEqual([e.name, sizes64 ? 0xffffffff : e.size, sizes64 ? 0xffffffff : e.csize]);
        continue;
      }
      // The data descriptor: 8-byte sizes when the entry is zip64, else 4-byte.
      const d = lh.dataAt + e.csize;
      expect([e.name, buf.readUInt32LE(d), buf.readUInt32LE(d + 4)]).toEqual([e.name, 0x08074b50, e.crc]);
      if (sizes64) expect([Number(buf.readBigUInt64LE(d + 8)), Number(buf.readBigUInt64LE(d + 16))]).toEqual([e.csize, e.size]);
      else expect([buf.readUInt32LE(d + 8), buf.readUInt32LE(d + 12)]).toEqual([e.csize, e.size]);
      descriptors++;
    }
    expect(descriptors).toBe(2);
    expect(py.entries.find((e) => e.name === sheet1.name)!.size).toBeGreaterThan(limit); // the streamed zip64 case is there
    const end = endRecord(buf);
    const dirSize = end.at - 76 - py.startDir; // the zip64 end record (56) and its locator (20) follow the directory
    expect([end.count, end.dirOffset, end.dirSize]).toEqual([items.length, 0xffffffff, dirSize >= limit ? 0xffffffff : dirSize]);
    expect(zip64End(buf)).toEqual({ disks: 1, count: items.length, dirSize, dirOffset: py.startDir });

    // Our reader, on the same file, reads the same workbook.
    expect((await readModelParts(out)).model).toEqual(srcModel);
  });

  // The real threshold, opt-in (CRM_ZIP64_4GB=1; about 2 minutes): 4 GiB + 1 MiB of zeros streamed (4 MB on disk),
  // then copied entry by entry; Python's testzip inflates and checks every byte of both.
  (process.env.CRM_ZIP64_4GB ? test : test.skip)("at the real threshold: a streamed entry of 4 GiB + 1 MiB, and its copy, pass Python's testzip", async () => {
    const total = 4 * 1024 ** 3 + 1024 ** 2;
    const chunk = Buffer.alloc(8 * 1024 * 1024);
    async function* zeros() {
      for (let n = 0; n < total; n += chunk.length) yield n + chunk.length <= total ? chunk : chunk.subarray(0, total - n);
    }
    const out = f("4g.zip");
    await writeZip(out, [{ name: "a.txt", data: "first" }, { name: "zeros.bin", stream: zeros() }, { name: "b.txt", data: "last" }]);
    const copy = f("4g-copy.zip");
    await writeZip(copy, zipEntries(out)!.map((entry) => ({ name: entry.name, copyFrom: { file: out, entry } })));
    for (const file of [out, copy]) {
      const script = "import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(json.dumps([[i.filename, i.file_size] for i in z.infolist()] + [z.testzip()]))";
      expect(JSON.parse(execFileSync(PY, ["-c", script, file], { encoding: "utf8" }))).toEqual([["a.txt", 5], ["zeros.bin", total], ["b.txt", 4], null]);
      const buf = readFileSync(file);
      expect(localHeader(buf, 42).zip64).toEqual(file === out ? [0, 0] : [total, expect.any(Number)]);
    }
  }, 600_000);

  test("a normal book is written without any zip64 structure (version 20, no extra fields, no zip64 end record)", async () => {
    const out = f("plain.xlsx");
    await writeZip(out, zipEntries(src)!.map((entry) => ({ name: entry.name, copyFrom: { file: src, entry } })));
    const buf = readFileSync(out);
    const py = pyList(out, false);
    expect(zip64End(buf)).toBeNull();
    for (const c of centralHeaders(buf, py.startDir, py.entries.length)) expect([c.name, c.version, c.made, c.zip64]).toEqual([c.name, 20, 20, null]);
    for (const e of py.entries) expect([e.name, localHeader(buf, e.offset).version, buf.readUInt16LE(e.offset + 28)]).toEqual([e.name, 20, 0]);
  });

  test("66,000 entries: the zip64 end record carries the count; Python, JSZip, unzip and our reader list them all", async () => {
    const n = 66_000;
    const name = (i: number) => `d/${String(i).padStart(5, "0")}.txt`;
    const items: ZipItem[] = Array.from({ length: n }, (_, i) => ({ name: name(i), data: `entry ${i}` }));
    const out = f("many.zip");
    const t0 = Date.now();
    await writeZip(out, items);
    const writeMs = Date.now() - t0;
    const buf = readFileSync(out);
    const end = endRecord(buf);
    expect(end.count).toBe(0xffff);
    expect(zip64End(buf)).toEqual({ disks: 1, count: n, dirSize: end.dirSize, dirOffset: end.dirOffset }); // (both fit 32 bits)

    const script = `
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
bad = [i.filename for k, i in enumerate(z.infolist()) if i.filename != "d/%05d.txt" % k or z.read(i) != b"entry %d" % k]
print(len(z.infolist()), len(bad))`;
    expect(execFileSync(PY, ["-c", script, out], { encoding: "utf8" }).trim()).toBe(`${n} 0`);
    const jszip = await JSZip.loadAsync(buf);
    const names = Object.keys(jszip.files);
    expect([names.length, names[0], names[n - 1]]).toEqual([n, name(0), name(n - 1)]);
    expect(await jszip.file(name(65_535))!.async("string")).toBe("entry 65535");
    expect(spawnSync("unzip", ["-tqq", out]).status).toBe(0);
    const ours = zipEntries(out)!;
    expect([ours.length, ours[n - 1].name, readZipEntry(out, name(n - 1))!.toString()]).toEqual([n, name(n - 1), `entry ${n - 1}`]);
    console.log(`66,000 entries written in ${writeMs} ms`);
  });
});

describe("zips the reader refuses, with the reason", () => {
  /** `crm validate` in-process, in both languages: exit 2 and one line on stderr. */
  async function validateRefuses(file: string, reason: { zh: RegExp; en: RegExp }): Promise<void> {
    for (const lang of ["zh", "en"] as const) {
      const run = await runCrm(["validate", file], lang);
      expect([lang, run.code, run.stdout]).toEqual([lang, 2, ""]);
      expect(run.stderr.split("\n")).toEqual([expect.stringContaining(file), ""]);
      expect(run.stderr).toMatch(reason[lang]);
    }
  }

  test.each([
    [9, "Deflate64"],
    [12, "BZIP2"],
    [14, "LZMA"],
    [93, "Zstandard"],
  ])("a part compressed with method %i (%s) is named with its method", async (method, what) => {
    const parts = await bookParts(src);
    const file = f(`method-${method}.xlsx`);
    // The data stays deflate: only the declared method matters, the reader must not try to inflate it.
    writeFileSync(file, buildZip(parts.map((p) => (p.name === "xl/worksheets/sheet1.xml" ? { ...p, method } : p))));
    expect(pyList(file, false).entries.find((e) => e.name === "xl/worksheets/sheet1.xml")!.method).toBe(method);
    const why = await refusal(readModelParts(file));
    expect(why.en).toBe(`${file}: xl/worksheets/sheet1.xml is compressed with ${what} (method ${method}), which .xlsx files do not use and this reader cannot inflate; save the workbook again in Excel`);
    expect(why.zh).toContain(`xl/worksheets/sheet1.xml 使用了 .xlsx 不使用的压缩方法 ${what}（方法 ${method}）`);
    await validateRefuses(file, { zh: /压缩方法/, en: new RegExp(`compressed with ${what}`) });
  });

  test("an encrypted entry (general-purpose flag bit 0) is refused as encrypted, naming it", async () => {
    const parts = await bookParts(src);
    const file = f("zip-password.xlsx");
    writeFileSync(file, buildZip(parts.map((p) => (p.name === "xl/workbook.xml" ? { ...p, flags: 0x0801 } : p))));
    expect(pyList(file, false).entries.find((e) => e.name === "xl/workbook.xml")!.flags & 1).toBe(1);
    const why = await refusal(readModelParts(file));
    expect(why.en).toBe(`${file}: xl/workbook.xml is encrypted inside the zip (a zip password), which Excel workbooks never are; unzip it with the password and zip it again, or save the workbook again in Excel`);
    expect(why.zh).toContain("xl/workbook.xml 在压缩包内被加密");
    await validateRefuses(file, { zh: /加密/, en: /encrypted inside the zip/ });
  });

  test("a volume of a split archive (disk number 1, and a zip64 locator counting 2 disks) is refused as split", async () => {
    const parts = await bookParts(src);
    const last = f("split.xlsx");
    writeFileSync(last, buildZip(parts, { disk: 1 }));
    // Info-ZIP's unzip sees a multi-disk archive too.
    expect(spawnSync("unzip", ["-l", last], { encoding: "utf8" }).stdout + spawnSync("unzip", ["-l", last], { encoding: "utf8" }).stderr).toMatch(/multi.?(disk|part)|disk/i);
    // The zip64 form: Python's zipfile refuses it as spanning disks.
    const plain = buildZip(parts);
    const eocdAt = plain.length - 22;
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeBigUInt64LE(BigInt(parts.length), 24);
    rec.writeBigUInt64LE(BigInt(parts.length), 32);
    rec.writeBigUInt64LE(BigInt(plain.readUInt32LE(eocdAt + 12)), 40);
    rec.writeBigUInt64LE(BigInt(plain.readUInt32LE(eocdAt + 16)), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(eocdAt), 8);
    loc.writeUInt32LE(2, 16);
    const split64 = f("split64.xlsx");
    writeFileSync(split64, Buffer.concat([plain.subarray(0, eocdAt), rec, loc, plain.subarray(eocdAt)]));
    expect(spawnSync(PY, ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1])", split64], { encoding: "utf8" }).stderr).toContain("span multiple disks");
    for (const file of [last, split64]) {
      const why = await refusal(readModelParts(file));
      expect(why.en).toBe(`${file}: the file is one volume of a split (multi-disk) zip archive and cannot be read alone; join the volumes or save the workbook again in Excel`);
      expect(why.zh).toContain("分卷");
      await validateRefuses(file, { zh: /分卷/, en: /split \(multi-disk\)/ });
    }
  });
});

describe("zip bombs", () => {
  const MiB = 1024 * 1024;
  /** `mib` MiB of one repeated character deflated chunk by chunk (never all in memory): data, CRC-32. */
  async function repeated(mib: number): Promise<{ data: Buffer; crc: number; size: number }> {
    const deflate = createDeflateRaw({ level: 9 });
    const out: Buffer[] = [];
    deflate.on("data", (b: Buffer) => out.push(b));
    const chunk = Buffer.alloc(MiB, "a");
    let crc = 0;
    for (let i = 0; i < mib; i++) {
      crc = crc32(chunk, crc);
      if (!deflate.write(chunk)) await new Promise((r) => deflate.once("drain", r));
    }
    await new Promise((r) => deflate.end(r));
    return { data: Buffer.concat(out), crc, size: mib * MiB };
  }

  let bomb: string;
  let liar: string;
  let packed: number;

  beforeAll(async () => {
    const t0 = Date.now();
    const b = await repeated(300);
    packed = b.data.length;
    const parts = await bookParts(src);
    bomb = f("bomb.xlsx");
    liar = f("liar.xlsx");
    // The bomb declares its size honestly (300 MiB from ~300 KB); the liar declares 1 MiB for the same data.
    writeFileSync(bomb, buildZip(parts.map((p) => (p.name === "xl/sharedStrings.xml" ? { ...p, data: b.data, crc: b.crc, size: b.size } : p))));
    writeFileSync(liar, buildZip(parts.map((p) => (p.name === "xl/sharedStrings.xml" ? { ...p, data: b.data, crc: b.crc, size: MiB } : p))));
    console.log(`300 MiB bomb deflated to ${packed} bytes in ${Date.now() - t0} ms`);
  });

  test("a part declared 300 MiB from ~300 KB is refused before a byte is inflated, naming it", async () => {
    const e = pyList(bomb, false).entries.find((x) => x.name === "xl/sharedStrings.xml")!;
    expect([e.size, e.csize]).toEqual([300 * MiB, packed]);
    // Hand-computed: 300 MiB, the packed size in KB, the ratio rounded.
    const en = `xl/sharedStrings.xml inflates to 300.0 MB from ${(packed / 1024).toFixed(1)} KB (${Math.round((300 * MiB) / packed)}:1): refused as a zip bomb`;
    const t0 = Date.now();
    const why = await refusal(readModelParts(bomb));
    const ms = Date.now() - t0;
    expect(why.en).toBe(`${bomb}: ${en}`);
    expect(why.zh).toBe(`${bomb}：xl/sharedStrings.xml 由 ${(packed / 1024).toFixed(1)} KB 解压后将达 300.0 MB（${Math.round((300 * MiB) / packed)}:1），疑似压缩炸弹，拒绝读取`);
    expect(ms).toBeLessThan(2_000);
    console.log(`bomb refused by readModelParts in ${ms} ms`);
    // The other ways in refuse it too, without inflating.
    const entry = zipEntries(bomb)!.find((x) => x.name === "xl/sharedStrings.xml")!;
    expect(() => entryStream(bomb, entry)).toThrow(ZipRefused);
    expect(() => readZipEntry(bomb, "xl/sharedStrings.xml")).toThrow(en);
  });

  test("crm validate on the bomb (the real command line): exit 2, one line naming the file and the part", async () => {
    const t0 = Date.now();
    const run = spawnSync(process.execPath, [join(REPO, "bin", "crm.js"), "validate", bomb, "--lang", "en"], { cwd: REPO, encoding: "utf8" });
    const ms = Date.now() - t0;
    expect([run.status, run.stdout]).toEqual([2, ""]);
    expect(run.stderr.split("\n")).toEqual([expect.stringMatching(new RegExp(`^crm: ${bomb.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: xl/sharedStrings\\.xml inflates to 300\\.0 MB from .* refused as a zip bomb$`)), ""]);
    console.log(`node bin/crm.js validate bomb.xlsx: exit ${run.status} in ${ms} ms (node start included)`);
    const zh = await runCrm(["validate", bomb], "zh");
    expect([zh.code, zh.stderr.split("\n").length]).toEqual([2, 2]);
    expect(zh.stderr).toContain("疑似压缩炸弹");
  });

  test("a part that inflates past its declared size (1 MiB declared, 300 MiB inside) stops there, as damage", async () => {
    const t0 = Date.now();
    const why = await refusal(readModelParts(liar));
    const ms = Date.now() - t0;
    expect(why.en).toBe(`${liar}: the file is damaged or incomplete (possibly truncated while downloading or copying)`);
    expect(ms).toBeLessThan(2_000);
    const entry = zipEntries(liar)!.find((x) => x.name === "xl/sharedStrings.xml")!;
    let inflated = 0;
    const failed = await new Promise<Error>((resolve) => {
      const s = entryStream(liar, entry);
      s.on("data", (c: Buffer) => (inflated += c.length));
      s.on("error", resolve);
      s.on("end", () => resolve(new Error("ended")));
    });
    expect(failed.message).toBe(`xl/sharedStrings.xml: damaged zip data (inflates past the ${MiB} bytes declared)`);
    expect(inflated).toBeLessThanOrEqual(MiB);
    expect(() => readZipEntry(liar, "xl/sharedStrings.xml")).toThrow(`xl/sharedStrings.xml: damaged zip data (inflates past the ${MiB} bytes declared)`);
    console.log(`liar refused as damage in ${ms} ms`);
  });

  test("the limits, lowered: a book's parts (deflated 5–10:1) read; 4 MiB of one character (1000:1) is refused; a part over the size cap is refused", async () => {
    const saved = { ...inflateLimits };
    try {
      const parts = await bookParts(src);
      const b = await repeated(4);
      const file = f("small-bomb.xlsx");
      writeFileSync(file, buildZip(parts.map((p) => (p.name === "xl/sharedStrings.xml" ? { ...p, data: b.data, crc: b.crc, size: b.size } : p))));
      // Real parts over 100 KB deflate about 8:1 (Python's figures).
      const sizes = pyList(src, false).entries.filter((e) => e.size > 100_000);
      expect(sizes.length).toBeGreaterThan(0);
      expect(sizes.every((e) => e.size / e.csize < 20)).toBe(true);
      Object.assign(inflateLimits, { ratioFrom: 100_000, maxRatio: 200 });
      expect((await readModelParts(src)).model).toEqual(srcModel);
      expect((await refusal(readModelParts(file))).en).toMatch(/xl\/sharedStrings\.xml inflates to 4\.0 MB from .* refused as a zip bomb$/);
      // The shared strings are read before any sheet: a cap a byte below their size stops the book there.
      const sst = pyList(src, false).entries.find((e) => e.name === "xl/sharedStrings.xml")!;
      Object.assign(inflateLimits, { maxSize: sst.size - 1 });
      expect((await refusal(readModelParts(src))).en).toBe(`${src}: xl/sharedStrings.xml inflates to ${(sst.size / 1024).toFixed(1)} KB, over the ${((sst.size - 1) / 1024).toFixed(1)} KB a part may have: refused`);
    } finally {
      Object.assign(inflateLimits, saved);
    }
  });
});
