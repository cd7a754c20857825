"""Measure how long each family's claims take, as the README states it, and record it in ``docs/timings.json``.

For every family (the first part of a claim id) this runs, in a fresh process, exactly what the README shows:
``python -m verify run --match 'FAMILY.*' --jobs N --quiet`` (standard budget, seed 0, a fresh report directory,
no cache) and times the whole command, start-up and report included. The README's "about N s on 2 cores" for a
family is ``about(seconds)`` of this file, and ``tests/test_readme.py`` checks both that and that the file's claim
counts are the registry's: when claims are added or removed, the test fails until this is run again.

    python bench/family_timings.py [--jobs 2] [--out docs/timings.json] [--family lowrank ...]

Run it on a quiet machine: the numbers are wall-clock times, and anything else running inflates them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def about(seconds: float) -> int:
    """The README's rounding of a measured time: to 1 s below 10 s, to 5 s below 100 s, else to 10 s."""
    step = 1 if seconds < 10 else 5 if seconds < 100 else 10
    return max(step, int(round(seconds / step)) * step)


def _commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    return (out.stdout.strip() or "unknown") + (" (dirty)" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "docs" / "timings.json"))
    parser.add_argument("--family", action="append", help="only these families (default: all); others are kept")
    args = parser.parse_args(argv)

    import verify

    counts: dict[str, int] = {}
    for claim in verify.select("*"):
        family = claim.id.split(".")[0]
        counts[family] = counts.get(family, 0) + 1
    out = Path(args.out)
    record = json.loads(out.read_text()) if out.exists() and args.family else {"families": {}}
    for family in args.family or sorted(counts):
        if family not in counts:
            parser.error(f"--family: no claim is in a family {family!r}; families: {', '.join(sorted(counts))}")
        with tempfile.TemporaryDirectory() as report:
            command = [sys.executable, "-m", "verify", "run", "--match", f"{family}.*", "--jobs", str(args.jobs),
                       "--quiet", "--report", report]
            t0 = time.perf_counter()
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            seconds = time.perf_counter() - t0
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            sys.stderr.write(f"{family}: exit status {done.returncode}; not recorded\n")
            return 1
        record["families"][family] = {"claims": counts[family], "seconds": round(seconds, 1),
                                      "readme": f"about {about(seconds)} s"}
        print(f"{family:10s} {counts[family]:4d} claims  {seconds:7.1f} s  (README: about {about(seconds)} s)",
              flush=True)
    record.update({"command": "python -m verify run --match 'FAMILY.*' --jobs N --quiet (whole command, timed)",
                   "jobs": args.jobs, "cores": os.cpu_count(), "machine": f"{platform.machine()}, "
                   f"{platform.system()}, Python {platform.python_version()}", "commit": _commit(),
                   "measured": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                   "regenerate": "python bench/family_timings.py"})
    out.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
