// The command line run in-process with its output captured (tests of every face that calls `main`).
import { main, type CliIO } from "../../src/cli/cli";
import { AS_OF } from "./messy-book";

export interface MemoryIO extends CliIO {
  out: string;
  err: string;
}

/** A CliIO that keeps stdout and stderr, not a terminal, in the given language, "today" fixed. */
export function memoryIO(lang: "zh" | "en" = "zh", today = AS_OF): MemoryIO {
  const io: MemoryIO = {
    out: "",
    err: "",
    stdout: (s) => void (io.out += s),
    stderr: (s) => void (io.err += s),
    stderrTTY: false,
    stdoutTTY: false,
    env: { LANG: lang === "zh" ? "zh_CN.UTF-8" : "en_US.UTF-8" },
    today: () => today,
  };
  return io;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `crm …` with its exit code and output. */
export async function runCrm(argv: string[], lang: "zh" | "en" = "zh"): Promise<Run> {
  const io = memoryIO(lang);
  const code = await main(argv, io);
  return { code, stdout: io.out, stderr: io.err };
}
