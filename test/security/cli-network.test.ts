// The command line makes no network request (issue 8, "Privacy and security"): no customer data leaves the
// machine, and there is no telemetry. Two ways, both with every way out of a Node process blocked and counted:
// 1. in-process: main() of src/cli/cli.ts runs every command with net.Socket#connect, http/https request and
//    get, tls.connect, http2.connect, dgram sends, dns lookups and resolves, and global fetch replaced by spies;
// 2. the real entry point (`node bin/crm.js …`, what `npx crm` runs) in a child process whose preloaded guard
//    does the same before any module of the product loads, and logs any attempt to a file.
import { spawnSync } from "child_process";
import dgram from "dgram";
import dns from "dns";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import http from "http";
import http2 from "http2";
import https from "https";
import net from "net";
import { tmpdir } from "os";
import { join } from "path";
import tls from "tls";
import { main, type CliIO } from "../../src/cli/cli";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { generateSample } from "../../scripts/sample";
import { recordReliability } from "../reliability";

jest.setTimeout(120_000);

const REPO = join(__dirname, "..", "..");
const AS_OF = "2024-11-26";

let root: string;
let book: string;
let attempts: string[] = [];
let commandsRun = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "crm-net-"));
  book = join(root, "客户管理.xlsx");
  await writeModelXlsx(generateSample({ customers: 40, asOf: AS_OF }).model, book);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  recordReliability("cli-network", {
    group: "privacy and security",
    what: "命令行运行（网络全部拦截） CLI runs with every network API blocked",
    tried: commandsRun,
    failed: attempts.length,
    where: "test/security/cli-network.test.ts (in-process main() and node bin/crm.js)",
  });
});

/** Replaces every way out with a spy that records the call and throws; returns the restore function. */
function blockNetwork(): () => void {
  const spies: jest.SpyInstance[] = [];
  const block = <T extends object>(obj: T, key: keyof T & string, label: string) => {
    if (typeof (obj as Record<string, unknown>)[key] !== "function") return;
    spies.push(
      jest.spyOn(obj as Record<string, (...a: unknown[]) => unknown>, key).mockImplementation((...args: unknown[]) => {
        attempts.push(`${label}(${args.map((a) => (typeof a === "object" ? JSON.stringify(a)?.slice(0, 80) : String(a))).join(", ")})`);
        throw new Error(`network blocked by the test: ${label}`);
      }),
    );
  };
  block(net.Socket.prototype, "connect", "net.Socket#connect");
  block(net, "connect", "net.connect");
  block(net, "createConnection", "net.createConnection");
  block(http, "request", "http.request");
  block(http, "get", "http.get");
  block(https, "request", "https.request");
  block(https, "get", "https.get");
  block(tls, "connect", "tls.connect");
  block(http2, "connect", "http2.connect");
  block(dgram.Socket.prototype, "send", "dgram.Socket#send");
  block(dns, "lookup", "dns.lookup");
  block(dns, "resolve", "dns.resolve");
  block(dns, "resolve4", "dns.resolve4");
  block(dns, "resolve6", "dns.resolve6");
  block(dns.promises, "lookup", "dns.promises.lookup");
  block(dns.promises, "resolve", "dns.promises.resolve");
  const g = globalThis as { fetch?: unknown };
  const hadFetch = "fetch" in g;
  const realFetch = g.fetch;
  g.fetch = jest.fn((...args: unknown[]) => {
    attempts.push(`fetch(${String(args[0])})`);
    return Promise.reject(new Error("network blocked by the test: fetch"));
  });
  return () => {
    for (const s of spies) s.mockRestore();
    if (hadFetch) g.fetch = realFetch;
    else delete g.fetch;
  };
}

async function crm(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: (s) => void out.push(s),
    stderr: (s) => void err.push(s),
    stderrTTY: true, // progress bars on, so their code path runs too
    stdoutTTY: true,
    env: { LANG: "zh_CN.UTF-8" },
    today: () => AS_OF,
  };
  const restore = blockNetwork();
  try {
    commandsRun++;
    return { code: await main(argv, io), stdout: out.join(""), stderr: err.join("") };
  } finally {
    restore();
  }
}

