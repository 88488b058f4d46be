/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Adds up the reliability figures the tests recorded into test/RELIABILITY.md (issue 8).
  globalSetup: "<rootDir>/test/reliability-setup.js",
  globalTeardown: "<rootDir>/test/reliability-report.js",
  transform: {
    // Transpile only (isolatedModules in tsconfig.jest.json, diagnostics off): the type check is
    // `npm run typecheck`, which `npm test` runs first.
    "^.+\\.tsx?$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.jest.json", diagnostics: false }],
  },
};
