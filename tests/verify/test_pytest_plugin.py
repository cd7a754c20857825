"""Covers verify/_pytest_plugin.py: ``pytest --claims`` collects registered claims as test items.

Runs are in-process (``pytester.runpytest``), on cheap claims; claims a test
registers in its conftest are removed from the shared registry afterwards.
"""

import pytest

import verify
from verify import _registry

pytest_plugins = ["pytester"]

CHEAP = "gauss.relu.mean_derivative.mc"  # PASS at the standard budget in about 0.1 s
NO_CACHE = ("-p", "no:cacheprovider")

# A claim 10% off the truth, and one whose resolution no quick budget reaches.
USER_CLAIMS = f"""
import dataclasses
import verify

base = verify.get("{CHEAP}")


def ten_percent_off(values, *, dps):
    return tuple(p * 11 / 10 for p in base.prediction(values, dps=dps))


verify.register(dataclasses.replace(base, id="user.wrong.x", prediction=ten_percent_off), replace=True)
verify.register(dataclasses.replace(base, id="user.tiny.x", resolution=1e-5), replace=True)
"""

CLAIMS_FILE = """
[[claim]]
id = "user.file.relu_second_moment"
title = "E[relu(sZ)^2] = s^2/2"
kind = "statistical"
estimator = "gaussian_expectation"
integrand = "max(s*Z, 0)^2"
prediction = "s^2/2"
resolution = 0.05
provenance = { source = "derived", note = "half of E[(sZ)^2]" }
parameters = { s = { value = 1.0, domain = [0, inf] } }
"""


@pytest.fixture
def user_claims(pytester):
    """A conftest registering user.wrong.x and user.tiny.x; the registry is restored afterwards."""
    saved = {c.id: c for c in _registry.claims()}  # claims() first loads the built-in catalogue (lazy)
    pytester.makeconftest(USER_CLAIMS)
    yield
    _registry._CLAIMS.clear()
    _registry._CLAIMS.update(saved)


def _evidence(reprec, claim_id):
    (report,) = [r for r in reprec.getreports("pytest_runtest_logreport")
                 if r.when == "call" and r.nodeid.endswith(claim_id)]
    return report.outcome, dict(report.sections).get("Captured evidence call")


def test_inert_without_options(pytester):
    pytester.makepyfile("def test_ordinary():\n    pass\n")
    result = pytester.runpytest("--strict-markers", *NO_CACHE)
    result.assert_outcomes(passed=1)
    assert "verify claims" not in result.stdout.str()
    assert "verify-claims" not in result.stdout.str()


def test_cheap_claim_passes_next_to_ordinary_tests_and_m_claim_keeps_only_claims(pytester):
    pytester.makepyfile("def test_ordinary():\n    pass\n")
    result = pytester.runpytest(f"--claims={CHEAP}", "--strict-markers", "-v", *NO_CACHE)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"verify claims: 1 from --claims '{CHEAP}'; seed 0, budget standard, "
                                 "false-fail rate 0.001 (0.001 per claim)",
                                 f"verify-claims::{CHEAP} PASSED*"])
    only = pytester.runpytest(f"--claims={CHEAP}", "-m", "claim", "--strict-markers", *NO_CACHE)
    only.assert_outcomes(passed=1, deselected=1)


def test_node_ids_and_k_selection(pytester):
    result = pytester.runpytest("--claims=gauss.relu", "--collect-only", "-q", *NO_CACHE)
    ids = [line for line in result.outlines if line.startswith("verify-claims::")]
    assert ids == [f"verify-claims::{c.id}" for c in verify.select("gauss.relu")]
    chosen = pytester.runpytest("--claims=gauss.relu", "-k", "mean_derivative and mc", "--collect-only", "-q",
                                *NO_CACHE)
    assert [line for line in chosen.outlines if line.startswith("verify-claims::")] == [f"verify-claims::{CHEAP}"]


def test_the_rate_is_split_over_the_selection_as_verify_run_does(pytester):
    result = pytester.runpytest("--claims=gauss.relu", "--claims-false-fail-rate=0.01", "--collect-only", *NO_CACHE)
    rate = verify.per_claim_rate(verify.select("gauss.relu"), 0.01)
    result.stdout.fnmatch_lines([f"verify claims: 4 from *; seed 0, budget standard, false-fail rate 0.01 "
                                 f"({rate:.3g} per claim)"])


def test_a_wrong_claim_fails_with_prediction_estimate_and_interval(pytester, user_claims):
    result = pytester.runpytest("--claims=user.wrong", *NO_CACHE)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    result.stdout.fnmatch_lines(["*claim user.wrong.x (derived, arXiv:2510.01303)*",
                                 "user.wrong.x: FAIL: relative discrepancy * exceeds the confidence radius*",
                                 "  [[]0[]] predicted *; estimate *, confidence interval [[]*, *[]]",
                                 "  * samples by *; seed 0, budget standard, false-fail rate 0.001 allotted*"])
    assert "Traceback" not in out and "runtest" not in out and "_ClaimFailed" not in out
    assert sum(line.startswith("user.wrong.x: FAIL") for line in result.outlines) == 1  # not also a section


