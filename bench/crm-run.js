// One `crm` command as users run it (`npx crm` → bin/crm.js → the compiled lib/), in this process alone, with its
// time and the process's peak resident memory printed as one JSON line. The bench's scenarios run under ts-node,
// whose TypeScript compiler is itself about 180 MB and compiles the product's sources inside the timed run.
//   node bench/crm-run.js validate|apply FILE AS_OF
// apply's --json line (small: its summary and what it did with the history sheet) is kept and its `history` printed.
"use strict";
const { main } = require("../lib/cli/cli");

const [command, file, asOf] = process.argv.slice(2);
const startMB = Math.round(process.resourceUsage().maxRSS / 1024);
let err = "";
// validate's stdout dropped (--json of a million rows is 380 MB of text); stderr kept for a failure's message.
let out = "";
const io = { stdout: (s) => void (command === "apply" && (out += s)), stderr: (s) => void (err += s), stdoutTTY: false, stderrTTY: false, env: {}, today: () => asOf };
const args = command === "validate" ? ["validate", file, "--as-of", asOf, "--json"] : [command, file, "--out", `${file}.${command}.xlsx`, "--as-of", asOf, "--json"];
const t = performance.now();
main(args, io).then(
  (code) => {
    const ms = performance.now() - t;
    if (code === 2) {
      process.stderr.write(`crm ${args.join(" ")}: ${err}\n`);
      process.exit(1);
    }
    const history = out ? JSON.parse(out).history : undefined;
    process.stdout.write(`${JSON.stringify({ command, ms, exit: code, startMB, peakMB: Math.round(process.resourceUsage().maxRSS / 1024), history })}\n`);
  },
  (e) => {
    process.stderr.write(`${(e && e.stack) || e}\n`);
    process.exit(1);
  },
);
