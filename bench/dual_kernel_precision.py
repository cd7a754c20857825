"""Benchmark: theory.dual_kernel ("auto": series where its bound meets dps, else 2-D quadrature)
against the old fixed-order series (method="series"), per activation, dps and rho.

Run: OMP_NUM_THREADS=1 python bench/dual_kernel_precision.py [--quick]
Writes bench/results/dual_kernel_precision.json (gitignored) and prints a table.
"""

from __future__ import annotations

import json
import pathlib
import sys
import time

import mpmath

import theory

NAMES = ("gelu", "tanh", "softplus", "silu", "elu", "sigmoid")
DPS = (15, 30, 50)
RHOS = (0.3, 0.97)
SCALE = 1.0


def _time(name, r, dps, method):
    start = time.perf_counter()
    k = theory.dual_kernel(name, r, scale=SCALE, dps=dps, method=method)
    return time.perf_counter() - start, k


def main(quick: bool) -> list[dict]:
    rows = []
    names, dpss = (("tanh", "elu"), (15, 30)) if quick else (NAMES, DPS)
    for name in names:
        for dps in dpss:
            for r in RHOS:
                t_old, old = _time(name, r, dps, "series")
                t_new, new = _time(name, r, dps, "auto")
                rows.append(dict(activation=name, dps=dps, rho=r, scale=SCALE,
                                 series_s=round(t_old, 3), series_error=float(old.error),
                                 auto_s=round(t_new, 3), auto_error=float(new.error),
                                 auto_method=new.method.split(" (")[0],
                                 difference=float(abs(new.value - old.value))))
                row = rows[-1]
                print(f"{name:9s} dps={dps:2d} rho={r:5.2f}  series {row['series_s']:7.2f}s"
                      f" err {row['series_error']:8.1e} | auto {row['auto_s']:7.2f}s err {row['auto_error']:8.1e}"
                      f"  {row['auto_method'][:24]}", flush=True)
    return rows


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    with mpmath.workdps(15):
        result = main(quick)
    out = pathlib.Path(__file__).parent / "results" / "dual_kernel_precision.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"quick": quick, "rows": result}, indent=1))
    print(f"wrote {out}")
