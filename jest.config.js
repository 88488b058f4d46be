/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Adds up the reliability figures the tests recorded into test/RELIABILITY.md (issue 8).
  globalSetup: "<rootDir>/test/reliability-setup.js",
  globalTeardown: "<rootDir>/test/reliability-report.js",
  // @fluentui/react-charts requires d3 packages that ship only as ES modules, which jest's CommonJS runtime
  // cannot load; each also ships a UMD build of the same code (dist/<name>.js), which it can.
  moduleNameMapper: {
    "^(d3-array|d3-axis|d3-color|d3-format|d3-hierarchy|d3-interpolate|d3-path|d3-sankey|d3-scale|d3-selection|d3-shape|d3-time|d3-time-format|internmap)$": "<rootDir>/node_modules/$1/dist/$1.js",
  },
  transform: {
    // Transpile only (isolatedModules in tsconfig.jest.json, diagnostics off): the type check is
    // `npm run typecheck`, which `npm test` runs first.
    "^.+\\.tsx?$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.jest.json", diagnostics: false }],
  },
};
