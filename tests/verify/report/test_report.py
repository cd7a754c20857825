"""Covers verify/report/_report.py, _run.py and _environment.py: what a report must hold."""

import dataclasses
import importlib.metadata
import json

import pytest

import verify

from ..synthetic import exact, statistical

CLAIM_FIELDS = {"id", "title", "provenance", "outcome", "predicted", "estimate", "std_error", "bound",
                "n_samples", "seed", "dps", "min_detectable", "looks", "false_fail_rate", "reason"}
RUN_FIELDS = {"seed", "budget", "false_fail_rate", "packages", "git", "counts", "started", "seconds"}


def _result():
    claims = [statistical(), statistical(predicted=(1.5,), id="synthetic.wrong"), exact(),
              statistical(sigma=100.0, id="synthetic.noisy")]
    return verify.run(claims, seed=4, budget="standard")


def test_report_json_holds_every_required_field(tmp_path):
    result = _result()
    paths = verify.write_report(result, tmp_path)
    data = json.loads(paths["json"].read_text())
    assert RUN_FIELDS <= set(data["run"])
    assert data["run"]["counts"] == {"PASS": 2, "FAIL": 1, "INCONCLUSIVE": 1}
    assert data["run"]["false_fail_rate_per_claim"] == 1e-3 / 3  # three statistical claims
    for c in data["claims"]:
        assert CLAIM_FIELDS <= set(c)
        assert (c["std_error"] is None) != (c["bound"] is None)
    exact_record = next(c for c in data["claims"] if c["id"] == "synthetic.exact")
    assert exact_record["n_samples"] is None and exact_record["dps"] == 30


