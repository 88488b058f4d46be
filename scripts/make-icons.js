#!/usr/bin/env node
// Writes the add-in's icons with only Node built-ins (zlib and a small PNG encoder below):
//   assets/icon-{16,32,64,80}.png           the add-in (IconUrl 32, HighResolutionIconUrl 64) and the ribbon group
//   assets/<button>-{16,32,80}.png          one icon per ribbon button, the sizes the ribbon asks for
// Design: a rounded square in a colour of its own per button with a white glyph, no text (the ribbon shows the
// label beside it). The app icon: Fluent blue with three ascending bars.
// Usage: node scripts/make-icons.js   (the PNGs are committed; re-run only to change the design)
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const WHITE = [0xff, 0xff, 0xff];

// ---- shape helpers, unit coordinates (0..1, y down) ----
/** Inside the rounded square background. */
function inBackground(x, y) {
  const r = 0.18;
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
/** Distance from (x, y) to the segment a–b. */
function segDist(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}
/** On a thick polyline through `pts`. */
function onStroke(x, y, pts, width) {
  for (let i = 1; i < pts.length; i++) if (segDist(x, y, pts[i - 1], pts[i]) <= width / 2) return true;
  return false;
}
/** Inside the polygon `pts` (even-odd). */
function inPolygon(x, y, pts) {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i], [xj, yj] = pts[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
const inCircle = (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const inRect = (x, y, l, t, r, b) => x >= l && x < r && y >= t && y < b;

// ---- the icons: background colour and glyph (true where white) ----
const ICONS = {
  // The add-in and the ribbon group: three ascending bars (a small chart).
  icon: {
    bg: [0x0f, 0x6c, 0xbd],
    glyph: (x, y) => inRect(x, y, 0.2, 0.58, 0.36, 0.8) || inRect(x, y, 0.42, 0.4, 0.58, 0.8) || inRect(x, y, 0.64, 0.22, 0.8, 0.8),
  },
  // 校验 Validate: a check mark.
  validate: {
    bg: [0x10, 0x7c, 0x10],
    glyph: (x, y) => onStroke(x, y, [[0.22, 0.52], [0.42, 0.72], [0.78, 0.3]], 0.14),
  },
  // 应用标签 Apply tags: a price tag with its hole.
  "apply-tags": {
    bg: [0x88, 0x17, 0x98],
    glyph: (x, y) =>
      inPolygon(x, y, [[0.2, 0.2], [0.52, 0.2], [0.82, 0.5], [0.52, 0.8], [0.2, 0.48]]) && !inCircle(x, y, 0.34, 0.34, 0.065),
  },
  // 标记流失风险 Highlight churn risk: a warning triangle with an exclamation mark.
  "highlight-risk": {
    bg: [0xc5, 0x0f, 0x1f],
    glyph: (x, y) =>
      inPolygon(x, y, [[0.5, 0.16], [0.86, 0.82], [0.14, 0.82]]) &&
      !(inRect(x, y, 0.455, 0.38, 0.545, 0.63) || inCircle(x, y, 0.5, 0.715, 0.05)),
  },
  // 生成复盘 Build review: a pie chart with a slice taken out.
  "build-review": {
    bg: [0x00, 0x78, 0x7a],
    glyph: (x, y) => {
      const inPie = inCircle(x, y, 0.47, 0.53, 0.3) && !(x > 0.47 && y < 0.53);
      const inSlice = inCircle(x, y, 0.53, 0.47, 0.3) && x > 0.55 && y < 0.45;
      return inPie || inSlice;
    },
  },
  // 移除 CRM 结果 Remove CRM output: a bin.
  "remove-output": {
    bg: [0x60, 0x5e, 0x5c],
    glyph: (x, y) =>
      inRect(x, y, 0.2, 0.24, 0.8, 0.33) ||
      inRect(x, y, 0.4, 0.16, 0.6, 0.25) ||
      (inPolygon(x, y, [[0.26, 0.37], [0.74, 0.37], [0.69, 0.84], [0.31, 0.84]]) &&
        !(inRect(x, y, 0.38, 0.45, 0.45, 0.76) || inRect(x, y, 0.55, 0.45, 0.62, 0.76))),
  },
  // 打开面板 Show task pane: a window with a pane docked on the right.
  "show-taskpane": {
    bg: [0xca, 0x50, 0x10],
    glyph: (x, y) =>
      (inRect(x, y, 0.16, 0.2, 0.84, 0.8) && !inRect(x, y, 0.24, 0.32, 0.56, 0.72)) || false,
  },
};

function png(size, { bg, glyph }) {
  const SS = 4; // 4×4 supersampling for smooth edges
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let py = 0; py < size; py++) {
    raw[py * (size * 4 + 1)] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      let a = 0, r = 0, g = 0, b = 0;
      for (let sy = 0; sy < SS; sy++)
        for (let sx = 0; sx < SS; sx++) {
          const x = (px + (sx + 0.5) / SS) / size;
          const y = (py + (sy + 0.5) / SS) / size;
          if (!inBackground(x, y)) continue;
          const c = glyph(x, y) ? WHITE : bg;
          a++; r += c[0]; g += c[1]; b += c[2];
        }
      const o = py * (size * 4 + 1) + 1 + px * 4;
      if (a) { raw[o] = Math.round(r / a); raw[o + 1] = Math.round(g / a); raw[o + 2] = Math.round(b / a); }
      raw[o + 3] = Math.round((255 * a) / (SS * SS));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const outDir = path.join(__dirname, "..", "assets");
fs.mkdirSync(outDir, { recursive: true });
for (const [name, design] of Object.entries(ICONS)) {
  for (const size of name === "icon" ? [16, 32, 64, 80] : [16, 32, 80]) {
    const file = path.join(outDir, `${name}-${size}.png`);
    fs.writeFileSync(file, png(size, design));
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}
