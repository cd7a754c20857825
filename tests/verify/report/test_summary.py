"""Covers verify/report/_summary.py: summary.md is a small Markdown verdict table for a CI job summary."""

import pytest

import verify
from verify.report._summary import LIMIT, summary_markdown, write_summary

from ..synthetic import exact, statistical


@pytest.fixture(scope="module")
def result():
    claims = [statistical(), statistical(predicted=(1.5,), id="synthetic.wrong"), exact(),
              statistical(sigma=100.0, id="synthetic.noisy")]
    return verify.run(claims, seed=4)


def _many(result, n):
    """The report record of ``result`` with its claims copied to ``n`` verdicts of distinct ids.

    The reasons of FAIL and INCONCLUSIVE copies try Markdown images, HTML and a table pipe.
    """
    data = verify.report_dict(result)
    records = data["claims"]
    copies = []
    for i in range(n):
        r = records[i % len(records)]
        reason = r["reason"] + (" ![x](pic.png) <img src=x> | pipe" if r["outcome"] != verify.PASS else "")
        copies.append({**r, "id": f"fabricated.c{i}.{r['id'].split('.')[-1]}", "reason": reason})
    data["claims"] = copies
    data["run"]["counts"] = {o: sum(c["outcome"] == o for c in copies) for o in verify.OUTCOMES}
    return data


def test_the_written_summary_has_headline_provenance_and_table(result, tmp_path):
    path = write_summary(verify.report_dict(result), tmp_path / "summary.md")  # as write_report does
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "## \N{CROSS MARK} Verification: 1 FAIL, 1 INCONCLUSIVE, 2 PASS"
    run = verify.report_dict(result)["run"]
    assert f"seed {run['seed']}, budget {run['budget']}" in text and "sympy" in text and "CPU" in text
    assert "| claim | outcome | evidence | provenance |" in text
    assert text.index("`synthetic.wrong` **FAIL**") < text.index("`synthetic.noisy` **INCONCLUSIVE**")
    table = text[text.index("| claim |"):]
    rows = [line for line in table.splitlines()[2:] if line.startswith("| `")]
    assert [r.split("`")[1] for r in rows] == ["synthetic.wrong", "synthetic.noisy", "synthetic.normal.mean",
                                               "synthetic.exact"]
    assert "![" not in text and "<img" not in text


def test_markers_follow_the_worst_outcome(result):
    data = verify.report_dict(result)
    data["run"]["counts"] = {"PASS": 3, "FAIL": 0, "INCONCLUSIVE": 0}
    assert summary_markdown(data).startswith("## \N{WHITE HEAVY CHECK MARK}")
    data["run"]["counts"] = {"PASS": 3, "FAIL": 0, "INCONCLUSIVE": 1}
    assert summary_markdown(data).startswith("## \N{WARNING SIGN}")
    data["run"]["claims_files"] = [{"path": "my/claims.toml", "sha256": "0123456789abcdef" * 4}]
    assert "my/claims.toml (0123456789ab)" in summary_markdown(data)


def test_thousands_of_verdicts_stay_small_with_failures_first(result):
    data = _many(result, 4000)  # 2000 FAIL or INCONCLUSIVE rows, then as many PASS rows as fit
    text = summary_markdown(data)
    assert len(text.encode("utf-8")) < min(LIMIT, 1 << 20)
    assert "![" not in text and "<img" not in text and "<" not in text.replace("&lt;", "")
    bad = text.index("### Failed and inconclusive")
    assert text.index("**FAIL**") > bad and text.index("**INCONCLUSIVE**") > bad
    rows = [line for line in text[text.index("| claim |"):].splitlines()[2:] if line.startswith("| `")]
    outcomes = [r.split("|")[2].split()[-1] for r in rows]
    assert outcomes == sorted(outcomes, key=["FAIL", "INCONCLUSIVE", "PASS"].index)
    assert outcomes.count("FAIL") == 1000 and 0 < outcomes.count("PASS") < 2000
    assert "rows left out" in text and "of them PASS" in text


def test_a_tight_limit_leaves_out_rows_and_says_so(result):
    data = _many(result, 400)
    text = summary_markdown(data, limit=16 * 1024)
    assert len(text.encode("utf-8")) <= 16 * 1024
    assert "more (see report.html or report.json)" in text and "rows left out" in text
