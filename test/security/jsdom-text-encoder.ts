// jsdom (jest-environment-jsdom 29) has no TextEncoder, which the fake Excel uses to measure payloads.
// Imported first by the jsdom tests that run the fake Excel.
import { TextDecoder, TextEncoder } from "util";

const g = globalThis as { TextEncoder?: unknown; TextDecoder?: unknown };
if (typeof g.TextEncoder === "undefined") g.TextEncoder = TextEncoder;
if (typeof g.TextDecoder === "undefined") g.TextDecoder = TextDecoder;
