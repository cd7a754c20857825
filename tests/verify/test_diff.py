"""Covers verify/_diff.py: regressions, improvements, appeared/disappeared claims, moved estimates, bad inputs."""

import argparse
import copy
import json
import math

import mpmath
import pytest

from theory import InvalidArgument
from verify import _cli
from verify._diff import DEFAULT_Z, Change, add_arguments, diff_reports, format_diff, load_report, run_diff

MC, QUAD = "gauss.relu.second_moment.mc", "gauss.relu.second_moment.quad"
MC_DERIVATIVE, QUAD_DERIVATIVE = "gauss.relu.mean_derivative.mc", "gauss.relu.mean_derivative.quad"


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    """A real report directory: the four gauss.relu claims (two statistical, two exact with bounds)."""
    out = tmp_path_factory.mktemp("diff") / "run"
    assert _cli.main(["run", "--match", "gauss.relu", "--jobs", "1", "--report", str(out), "--quiet"]) == 0
    return out


@pytest.fixture
def report(report_dir):
    return json.loads((report_dir / "report.json").read_text())


def _claim(report, claim_id):
    return next(c for c in report["claims"] if c["id"] == claim_id)


def _with(report, outcomes):
    """A copy of ``report`` whose claims get the given outcomes (claim id -> outcome)."""
    new = copy.deepcopy(report)
    for claim_id, outcome in outcomes.items():
        _claim(new, claim_id)["outcome"] = outcome
    return new


def test_the_real_report_has_what_the_tests_mutate(report):
    assert {c["id"] for c in report["claims"]} == {MC, QUAD, MC_DERIVATIVE, QUAD_DERIVATIVE}
    assert all(c["outcome"] == "PASS" for c in report["claims"])
    assert _claim(report, MC)["std_error"] and _claim(report, MC)["bound"] is None
    assert _claim(report, QUAD)["bound"] and isinstance(_claim(report, QUAD)["estimate"][0], str)


def test_identical_reports_give_no_differences(report):
    diff = diff_reports(report, copy.deepcopy(report))
    assert diff.empty and not diff.regressed
    assert diff.regressions == diff.improvements == diff.appeared == diff.disappeared == diff.moved == ()
    assert format_diff(diff, "a", "b").splitlines() == ["verify diff: a -> b", "no differences"]


def test_pass_to_fail_is_a_regression(report):
    diff = diff_reports(report, _with(report, {MC: "FAIL"}))
    assert diff.regressed
    assert diff.regressions == (Change(MC, "PASS", "FAIL"),)
    assert diff.improvements == diff.appeared == diff.disappeared == ()


def test_regressions_are_ordered_pass_to_fail_first(report):
    old = _with(report, {MC_DERIVATIVE: "INCONCLUSIVE"})
    new = _with(report, {MC: "INCONCLUSIVE", MC_DERIVATIVE: "FAIL",
                           QUAD: "FAIL"})
    diff = diff_reports(old, new)
    assert [(c.old, c.new) for c in diff.regressions] == [("PASS", "FAIL"), ("INCONCLUSIVE", "FAIL"),
                                                          ("PASS", "INCONCLUSIVE")]
    assert [c.id for c in diff.regressions] == [QUAD, MC_DERIVATIVE, MC]
    rows = [line.split() for line in format_diff(diff, "old", "new").splitlines() if line.startswith("  ")]
    assert rows == [["PASS", "->", "FAIL", QUAD], ["INCONCLUSIVE", "->", "FAIL", MC_DERIVATIVE],
                    ["PASS", "->", "INCONCLUSIVE", MC]]


def test_improvements_are_listed_but_are_not_regressions(report):
    old = _with(report, {MC: "FAIL", QUAD: "INCONCLUSIVE"})
    diff = diff_reports(old, report)
    assert not diff.regressed and diff.regressions == ()
    assert set(diff.improvements) == {Change(MC, "FAIL", "PASS"), Change(QUAD, "INCONCLUSIVE", "PASS")}
    assert "improvements (2):" in format_diff(diff, "old", "new")
    # and the same pair the other way round is two regressions
    assert len(diff_reports(report, old).regressions) == 2


