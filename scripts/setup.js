#!/usr/bin/env node
// Makes sure the Debian packages the tests need are installed (`npm run setup`; `npm test` runs it first).
// Each package is checked by a command it provides on PATH (a font package: by its font file, or by fc-list
// naming the font). When everything is there it prints nothing and
// exits 0 at once. Otherwise it installs the missing packages with apt-get — as root directly, else through
// passwordless `sudo -n` — and when neither is possible it prints the exact command to run and exits 1.
// Nothing is downloaded except through apt. Plain Node.js, no dependencies.
"use strict";

const { spawnSync } = require("child_process");
const { accessSync, constants, existsSync, statSync } = require("fs");
const { delimiter, join } = require("path");

/**
 * Debian package → how to tell it is installed: a command it puts on PATH, or (fonts) the font file it installs
 * or the family name fc-list reports. soffice: test/node re-opens the CLI's files; chromium + the CJK font:
 * test/e2e drives the built task pane in headless Chromium, whose Chinese labels must not render as tofu.
 */
const REQUIRED = [
  { pkg: "libreoffice-calc-nogui", command: "soffice" },
  { pkg: "chromium", command: "chromium" },
  { pkg: "fonts-wqy-zenhei", file: "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", font: "WenQuanYi Zen Hei" },
  // ../shared/tools/ooxml-check (schemas) and the real-world corpus test (every output read back by openpyxl):
  // Debian's own python3, whatever python3 is first on PATH.
  { pkg: "python3-lxml", python: "lxml" },
  { pkg: "python3-openpyxl", python: "openpyxl" },
  { pkg: "python3-xlsxwriter", python: "xlsxwriter" },
  // The review charts' test renders LibreOffice's PDF of the review sheets to images and looks for the charts' bars.
  { pkg: "poppler-utils", command: "pdftoppm" },
];

/** The full path of `command` on PATH (or a path to check directly), or null. */
function which(command) {
  const dirs = command.includes("/") ? [""] : (process.env.PATH || "").split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    const file = dir ? join(dir, command) : command;
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** Whether fontconfig knows a font family (fc-list lists it); false when fc-list itself is missing. */
function hasFont(family) {
  const r = spawnSync("fc-list", [":", "family"], { encoding: "utf8" });
  return r.status === 0 && typeof r.stdout === "string" && r.stdout.toLowerCase().includes(family.toLowerCase());
}

/** Whether a requirement is met. */
function present(r) {
  if (r.command) return which(r.command) !== null;
  if (r.python) return spawnSync("/usr/bin/python3", ["-c", `import ${r.python}`]).status === 0;
  return existsSync(r.file) || hasFont(r.font);
}

/** How a requirement is named in messages: "chromium (chromium)", "fonts-wqy-zenhei (font WenQuanYi Zen Hei)". */
function describe(r) {
  return `${r.pkg} (${r.command ? r.command : r.python ? `python module ${r.python}` : `font ${r.font}`})`;
}

function run(argv) {
  process.stderr.write(`setup: ${argv.join(" ")}\n`);
  const r = spawnSync(argv[0], argv.slice(1), { stdio: "inherit" });
  if (r.error) return 127;
  return r.status === null ? 1 : r.status;
}

function main() {
  const missing = REQUIRED.filter((r) => !present(r));
  if (missing.length === 0) return 0;

  const pkgs = missing.map((r) => r.pkg);
  const what = missing.map(describe).join(", ");
  const install = ["apt-get", "install", "-y", "--no-install-recommends", ...pkgs];
  const env = ["env", "DEBIAN_FRONTEND=noninteractive"];
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasSudo = which("sudo") !== null;
  const manual = hasSudo
    ? `sudo apt-get update && sudo ${env.join(" ")} ${install.join(" ")}`
    : `su -c '${["apt-get", "update"].join(" ")} && ${env.join(" ")} ${install.join(" ")}'`;

  if (which("apt-get") === null) {
    process.stderr.write(`setup: missing ${what}, and apt-get is not available (not Debian?); install them with your system's package manager, then re-run npm test\n`);
    return 1;
  }
  let prefix;
  if (isRoot) prefix = [];
  else if (hasSudo && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0) prefix = ["sudo", "-n"];
  else {
    process.stderr.write(`setup: missing ${what}; install with: ${manual}\n`);
    return 1;
  }

  process.stderr.write(`setup: installing ${pkgs.join(" ")} with apt-get\n`);
  let status = run([...prefix, "apt-get", "update"]);
  if (status === 0) status = run([...prefix, ...env, ...install]);
  if (status !== 0) {
    process.stderr.write(`setup: apt-get failed (exit ${status}); ${what} still missing; install with: ${manual}\n`);
    return 1;
  }
  const still = REQUIRED.filter((r) => !present(r));
  if (still.length > 0) {
    process.stderr.write(`setup: apt-get installed ${pkgs.join(" ")} but ${still.map(describe).join(", ")} is still not found (PATH ${process.env.PATH || ""})\n`);
    return 1;
  }
  return 0;
}

// Run as `node scripts/setup.js`; the tests only borrow `which`.
if (require.main === module) process.exitCode = main();

module.exports = { which };
