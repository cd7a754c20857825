"""Covers verify/_report.py, _run.py and _environment.py: what a report must hold."""

import json

import verify

from .synthetic import exact, statistical

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
    assert "NaN" not in paths["json"].read_text() and "Infinity" not in paths["json"].read_text()


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
