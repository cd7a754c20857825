"""Covers verify/_store.py, verify/_session.py and the run command's --jobs, --resume, --cache and --scheduler:
an interrupted run (SIGINT, SIGTERM) resumed gives the report of a run never interrupted; a cached rerun
verifies nothing; a changed claim is verified again; bad input is one line with exit status 2."""

import json
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from theory import InvalidArgument
from verify import run
from verify._store import Store, fingerprint

from .synthetic import statistical
from .commands import in_process

CLAIMS = """
[[claim]]
id = "user.relu.second_moment"
title = "E[relu(sZ)^2] = s^2/2"
kind = "statistical"
estimator = "gaussian_expectation"
integrand = "max(s*Z, 0)^2"
prediction = "s^2/2"
resolution = {resolution}
provenance = {{ source = "derived" }}

[claim.parameters]
s = {{ values = [0.5, 1.0], domain = [0, inf] }}

[[claim]]
id = "user.cos.characteristic_function"
title = "E[cos(wZ)] = exp(-w^2/2)"
kind = "exact"
estimator = "gaussian_expectation_quad"
integrand = "cos(w*Z)"
prediction = "exp(-w^2/2)"
resolution = 1e-20
provenance = {{ source = "derived" }}

[claim.parameters]
w = {{ values = [0.5, 1.0], domain = [-inf, inf] }}
"""


def _cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True, timeout=timeout)


def _claims(report):
    data = json.loads((report / "report.json").read_text())
    for c in data["claims"]:
        c.pop("seconds")
    return data["claims"]


# --- the store ---------------------------------------------------------------------------------------------------

def test_a_verdict_comes_back_from_the_store_only_for_the_same_claim_and_settings(tmp_path):
    claim = statistical()
    verdict = run((claim,), seed=4).verdicts[0]
    store = Store(tmp_path, option="--cache")
    store.put(verdict, beta=0.05, commit="abc")
    settings = dict(seed=4, budget="standard", rate=verdict.false_fail_rate, beta=0.05)
    back = store.get(claim, reused=True, **settings)
    assert back.outcome == verdict.outcome and back.looks[-1].estimate.value == verdict.looks[-1].estimate.value
    assert back.reused.commit == "abc" and back.claim is claim
    assert store.get(claim, reused=False, **settings).reused is None
    assert store.get(claim, reused=True, **{**settings, "seed": 5}) is None
    assert store.get(replace(claim, resolution=0.04), reused=True, **settings) is None
    assert fingerprint(claim) == fingerprint(statistical()) != fingerprint(replace(claim, resolution=0.04))


