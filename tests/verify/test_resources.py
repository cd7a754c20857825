"""Covers issue 22's bounded resources end to end: the worst claims file the documented limits allow runs under a
memory cap (``resource.setrlimit``) and completes, each claim decided or INCONCLUSIVE with a reason about
resources; never a FAIL, an internal error or a MemoryError.

The limits are those of the claims file (verify/_claims_file.py): 10 000 swept values, n_start up to 2**20, the
thorough budget (13 looks), n d and d m up to 10**7 for gradient_norms. Monte Carlo works in blocks under
``numerics.MC_CHUNK_BYTES`` and refuses more than ``numerics.MC_MAX_EVALUATIONS``; gradient_norms refuses work
beyond its cost bound; both before drawing.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: the address space the run may use: a few hundred MiB for Python, numpy, scipy and sympy, and the memory
#: bounds of the estimators (64 MiB blocks), with room for BLAS buffers
MEMORY_CAP = 3 << 30

WORST = """\
[[claim]]
id = "user.worst.sweep"
title = "the widest sweep at the most samples the file may ask for"
kind = "statistical"
estimator = "gaussian_expectation"
integrand = "max(s*Z, 0)^2"
prediction = "s^2/2"
resolution = 0.01
n_start = 1048576
provenance = { source = "observed" }

[claim.parameters]
s = { from = 0.5, to = 2, num = 10000 }

[[claim]]
id = "user.worst.gradient"
title = "the largest gradient problem the file may ask for"
kind = "interval"
estimator = "gradient_norms"
statistic = "S2/S1"
range = [0, "1/2"]
resolution = 0.05
n_start = 1048576
provenance = { source = "observed" }

[claim.parameters]
n = 3162
d = 3162
m = 3162
nu = 0.0

[[claim]]
id = "user.heavy.sweep"
title = "a sweep of 1000 values at 2**16 samples: about 0.5 GiB at once before blocks"
kind = "statistical"
estimator = "gaussian_expectation"
integrand = "max(s*Z, 0)^2"
prediction = "s^2/2"
resolution = 0.05
n_start = 65536
provenance = { source = "observed" }

[claim.parameters]
s = { from = 0.5, to = 2, num = 1000 }
"""


def _capped():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def test_the_worst_claims_file_the_limits_allow_completes_under_a_memory_cap(tmp_path):
    path = tmp_path / "worst.toml"
    path.write_text(WORST)
    out = tmp_path / "report"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-m", "verify", "run", "--claims-file", str(path), "--budget", "quick",
                           "--jobs", "1", "--report", str(out), "--quiet"], capture_output=True, text=True,
                          env=env, preexec_fn=_capped, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    claims = {c["id"]: c for c in json.loads((out / "report.json").read_text())["claims"]}
    for worst in ("user.worst.sweep", "user.worst.gradient"):
        assert claims[worst]["outcome"] == "INCONCLUSIVE" and "resources" in claims[worst]["reason"], claims[worst]
    assert claims["user.heavy.sweep"]["outcome"] == "PASS"
