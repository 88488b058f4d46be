// jest globalTeardown: writes test/RELIABILITY.md from the figures the reliability tests recorded in this run
// (test/reliability.ts). Runs only after a full run (a partial run would under-count), i.e. when every suite ran.
const { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } = require("fs");
const { join } = require("path");

module.exports = async function reliabilityReport(globalConfig) {
  const DIR = process.env.CRM_RELIABILITY_DIR;
  if (!DIR || !existsSync(DIR)) return;
  const files = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();
  const figures = files.map((f) => JSON.parse(readFileSync(join(DIR, f), "utf8")));
  // Only a whole-suite run (no path filter, no -t) writes the committed file.
  const whole = !globalConfig.testNamePattern && (globalConfig.testPathPattern ?? "") === "" && !globalConfig.onlyChanged;
  rmSync(DIR, { recursive: true, force: true });
  if (!whole || figures.length === 0) return;
  const groups = [...new Set(figures.map((f) => f.group))];
  const n = (x) => x.toLocaleString("en-US");
  const lines = [
    "# Reliability figures",
    "",
    `Written by the test run (\`npm test\`) on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC from what the tests tried; nothing here is typed in.`,
    "Target for every \"failed\" column: 0 (no crash or hang, no user cell lost or changed, nothing leaked).",
    "",
  ];
  for (const g of groups) {
    const rows = figures.filter((f) => f.group === g);
    lines.push(`## ${g}`, "", "| tried | count | failed | where |", "|---|---:|---:|---|");
    for (const f of rows) lines.push(`| ${f.what} | ${n(f.tried)} | ${n(f.failed)} | ${f.where} |`);
    lines.push("");
  }
  const tried = figures.reduce((s, f) => s + f.tried, 0);
  const failed = figures.reduce((s, f) => s + f.failed, 0);
  lines.push(`**Total: ${n(tried)} tried, ${n(failed)} failed.**`, "");
  writeFileSync(join(__dirname, "RELIABILITY.md"), lines.join("\n"));
};