def test_a_corrupted_record_a_foreign_database_and_a_non_database_are_refused(tmp_path):
    claim = statistical()
    verdict = run((claim,), seed=4).verdicts[0]
    Store(tmp_path, option="--cache").put(verdict, beta=0.05, commit=None)
    with sqlite3.connect(tmp_path / "verdicts.sqlite") as db:
        payload = bytearray(db.execute("SELECT payload FROM verdicts").fetchone()[0])
        payload[len(payload) // 2] ^= 0xFF  # one flipped byte
        db.execute("UPDATE verdicts SET payload = ?", (bytes(payload),))
    with pytest.raises(InvalidArgument, match="checksum"):
        Store(tmp_path, option="--cache").get(claim, seed=4, budget="standard", rate=verdict.false_fail_rate,
                                              beta=0.05, reused=True)
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(InvalidArgument, match="belongs to something else"):
        Store(foreign, option="--cache")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(InvalidArgument, match="--cache"):
        Store(junk, option="--cache")
    assert junk.read_bytes() == b"not a database at all" * 100


# --- the command -------------------------------------------------------------------------------------------------

def test_a_cached_rerun_verifies_nothing_and_a_changed_resolution_only_that_claim(tmp_path):
    claims_file = tmp_path / "claims.toml"
    claims_file.write_text(CLAIMS.format(resolution=0.05))
    cache = tmp_path / "cache"
    args = ("run", "--claims-file", str(claims_file), "--jobs", "1", "--cache", str(cache))
    first = _cli(*args, "--report", str(tmp_path / "a"))
    assert first.returncode == 0, first.stderr
    second = _cli(*args, "--report", str(tmp_path / "b"))  # its time is measured by bench/bench_run.py
    assert second.returncode == 0 and "2 reused" in second.stdout
    assert _claims(tmp_path / "a") == [{**c, "reused": None} for c in _claims(tmp_path / "b")]
    reused = _claims(tmp_path / "b")
    assert all(c["reused"] and c["reused"]["decided"] for c in reused)
    assert [c["estimate"] for c in reused] == [c["estimate"] for c in _claims(tmp_path / "a")]
    claims_file.write_text(CLAIMS.format(resolution=0.04))
    third = _cli(*args, "--report", str(tmp_path / "c"))
    assert third.returncode == 0 and "1 reused" in third.stdout
    changed = {c["id"]: c["reused"] for c in _claims(tmp_path / "c")}
    assert changed == {"user.relu.second_moment": None, "user.cos.characteristic_function": changed[
        "user.cos.characteristic_function"]} and changed["user.cos.characteristic_function"]


#: a run of eight synthetic claims on two worker processes; the last one's estimator waits for the file GATE, so a
#: run without the file cannot finish before it is interrupted (after 5 minutes it goes on, so nothing hangs)
GATED = """
import os, sys, time, dataclasses, verify
from tests.verify.synthetic import statistical
GATE = sys.argv[1]

def gated(params, *, rng, n, dps=None):
    deadline = time.monotonic() + 300
    while not os.path.exists(GATE) and time.monotonic() < deadline:
        time.sleep(0.05)
    return FAST(params, rng=rng, n=n)

FAST = statistical().estimator
for i in range(7):
    verify.register(statistical(id=f"synthetic.fast{i}"))
verify.register(dataclasses.replace(statistical(id="synthetic.gated"), estimator=gated))
from verify._cli import main
sys.exit(main(["run", "--match", "synthetic.*", "--jobs", "2", "--seed", "3", "--quiet", *sys.argv[2:]]))
"""


def _gated(gate, *args):
    # a child inherits an ignored SIGINT (pytest-xdist's workers ignore it), and Python then leaves it ignored
    return subprocess.Popen([sys.executable, "-c", GATED, str(gate), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@pytest.fixture(scope="module")
def never_interrupted(tmp_path_factory):
    """The claims of the gated run, never interrupted (the gate open from the start)."""
    report = tmp_path_factory.mktemp("whole")
    gate = report / "gate"
    gate.touch()
    out, err = (whole := _gated(gate, "--report", str(report / "r"))).communicate(timeout=300)
    assert whole.returncode == 0, err
    return _claims(report / "r")


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_run_resumed_equals_a_run_never_interrupted(tmp_path, signum, status, never_interrupted):
    report, gate = tmp_path / "cut", tmp_path / "gate"
    proc = _gated(gate, "--report", str(report))
    store, decided, deadline = report / "verdicts.sqlite", 0, time.monotonic() + 240
    while decided < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if store.exists():
            try:
                with sqlite3.connect(store) as db:
                    decided = db.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0]
            except sqlite3.Error:
                pass
    assert decided >= 3 and proc.poll() is None, proc.communicate()[1]
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err
    partial = json.loads((report / "report.json").read_text())
    assert partial["run"]["interrupted"] and 3 <= len(partial["claims"]) < len(never_interrupted)
    assert "synthetic.gated" not in {c["id"] for c in partial["claims"]}
    with sqlite3.connect(store) as db:  # the interrupt may fall between a verdict's report entry and its record
        stored = db.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0]
    assert 3 <= stored <= len(partial["claims"]) + 1
    gate.touch()
    out, err = _gated(gate, "--report", str(report), "--resume").communicate(timeout=300)
    assert f"{stored} resumed" in out + err, err
    assert _claims(report) == never_interrupted


@pytest.mark.parametrize("extra, needle", [
    (("--jobs", "0"), "--jobs"), (("--jobs", "-2"), "--jobs"), (("--jobs", "two"), "--jobs"),
    (("--claim-timeout", "0"), "--claim-timeout"),
    (("--scheduler", "tcp://127.0.0.1:9"), "--scheduler"),
    (("--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"), "--scheduler"),
    (("--resume",), "--resume"),
])
def test_bad_run_options_are_one_line_with_exit_status_two(tmp_path, extra, needle):
    status, _, err = in_process("run", "--match", "gauss.relu.mean_derivative.mc", "--report", str(tmp_path / "r"),
                                *extra)
    assert status == 2 and needle in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "r" / "report.json").exists()


def test_a_cache_that_is_not_a_store_is_refused_and_left_alone(tmp_path):
    cache = tmp_path / "verdicts.sqlite"
    cache.write_text("my notes\n")
    out = _cli("run", "--match", "gauss.relu.mean_derivative.mc", "--report", str(tmp_path / "r"),
               "--cache", str(cache))
    assert out.returncode == 2 and "--cache" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert cache.read_text() == "my notes\n"
