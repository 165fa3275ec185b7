"""Run one command and report its wall time and peak RSS:
``python -m bench.child_usage REPORT COMMAND [ARGUMENT ...]`` writes ``{"seconds", "peak_rss_kb",
"returncode"}`` to the file REPORT as JSON; the command's output goes where this process's goes.

The kernel's peak RSS of a child (``ru_maxrss`` from ``wait4``) is at least that of the process it was
forked from: a process started directly by the benchmark, which has the app loaded, would report the
benchmark's memory instead of its own. Started from this small process, the figure is the command's.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> int:
    report, *command = argv
    started = time.perf_counter()
    pid = os.posix_spawnp(command[0], command, os.environ)
    _pid, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    returncode = os.waitstatus_to_exitcode(status)
    with open(report, "w", encoding="utf-8") as file:
        json.dump(
            {"seconds": seconds, "peak_rss_kb": usage.ru_maxrss, "returncode": returncode}, file
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