def test_markdown_has_table_evidence_and_plot(tmp_path):
    paths = verify.write_report(_result(), tmp_path)
    text = paths["markdown"].read_text()
    assert "| `synthetic.wrong` | statistical | **FAIL** |" in text
    assert "samples would resolve it" in text and "discrepancies.png" in text
    assert paths["plot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_interrupted_run_keeps_what_was_decided(tmp_path):
    calls = []

    def stop_after_one(verdict):
        calls.append(verdict)
        raise KeyboardInterrupt

    result = verify.run([statistical(), exact()], seed=0, on_verdict=stop_after_one)
    assert result.interrupted and len(result.verdicts) == 1 and len(calls) == 1
    data = json.loads(verify.write_report(result, tmp_path)["json"].read_text())
    assert data["run"]["interrupted"] is True and data["run"]["selected"] == 2


def test_a_broken_claim_is_a_fail_in_the_report_and_the_run_goes_on(tmp_path):
    import dataclasses

    def broken(params, *, rng, n, dps=None):
        raise TypeError("bug in the estimator")

    nan_claim = dataclasses.replace(statistical(id="synthetic.nan"), prediction=lambda params, dps: (float("nan"),))
    crash = dataclasses.replace(statistical(id="synthetic.crash"), estimator=broken)
    result = verify.run([nan_claim, crash, statistical()], seed=0)
    outcomes = {v.claim.id: (v.outcome, v.reason) for v in result.verdicts}
    assert outcomes["synthetic.nan"][0] == verify.FAIL and "not finite" in outcomes["synthetic.nan"][1]
    assert outcomes["synthetic.crash"] == (verify.FAIL, "the claim raised TypeError: bug in the estimator")
    assert outcomes["synthetic.normal.mean"][0] == verify.PASS
    data = json.loads(verify.write_report(result, tmp_path)["json"].read_text())  # allow_nan=False: raises on NaN
    assert [c["outcome"] for c in data["claims"]] == ["FAIL", "FAIL", "PASS"]


def test_a_multi_line_title_stays_on_one_markdown_line(tmp_path):
    claim = dataclasses.replace(statistical(), title="first line\n# not a heading")
    text = verify.write_report(verify.run([claim], seed=0), tmp_path)["markdown"].read_text()
    assert "first line # not a heading" in text and "\n# not a heading" not in text


def test_a_threshold_sweep_leaves_out_values_where_the_ranges_cross():
    """A threshold swept past the other end of its range gives no statement there, hence no verdict, and the
    report is still written (issue 21's helper found a sweep that raised at report time)."""
    from theory import Interval
    from verify._thresholds import sweep, threshold_records, threshold_text

    claim = verify.Claim(id="demo.cross", title="t", provenance=verify.Provenance("derived"),
                         kind=verify.Kind.INTERVAL, resolution=0.1,
                         parameters={"lo": verify.Parameter(0.2, Interval(0, 1))}, thresholds={"lo": "ours"},
                         prediction=verify.Ranges((("lo", 0.5),), "a band"), estimator=lambda v, **k: None)
    points = sweep(claim, "lo", (0.35,), (0.45,), points=11)
    assert [x for x, _ in points] == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    assert [o for _, o in points] == ["PASS", "PASS", "PASS", "PASS", "INCONCLUSIVE", "FAIL"]
    record, = threshold_records(claim, (0.35,), (0.45,))
    assert threshold_text(record).endswith("PASS for 0..0.325, INCONCLUSIVE for 0.35..0.45, FAIL for 0.475..0.5")


def test_a_title_with_markup_is_shown_as_text_in_markdown(tmp_path):
    """Issue 22 (minor): report.md is rendered, so a title's raw HTML would be live there."""
    claim = dataclasses.replace(statistical(), title="mean <script>alert(1)</script> & <b>bold</b>")
    text = verify.write_report(verify.run([claim], seed=0), tmp_path)["markdown"].read_text()
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in text


def test_an_interrupted_report_states_the_rate_each_claim_was_allotted(tmp_path):
    """Issue 22, case 9: the per-claim rate is the run's rate over all the selected claims that spend it, not
    over those decided before the interrupt."""
    claims = [statistical(id=f"synthetic.s{k}") for k in range(4)]

    def stop(verdict):
        raise KeyboardInterrupt

    result = verify.run(claims, seed=0, on_verdict=stop)
    assert result.interrupted and len(result.verdicts) == 1
    data = json.loads(verify.write_report(result, tmp_path)["json"].read_text())
    assert data["run"]["false_fail_rate_per_claim"] == 1e-3 / 4 == data["claims"][0]["false_fail_rate"]
    assert "(0.00025 per statistical claim)" in (tmp_path / "report.md").read_text()


def test_every_kind_of_claim_is_shown_in_one_vocabulary(tmp_path):
    """Issue 23: an interval claim's row shows its confidence interval against the claimed range, a statistical
    or exact claim's its discrepancy and what it could detect against its resolution; never a "min. detectable"
    column that reads as a failure for an interval claim."""
    from ..synthetic import interval

    result = verify.run([statistical(), exact(), interval()], seed=0)
    data = json.loads(verify.write_report(result, tmp_path)["json"].read_text())
    brief = {c["id"]: c["evidence"] for c in data["claims"]}
    assert brief["synthetic.interval"].startswith("CI [") and " inside range [0.5, 1]" in brief["synthetic.interval"]
    assert brief["synthetic.normal.mean"].startswith("discrepancy ") and "within resolution 0.05" in brief[
        "synthetic.normal.mean"]
    assert "within resolution 1e-20" in brief["synthetic.exact"]
    for name in ("report.md", "summary.md"):
        text = (tmp_path / name).read_text()
        assert "min. detectable" not in text and brief["synthetic.interval"] in text


def test_a_user_project_s_report_records_its_own_commit_and_the_verifier_s_version(tmp_path, monkeypatch):
    """Issue 23: the git state is the working directory's repository (the user's project), beside the verifier's
    version and its own commit."""
    import subprocess

    from verify.report._environment import environment

    project = tmp_path / "project"
    project.mkdir()
    run = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(project)]
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / "claims.toml").write_text("# mine\n")
    subprocess.run([*run, "add", "."], check=True)
    subprocess.run([*run, "commit", "-qm", "mine"], check=True)
    mine = subprocess.run([*run, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    monkeypatch.chdir(project)
    env = environment()
    assert env["git"] == {"commit": mine, "dirty": False}
    assert env["verifier"]["version"] == importlib.metadata.version("theory-verifier")
    assert env["verifier"]["git"]["commit"] != mine
    text = verify.write_report(verify.run([exact()]), tmp_path / "r")["markdown"].read_text()
    assert mine in text and f"theory-verifier {env['verifier']['version']}" in text
