// The dashboard's charts in jsdom (the real @fluentui/react-charts; jest.config.js maps their ES-module-only d3
// dependencies to d3's UMD builds).
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
