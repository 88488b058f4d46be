// JSON too large for one JavaScript string, written piece by piece. A million customers' report (`crm apply
// --report`) is well over a gigabyte of text, while V8 holds at most about 512 million characters in a string:
// built whole with JSON.stringify it failed after all the work was done, and its objects alone took gigabytes.
import { closeSync, openSync, writeSync } from "fs";

/** A list whose items are made one at a time, as they are written (`at(i)`), and let go after. */
export class Items<T> {
  constructor(
    readonly length: number,
    readonly at: (i: number) => T,
  ) {}
}

/**
 * Writes exactly what `JSON.stringify(object, null, 2)` would, with every `Items` member written as the array of
 * its items: each item is made, written and dropped before the next.
 */
export function writeJsonPieces(write: (s: string) => void, object: Record<string, unknown>): void {
  // JSON.stringify leaves out members that are undefined, functions or symbols.
  const keys = Object.keys(object).filter((k) => {
    const v = object[k];
    return v !== undefined && typeof v !== "function" && typeof v !== "symbol";
  });
  if (keys.length === 0) return write("{}");
  write("{");
  keys.forEach((k, n) => {
    const v = object[k];
    write(`${n > 0 ? "," : ""}\n  ${JSON.stringify(k)}: `);
    if (!(v instanceof Items)) return write(indent(JSON.stringify(v, null, 2), "\n  "));
    if (v.length === 0) return write("[]");
    write("[");
    for (let i = 0; i < v.length; i++) {
      // An item JSON cannot show (undefined, a function) is null in an array.
      write(`${i > 0 ? "," : ""}\n    ${indent(JSON.stringify(v.at(i), null, 2) ?? "null", "\n    ")}`);
    }
    write("\n  ]");
  });
  write("\n}");
}

/** JSON text has no raw line breaks inside its strings (they are escaped), so every one starts a line to indent. */
function indent(json: string, newline: string): string {
  return json.includes("\n") ? json.replace(/\n/g, newline) : json;
}

/**
 * Writes `writeJsonPieces`'s text (and a final line break) to a file, in writes of about 16,000 characters: a
 * larger piece is a string V8 keeps outside its young generation, where pieces pile up until a full collection.
 */
export function writeJsonFile(file: string, object: Record<string, unknown>): void {
  const fd = openSync(file, "w");
  try {
    let held: string[] = [];
    let size = 0;
    const flush = () => {
      if (held.length > 0) writeSync(fd, held.join(""));
      held = [];
      size = 0;
    };
    writeJsonPieces((s) => {
      held.push(s);
      size += s.length;
      if (size >= 1 << 14) flush();
    }, object);
    held.push("\n");
    flush();
  } finally {
    closeSync(fd);
  }
}
