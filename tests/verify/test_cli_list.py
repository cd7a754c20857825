"""Covers verify/_cli_list.py and the command line's --version, list (header, count, --json, filters), run's
filters, --quiet and colour (issue 23)."""

import importlib.metadata
import io
import json
import re
from pathlib import Path

import pytest

import verify
from verify._cli import main
from verify._cli_list import colour, kind_of, list_text

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "claims.toml")


def test_version_names_the_installed_package(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert importlib.metadata.version("theory-verifier") in capsys.readouterr().out


def test_list_has_a_header_one_line_per_claim_and_the_count(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    everything = verify.claims()
    assert lines[0].split() == ["claim", "kind", "provenance"]
    assert len(lines) == len(everything) + 2 and lines[-1].startswith(f"{len(everything)} claims (")


@pytest.mark.parametrize("option,value,keep", [
    ("--kind", "identity", lambda c: c.checks_implementation),
    ("--kind", "interval", lambda c: c.kind.value == "interval" and not c.checks_implementation),
    ("--provenance", "paper", lambda c: c.provenance.source == "paper"),
    ("--provenance", "observed", lambda c: c.provenance.source == "observed"),
    ("--paper", "2502.17340", lambda c: c.provenance.arxiv == "2502.17340"),
])
def test_list_json_with_a_filter_is_the_registry_s_claims_that_meet_it(capsys, option, value, keep):
    assert main(["list", "--json", option, value]) == 0
    records = json.loads(capsys.readouterr().out)
    expected = [c.id for c in verify.claims() if keep(c)]
    assert [r["id"] for r in records] == expected and expected
    for r in records:
        assert {"title", "kind", "provenance", "independence", "parameters", "resolution"} <= set(r)


def test_run_takes_the_same_filters_and_refuses_an_empty_selection(tmp_path, capsys):
    assert main(["run", "--claims-file", EXAMPLE, "--kind", "exact", "--jobs", "1", "--report", str(tmp_path)]) == 0
    assert "1 PASS, 0 FAIL, 0 INCONCLUSIVE" in capsys.readouterr().out
    assert main(["run", "--claims-file", EXAMPLE, "--paper", "0000.00000", "--report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--paper 0000.00000" in err


def test_quiet_prints_only_the_counts_and_what_did_not_pass(tmp_path, capsys):
    assert main(["run", "--claims-file", EXAMPLE, "--jobs", "1", "--report", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("3 PASS, 0 FAIL, 0 INCONCLUSIVE")
    text = Path(EXAMPLE).read_text().replace('prediction = "s^2/2"', 'prediction = "1.5*s^2/2"', 1)
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(text)
    assert main(["run", "--claims-file", str(wrong), "--jobs", "1", "--report", str(tmp_path), "--quiet"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 4 and "FAIL" in out[1] and out[-1].startswith("2 PASS, 1 FAIL")


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_colour_on_a_terminal_only_and_never_with_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert colour(_Terminal()) and not colour(io.StringIO())
    shown = _Terminal()
    list_text(verify.select("gauss.relu"), shown)
    assert "\033[" in shown.getvalue()
    monkeypatch.setenv("NO_COLOR", "")
    assert not colour(_Terminal())
    plain = _Terminal()
    claims = verify.select("gauss.relu")
    list_text(claims, plain)
    assert "\033[" not in plain.getvalue() and plain.getvalue().splitlines()[-1].startswith(f"{len(claims)} claims")
    assert kind_of(claims[0]) in plain.getvalue()


def test_the_report_s_writing_shows_progress(tmp_path, capsys):
    from verify._progress import WriteProgress

    assert main(["run", "--claims-file", EXAMPLE, "--jobs", "1", "--report", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert f"writing the report to {tmp_path} ..." in err and "report written in " in err
    after = float(re.search(r"report written in [0-9.]+ s, ([0-9.]+) s after the last verdict", err).group(1))
    assert 0 <= after < 60, err  # the time from the last claim to the report: stated, and not absurd
    terminal = _Terminal()
    shown = WriteProgress("somewhere", quiet=False, stream=terminal)
    for done in range(1, 4):
        shown(done, 3)
    assert shown.bar.n == shown.bar.total == 3
    shown.close(written=True)
    assert "writing the report" in terminal.getvalue() and "report written in" in terminal.getvalue()