describe("in-process: main() with the network blocked", () => {
  test("the spies see a real call (so silence below means something)", () => {
    const restore = blockNetwork();
    const before = attempts.length;
    try {
      expect(() => http.get("http://127.0.0.1:9/")).toThrow(/network blocked/);
      expect(() => new net.Socket().connect(9, "127.0.0.1")).toThrow(/network blocked/);
      expect(() => dns.lookup("example.com", () => undefined)).toThrow(/network blocked/);
    } finally {
      restore();
    }
    expect(attempts.length - before).toBe(3);
    attempts = attempts.slice(0, before);
  });

  test("validate, apply --report, review, mask, help and errors make no request", async () => {
    const runs = [
      await crm(["validate", book]),
      await crm(["validate", book, "--json", "--all"]),
      await crm(["apply", book, "--out", join(root, "a.xlsx"), "--report", join(root, "r.json")]),
      await crm(["apply", book, "--out", join(root, "a2.xlsx"), "--lang", "en"]),
      await crm(["review", book, "--json"]),
      await crm(["review", book, "--out", join(root, "review.xlsx")]),
      await crm(["mask", book, "--out", join(root, "m.xlsx")]),
      await crm(["--help"]),
      await crm(["apply", "--help"]),
      await crm(["validate", join(root, "missing.xlsx")]),
      await crm(["validate", book, "--as-of", "2024-02-30"]),
    ];
    expect(runs.map((r) => r.code)).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 2, 2]);
    expect(existsSync(join(root, "r.json"))).toBe(true);
    expect(attempts).toEqual([]);
  });
});

/** Preloaded into the child (node --require): blocks and logs every way out before the product loads. */
const GUARD = `"use strict";
const fs = require("fs");
const LOG = process.env.CRM_NET_LOG;
const note = (what) => { fs.appendFileSync(LOG, what + "\\n"); };
const block = (obj, key, label) => {
  if (!obj || typeof obj[key] !== "function") return;
  obj[key] = function () { note(label); throw new Error("network blocked: " + label); };
};
const net = require("net"), http = require("http"), https = require("https"), tls = require("tls"), dns = require("dns"), http2 = require("http2"), dgram = require("dgram");
block(net.Socket.prototype, "connect", "net.Socket#connect");
block(net, "connect", "net.connect");
block(net, "createConnection", "net.createConnection");
for (const [m, n] of [[http, "http"], [https, "https"]]) { block(m, "request", n + ".request"); block(m, "get", n + ".get"); }
block(tls, "connect", "tls.connect");
block(http2, "connect", "http2.connect");
block(dgram.Socket.prototype, "send", "dgram.Socket#send");
for (const k of ["lookup", "resolve", "resolve4", "resolve6", "resolveAny"]) { block(dns, k, "dns." + k); block(dns.promises, k, "dns.promises." + k); }
globalThis.fetch = function (u) { note("fetch " + u); return Promise.reject(new Error("network blocked: fetch")); };
fs.appendFileSync(LOG, "");
`;

describe("the real entry point in a child process: node bin/crm.js", () => {
  test("validate, apply --report, review and mask: exit codes as usual, nothing in the network log", () => {
    const guard = join(root, "net-guard.js");
    const log = join(root, "net.log");
    writeFileSync(guard, GUARD);
    const env = { ...process.env, CRM_NET_LOG: log, LANG: "en_US.UTF-8", NO_COLOR: "1", NODE_OPTIONS: `--require ${guard}` };
    const run = (args: string[]) => {
      commandsRun++;
      const r = spawnSync(process.execPath, [join(REPO, "bin", "crm.js"), ...args], { cwd: REPO, env, encoding: "utf8", timeout: 90_000 });
      return { status: r.status, stderr: r.stderr };
    };
    // The guard bites: a child that does try to connect is logged (then the log is emptied for the real runs).
    const probe = spawnSync(process.execPath, ["-e", "try { require('https').get('https://example.com/') } catch {} fetch('http://127.0.0.1:9/').catch(() => {})"], { env, encoding: "utf8", timeout: 30_000 });
    expect(probe.status).toBe(0);
    expect(readFileSync(log, "utf8").split("\n").filter((l) => l !== "")).toEqual(["https.get", "fetch http://127.0.0.1:9/"]);
    writeFileSync(log, "");
    const results = [
      run(["validate", book, "--json", "--as-of", AS_OF]),
      run(["apply", book, "--out", join(root, "child.xlsx"), "--report", join(root, "child.json"), "--as-of", AS_OF]),
      run(["review", book, "--json", "--as-of", AS_OF]),
      run(["mask", book, "--out", join(root, "child-m.xlsx")]),
    ];
    expect(results.map((r) => r.status)).toEqual([1, 1, 1, 0]);
    // The guard really loaded in each child (it creates the log), and nothing was logged.
    expect(existsSync(log)).toBe(true);
    const logged = readFileSync(log, "utf8").split("\n").filter((l) => l !== "");
    attempts.push(...logged);
    expect(logged).toEqual([]);
  });
});
