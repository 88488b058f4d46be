#!/usr/bin/env node
// `crm` from a checkout: compiles the TypeScript sources on the fly (ts-node, no type check: `npm test` does that).
"use strict";
const path = require("path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
const { main } = require("../src/cli/cli");
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    process.stderr.write(`crm: ${e && e.message ? e.message : e}\n`);
    process.exitCode = 2;
  },
);
