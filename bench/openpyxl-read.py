# A peer of the bench (bench/scenarios.ts, scenario openpyxlRead): openpyxl's read-only reader over a whole book,
# every row of every sheet, every cell value touched. Run with Debian's own interpreter, /usr/bin/python3
# (python3-openpyxl; scripts/setup.js installs it). Prints one JSON line:
#   {"ms": …, "rows": …, "cells": …, "peakMB": …, "startMB": …}
#       time from load_workbook to the last row; peak resident MiB; resident MiB before load_workbook
#   {"notInstalled": true, "error": "…"}
#       when openpyxl cannot be imported
#   /usr/bin/python3 bench/openpyxl-read.py book.xlsx
import json
import resource
import sys
import time


def main() -> None:
    path = sys.argv[1]
    try:
        import openpyxl
    except ImportError as e:
        print(json.dumps({"notInstalled": True, "error": str(e)}))
        return
    # ru_maxrss is in KiB on Linux.
    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = 0
    cells = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            rows += 1
            for v in row:
                if v is not None:
                    cells += 1
    wb.close()
    ms = (time.perf_counter() - t) * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"ms": ms, "rows": rows, "cells": cells, "peakMB": round(peak), "startMB": round(start), "version": openpyxl.__version__}))


if __name__ == "__main__":
    main()
