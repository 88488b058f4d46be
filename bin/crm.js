#!/usr/bin/env node
// `crm`: runs the compiled command line in lib/ (`npm run build:cli`, run by `npm install` through `prepare` and
// before `npm pack`). Plain JavaScript: no TypeScript compiler at run time.
"use strict";
let cli;
try {
  cli = require("../lib/cli/cli");
} catch (e) {
  if (!e || e.code !== "MODULE_NOT_FOUND" || !String(e.message).includes("lib/cli/cli")) throw e;
  process.stderr.write("crm: lib/ is missing: run `npm run build:cli` in the checkout (npm install does it) · 未找到 lib/，请先运行 npm run build:cli\n");
  process.exit(2);
}
cli.main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    process.stderr.write(`crm: ${e && e.message ? e.message : e}\n`);
    process.exitCode = 2;
  },
);
