// @fluentui/react-charts (CommonJS build) requires d3 packages that ship as ES modules only, which jest's
// CommonJS runtime cannot load. Each such d3 package also ships a UMD build of the same code (dist/<name>.js):
// importing this file first points jest at those. The charts themselves are the real ones.
import path from "path";

const ROOT = path.resolve(__dirname, "../..");
const ESM_ONLY = ["d3-array", "d3-axis", "d3-color", "d3-format", "d3-hierarchy", "d3-interpolate", "d3-path", "d3-scale", "d3-selection", "d3-shape", "d3-time", "internmap"];

for (const name of ESM_ONLY) {
  const umd = path.join(ROOT, "node_modules", name, "dist", `${name}.js`);
  jest.mock(name, () => jest.requireActual(umd));
}

export {};

// jsdom lays nothing out: the charts measure text and observe their size. Stand-ins with plausible sizes.
if (typeof window !== "undefined") {
  const w = window as unknown as { ResizeObserver?: unknown; SVGElement: { prototype: Record<string, unknown> } };
  if (!w.ResizeObserver) {
    w.ResizeObserver = class {
      observe(): void {}
      unobserve(): void {}
      disconnect(): void {}
    };
  }
  const svg = w.SVGElement.prototype;
  if (!svg.getComputedTextLength) svg.getComputedTextLength = function (this: Element) { return (this.textContent ?? "").length * 7; };
  if (!svg.getBBox) svg.getBBox = function (this: Element) { return { x: 0, y: 0, width: (this.textContent ?? "").length * 7, height: 14 }; };
}
