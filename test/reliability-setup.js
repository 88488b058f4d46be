// jest globalSetup: a folder of this run's own for the reliability figures (test/reliability.ts); workers inherit
// the variable, and the teardown (test/reliability-report.js) reads and removes only this folder.
const { join } = require("path");

module.exports = async function reliabilitySetup() {
  process.env.CRM_RELIABILITY_DIR = join(__dirname, "..", "test-artifacts", "reliability", `${process.pid}-${Date.now()}`);
};