def test_an_inconclusive_claim_is_skipped_with_its_reason(pytester, user_claims):
    result = pytester.runpytest("--claims=user.tiny", "--claims-budget=quick", "-rs", *NO_CACHE)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] verify-claims::user.tiny.x: INCONCLUSIVE: "
                                 "no significant discrepancy (*), "
                                 "but the minimum detectable discrepancy * exceeds the resolution 1e-05; "
                                 "about * samples would resolve it*"])


def test_a_check_that_raises_a_verifier_error_fails_with_its_line(pytester, user_claims, monkeypatch):
    def broken(claim, **kwargs):
        raise verify.InvalidArgument("n", -1, "a positive integer")

    monkeypatch.setattr(verify, "check", broken)
    result = pytester.runpytest(f"--claims={CHEAP}", *NO_CACHE)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"{CHEAP}: InvalidArgument: `n` must be a positive integer, got -1"])
    assert "Traceback" not in result.stdout.str()


def test_same_seed_same_evidence_and_another_seed_other_numbers(pytester):
    def run(seed):
        reprec = pytester.inline_run(f"--claims={CHEAP}", f"--claims-seed={seed}", *NO_CACHE)
        return _evidence(reprec, CHEAP)

    first, again, other = run(5), run(5), run(6)
    assert first[0] == "passed" and first == again
    assert "seed 5" in first[1] and "estimate" in first[1] and "confidence interval" in first[1]
    assert other[1] != first[1]


@pytest.mark.parametrize("args, message", [
    (["--claims=nomatch.x"],
     "ERROR: --claims: `pattern` must be a pattern matching at least one claim*got 'nomatch.x'"),
    (["--claims=tests/verify"], "ERROR: --claims: `pattern` must be a glob*(a path? write --claims=PATTERN*"),
    (["--claims", "--claims-budget=huge"],
     "ERROR: --claims-budget must be one of quick, standard, thorough, got 'huge'"),
    (["--claims", "--claims-seed=-1"], "ERROR: --claims-seed must be a non-negative integer, got '-1'"),
    (["--claims", "--claims-seed=x"], "ERROR: --claims-seed must be a non-negative integer, got 'x'"),
    (["--claims", "--claims-false-fail-rate=1"], "ERROR: --claims-false-fail-rate must be a probability in (0, 1)*"),
])
def test_bad_options_are_one_line_usage_errors(pytester, args, message):
    result = pytester.runpytest(*args, *NO_CACHE)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert [line for line in result.errlines if line.strip()] == [result.errlines[0]]


def test_a_claims_file_alone_collects_only_its_claims_and_a_pattern_selects_among_both(pytester):
    path = pytester.makefile(".toml", my_claims=CLAIMS_FILE)
    result = pytester.runpytest(f"--claims-file={path}", "-v", *NO_CACHE)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["verify claims: 1 from --claims-file *my_claims.toml; *",
                                 "verify-claims::user.file.relu_second_moment PASSED*"])
    both = pytester.runpytest("--claims", f"--claims-file={path}", "--collect-only", "-q", *NO_CACHE)
    both.stdout.fnmatch_lines([f"verify-claims::{CHEAP}", "verify-claims::user.file.relu_second_moment"])
    among = pytester.runpytest("--claims=user.file", f"--claims-file={path}", "--collect-only", "-q", *NO_CACHE)
    assert [line for line in among.outlines if line.startswith("verify-claims::")] == [
        "verify-claims::user.file.relu_second_moment"]


def test_a_pattern_that_leaves_out_a_whole_claims_file_is_a_usage_error(pytester):
    """Issue 23: it used to collect none of the file's claims, silently."""
    path = pytester.makefile(".toml", my_claims=CLAIMS_FILE)
    result = pytester.runpytest("--claims=gauss.relu", f"--claims-file={path}", "--collect-only", *NO_CACHE)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --claims: *none of this file's*my_claims.toml*"])


def test_pytest_s_junit_and_the_tool_s_share_one_classname_scheme(pytester):
    """Issue 23: a CI view of `pytest --junitxml` and of the report's junit.xml groups claims the same way."""
    import xml.etree.ElementTree as ET

    from verify.report._junit import CLASSNAME

    pytester.runpytest(f"--claims={CHEAP}", "--junitxml=out.xml", *NO_CACHE)
    [case] = ET.parse(pytester.path / "out.xml").getroot().iter("testcase")
    assert (case.get("classname"), case.get("name")) == (CLASSNAME, CHEAP)


def test_a_bad_claims_file_is_a_one_line_usage_error(pytester):
    path = pytester.makefile(".toml", bad="[[claim]]\nid = 3\n")
    result = pytester.runpytest(f"--claims-file={path}", *NO_CACHE)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --claims-file: *bad.toml:*"])


def test_a_wrong_user_claim_from_a_claims_file_fails_with_prediction_estimate_and_interval(pytester):
    wrong = CLAIMS_FILE.replace('prediction = "s^2/2"', 'prediction = "s^2/2 * 11/10"')  # 10% off the truth 1/2
    path = pytester.makefile(".toml", wrong_claims=wrong)
    result = pytester.runpytest(f"--claims-file={path}", *NO_CACHE)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["user.file.relu_second_moment: FAIL: relative discrepancy * exceeds*",
                                 "  formula: 11*s**2/20",
                                 "  [[]0[]] predicted 0.55; estimate 0.5*, confidence interval [[]0.*, 0.*[]]"])
