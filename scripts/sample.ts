// The sample generator lives in src/sample.ts (crm init --sample uses it); the demo, tests and bench import it from here.
export * from "../src/sample";
