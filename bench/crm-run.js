// One `crm` command as users run it (`npx crm` → bin/crm.js → the compiled lib/), in this process alone, with its
// time and the process's peak resident memory printed as one JSON line. The bench's scenarios run under ts-node,
// whose TypeScript compiler is itself about 180 MB and compiles the product's sources inside the timed run.
//   node bench/crm-run.js validate|apply FILE AS_OF
"use strict";
const { main } = require("../lib/cli/cli");

const [command, file, asOf] = process.argv.slice(2);
const startMB = Math.round(process.resourceUsage().maxRSS / 1024);
let err = "";
// stdout dropped (validate --json of a million rows is 380 MB of text); stderr kept for a failure's message.
const io = { stdout: () => undefined, stderr: (s) => void (err += s), stdoutTTY: false, stderrTTY: false, env: {}, today: () => asOf };
const args = command === "validate" ? ["validate", file, "--as-of", asOf, "--json"] : [command, file, "--out", `${file}.${command}.xlsx`, "--as-of", asOf];
const t = performance.now();
main(args, io).then(
  (code) => {
    const ms = performance.now() - t;
    if (code === 2) {
      process.stderr.write(`crm ${args.join(" ")}: ${err}\n`);
      process.exit(1);
    }
    process.stdout.write(`${JSON.stringify({ command, ms, exit: code, startMB, peakMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
  },
  (e) => {
    process.stderr.write(`${(e && e.stack) || e}\n`);
    process.exit(1);
  },
);