def test_appeared_and_disappeared_claims_are_listed_but_are_not_regressions(report):
    new = copy.deepcopy(report)
    new["claims"] = [c for c in new["claims"] if c["id"] != QUAD]
    new["claims"].append(dict(_claim(report, MC), id="gauss.relu.new_claim", outcome="FAIL"))
    diff = diff_reports(report, new)
    assert diff.appeared == (Change("gauss.relu.new_claim", None, "FAIL"),)
    assert diff.disappeared == (Change(QUAD, "PASS", None),)
    assert not diff.regressed and diff.regressions == ()
    text = format_diff(diff, "old", "new")
    assert "+ gauss.relu.new_claim (FAIL)" in text and f"- {QUAD} (was PASS)" in text
    assert text.splitlines()[-1] == "0 regressed, 1 appeared, 1 disappeared, 0 moved, 0 improved"


@pytest.mark.parametrize("in_units, listed", [(10.0, True), (-10.0, True), (0.1, False), (-0.1, False)])
def test_a_statistical_estimate_is_listed_when_it_moves_beyond_z_combined_standard_errors(report, in_units, listed):
    new = copy.deepcopy(report)
    claim = _claim(new, MC)
    se_old = _claim(report, MC)["std_error"][1]
    claim["std_error"][1] = 2 * se_old  # combined standard error sqrt(1 + 4) * se_old
    combined = math.sqrt(se_old ** 2 + (2 * se_old) ** 2)
    claim["estimate"][1] += in_units * combined
    diff = diff_reports(report, new)
    assert not diff.regressed  # a move is never a regression
    if not listed:
        assert diff.moved == ()
        return
    (move,) = diff.moved
    assert (move.id, move.component) == (MC, 1)
    assert move.old == _claim(report, MC)["estimate"][1] and move.new == claim["estimate"][1]
    assert move.shift == pytest.approx(in_units * combined, rel=1e-9)
    assert move.uncertainty == pytest.approx(DEFAULT_Z * combined, rel=1e-12)
    assert f"{MC}[1]" in format_diff(diff, "old", "new")


def test_z_is_the_listing_threshold_and_must_be_positive(report):
    new = copy.deepcopy(report)
    se = _claim(report, MC)["std_error"][0]
    _claim(new, MC)["estimate"][0] += 10 * math.sqrt(2) * se
    assert len(diff_reports(report, new, z=DEFAULT_Z).moved) == 1
    assert diff_reports(report, new, z=20.0).moved == ()
    for bad in (0.0, -1.0, math.nan, math.inf):
        with pytest.raises(InvalidArgument) as info:
            diff_reports(report, new, z=bad)
        assert info.value.name == "z"


def test_a_bounded_high_precision_estimate_moves_beyond_the_sum_of_its_bounds(report):
    old_claim = _claim(report, QUAD)
    bound = mpmath.mpf(old_claim["bound"][2])  # 8e-30 on the value 8 (30 digits)
    new = copy.deepcopy(report)
    with mpmath.workdps(40):
        moved = mpmath.mpf(old_claim["estimate"][2]) + 3 * (2 * bound)  # 3x the combined bound: lost in a float
        _claim(new, QUAD)["estimate"][2] = mpmath.nstr(moved, 35, strip_zeros=False)
        small = mpmath.mpf(old_claim["bound"][1]) / 2  # a quarter of the sum of its bounds
        _claim(new, QUAD)["estimate"][1] = mpmath.nstr(mpmath.mpf(old_claim["estimate"][1]) + small, 35)
    (move,) = diff_reports(report, new).moved  # component 1 moved by far less than its bounds
    assert (move.id, move.component, move.old) == (QUAD, 2, old_claim["estimate"][2])
    assert move.shift == pytest.approx(6 * float(bound), rel=1e-6)
    assert move.uncertainty == pytest.approx(2 * float(bound), rel=1e-9)


