"""Covers verify/_cli.py and verify/__main__.py: exit statuses, one-line errors, reproducibility."""

import json
import subprocess
import sys

import pytest

from .commands import in_process


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_list_shows_claims_with_kind_and_provenance():
    out = _cli("list", "--match", "gauss.relu")
    assert out.returncode == 0
    assert "gauss.relu.mean_derivative.mc" in out.stdout and "statistical" in out.stdout and "derived" in out.stdout


def test_show_prints_the_formula_and_domain():
    out = _cli("show", "gauss.erf.second_moment.quad")
    assert out.returncode == 0 and "asin" in out.stdout and "(0, inf)" in out.stdout


def test_run_writes_reports_and_exits_zero_and_same_seed_gives_same_numbers(tmp_path):
    reports = []
    for name, jobs in (("a", "1"), ("b", "2")):  # in process, then on a pool of 2: the same numbers
        out = _cli("run", "--match", "gauss.relu.mean_derivative", "--seed", "3", "--report", str(tmp_path / name),
                   "--jobs", jobs)
        assert out.returncode == 0, out.stderr
        assert "PASS" in out.stdout and "[2/2]" in out.stderr  # verdict table and progress
        reports.append(json.loads((tmp_path / name / "report.json").read_text()))
        assert (tmp_path / name / "report.md").exists() and (tmp_path / name / "discrepancies.png").exists()
    strip = lambda r: [{k: v for k, v in c.items() if k != "seconds"} for c in r["claims"]]  # noqa: E731
    assert strip(reports[0]) == strip(reports[1])
    assert reports[0]["run"]["seed"] == 3


def test_a_failing_claim_gives_exit_status_one(tmp_path):
    # a user-registered claim whose prediction (2.0) is far from its estimator's truth (1.0)
    code = ("import sys, dataclasses, verify\n"
            "from tests.verify.synthetic import statistical\n"
            "verify.register(statistical(predicted=(2.0,), id='synthetic.wrong'))\n"
            "from verify._cli import main\n"
            f"sys.exit(main(['run', '--match', 'synthetic', '--jobs', '1', '--report', {str(tmp_path)!r},"
            " '--quiet']))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "FAIL" in out.stdout


@pytest.mark.parametrize("args,needle", [
    (["show", "gauss.relu.muu"], "unknown claim id 'gauss.relu.muu'"),
    (["run", "--match", "gauss.[relu"], "`pattern` must be"),
    (["run", "--match", "nothing.*"], "matching at least one claim"),
    (["run", "--seed", "-1"], "--seed must be a non-negative integer, got '-1'"),
    (["run", "--seed", "abc"], "--seed must be a non-negative integer"),
    (["run", "--seed", "\u0663"], "--seed must be a non-negative integer"),
    (["run", "--budget", "huge"], "invalid choice: 'huge'"),
    (["run", "--match", "gauss.relu.mean_derivative.mc", "--set", "s=-1"], "`s` must be in (0, inf), got -1.0"),
    (["run", "--match", "gauss.leaky_relu", "--set", "slope=3"], "`slope` must be in [0, 1], got 3.0"),
    (["run", "--set", "beta=1"], "`--set parameter` must be a parameter of the selected claims"),
    (["run", "--set", "s=abc"], "--set takes NAME=NUMBER"),
    (["run", "--false-fail-rate", "2"], "--false-fail-rate must be a probability"),
    (["run", "--match", "gauss.leaky_relu", "--set", "slope=0.3,0.5"], "`slope` must be a single number"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_bad_input_is_one_line_and_exit_two(args, needle, tmp_path):
    """In this process (``main``, what ``python -m verify`` calls; the test below runs one case as a command)."""
    status, _, err = in_process(*args, "--report", str(tmp_path)) if args[0] == "run" else in_process(*args)
    assert status == 2
    assert needle in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_bad_input_to_the_command_is_one_line_and_exit_two(tmp_path):
    out = _cli("run", "--seed", "-1", "--report", str(tmp_path))
    assert out.returncode == 2 and "--seed must be a non-negative integer, got '-1'" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr, out.stderr



def test_set_overrides_a_parameter_in_the_report(tmp_path):
    out = _cli("run", "--match", "gauss.relu.mean_derivative.quad", "--set", "s=0.5,2", "--jobs", "1",
               "--report", str(tmp_path))
    assert out.returncode == 0, out.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["claims"][0]["parameters"]["s"] == [0.5, 2.0]


def test_unwritable_report_directory_is_refused_before_any_work():
    out = _cli("run", "--match", "gauss.relu", "--report", "/proc/verify-report")
    assert out.returncode == 2 and "`--report` must be a writable directory" in out.stderr
    assert "Traceback" not in out.stderr and "[1/" not in out.stderr


def test_a_closed_pipe_is_not_an_internal_error():
    with subprocess.Popen([sys.executable, "-m", "verify", "list"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as proc:  # the context closes both pipes
        proc.stdout.readline()
        proc.stdout.close()
        stderr = proc.stderr.read().decode()
        proc.wait(timeout=60)
    assert "internal error" not in stderr and "Traceback" not in stderr
