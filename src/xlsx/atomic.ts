// Every file the product writes goes through here: the bytes go to a temporary file in the destination's own
// folder (so the rename cannot cross file systems), are flushed to the disk, and only then replace the
// destination. A failure at any point (disk full, permission, a part we cannot edit) leaves no half-written
// file and no temporary file behind.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync } from "fs";
import { basename, dirname, join, resolve } from "path";

/** Writes `out` by calling `write` on a temporary path beside it, then fsync and rename into place. */
export async function writeAtomic(out: string, write: (tmp: string) => Promise<void> | void): Promise<void> {
  const dir = dirname(resolve(out));
  const tmp = join(dir, `.${basename(out)}.${process.pid}.tmp`);
  try {
    await write(tmp);
    flush(tmp);
    renameSync(tmp, out);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing was written */
    }
    throw e;
  }
  // The rename itself reaches the disk with the folder's entry; some file systems refuse to open a folder.
  try {
    flush(dir);
  } catch {
    /* best effort */
  }
}

function flush(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