def test_missing_or_mismatched_estimates_are_not_compared(report):
    new = copy.deepcopy(report)
    _claim(new, MC)["estimate"] = None
    _claim(new, QUAD)["estimate"] = _claim(new, QUAD)["estimate"][:2]
    _claim(new, QUAD)["bound"] = _claim(new, QUAD)["bound"][:2]
    assert diff_reports(report, new).moved == ()


def test_a_bad_estimate_value_is_an_invalid_argument_not_a_traceback(report):
    new = copy.deepcopy(report)
    _claim(new, MC)["estimate"][0] = "__import__('os')"
    with pytest.raises(InvalidArgument) as info:
        diff_reports(report, new)
    assert MC in info.value.name


def test_a_report_loads_from_its_file_or_its_directory(report_dir, report):
    assert load_report(str(report_dir)) == load_report(str(report_dir / "report.json")) == report


@pytest.mark.parametrize("content, expected", [
    (None, "does not exist"),
    ("{not json", "a JSON file"),
    ("[1, 2]", "a verifier report"),
    ('{"run": {}}', "a verifier report"),
    ('{"claims": [{"id": "a"}]}', "a verifier report"),
    ('{"claims": [{"id": "a", "outcome": "MAYBE"}]}', "a verifier report"),
    ('{"claims": [{"id": "a", "outcome": "PASS"}, {"id": "a", "outcome": "FAIL"}]}', "is repeated"),
])
def test_bad_inputs_raise_invalid_argument_naming_the_parameter(tmp_path, content, expected):
    path = tmp_path / "report.json"
    if content is not None:
        path.write_text(content)
    for given in (path, tmp_path):  # the file, or the directory holding it
        with pytest.raises(InvalidArgument) as info:
            load_report(str(given), name="OLD")
        assert info.value.name == "OLD" and expected in str(info.value)
    with pytest.raises(InvalidArgument) as info:
        load_report(str(path))
    assert info.value.name == "report"


def test_a_directory_without_a_report_is_an_invalid_argument(tmp_path):
    with pytest.raises(InvalidArgument, match="does not exist"):
        load_report(str(tmp_path))


def _args(*argv):
    parser = argparse.ArgumentParser(prog="diff")
    add_arguments(parser)
    return parser.parse_args(argv)


def test_run_diff_returns_one_on_a_regression_and_prints_regressions_first(tmp_path, report_dir, report, capsys):
    new = _with(report, {MC: "FAIL", QUAD: "INCONCLUSIVE"})
    _claim(new, MC_DERIVATIVE)["estimate"][0] += 1.0
    new["claims"] = [c for c in new["claims"] if c["id"] != QUAD_DERIVATIVE]
    new["claims"].append(dict(_claim(report, QUAD), id="gauss.relu.extra"))
    old = _with(report, {QUAD: "FAIL"})
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    assert run_diff(_args(str(tmp_path / "old.json"), str(tmp_path / "new.json"))) == 1
    out = capsys.readouterr().out
    order = [out.index(s) for s in ("regressions (1):", "appeared in", "disappeared from", "moved estimates (1",
                                    "improvements (1):")]
    assert order == sorted(order)
    assert out.splitlines()[-1] == "1 regressed, 1 appeared, 1 disappeared, 1 moved, 1 improved"


def test_run_diff_returns_zero_without_a_regression(report_dir, capsys):
    assert run_diff(_args(str(report_dir), str(report_dir / "report.json"))) == 0
    assert "no differences" in capsys.readouterr().out


def test_run_diff_names_the_bad_argument(tmp_path, report_dir):
    with pytest.raises(InvalidArgument) as info:
        run_diff(_args(str(report_dir), str(tmp_path / "missing")))
    assert info.value.name == "NEW"


@pytest.mark.parametrize("bad", ["0", "-2", "nan", "inf", "four"])
def test_the_z_option_rejects_a_non_positive_number_in_one_line(bad, capsys):
    with pytest.raises(SystemExit) as info:
        _args("a", "b", "--z", bad)
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "--z must be a positive number" in err and bad in err
    assert _args("a", "b", "--z", "2.5").z == 2.5 and _args("a", "b").z == DEFAULT_Z
