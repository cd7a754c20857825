"""Covers verify/_claims_file.py and verify/_claims_file_estimators.py: user-defined claims in TOML."""

import dataclasses
import hashlib
import json
import textwrap
from pathlib import Path

import pytest

import verify
from verify._claims_file import CLAIM_FIELDS, ClaimsFileError, claims_file_record, load_claims
from verify._cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "claims.toml"

GOOD = """\
[[claim]]
id = "user.relu.mean"
title = "E[relu(sZ)] = s / sqrt(2 pi)"
kind = "statistical"
estimator = "gaussian_expectation"
integrand = "max(s*Z, 0)"
prediction = "s/sqrt(2*pi)"
resolution = 0.02
provenance = { source = "derived" }

[claim.parameters]
s = { values = [1.0, 2.0], domain = [0, inf] }
"""


def _write(tmp_path, text, name="claims.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def _error(tmp_path, text) -> ClaimsFileError:
    with pytest.raises(ClaimsFileError) as info:
        load_claims(_write(tmp_path, text))
    assert "\n" not in str(info.value)
    return info.value


def test_the_example_file_declares_one_claim_per_estimator():
    claims = load_claims(EXAMPLE)
    assert [c.kind.value for c in claims] == ["statistical", "exact", "interval"]
    assert claims[1].values["w"] == (0.5, 1.0, 1.5, 2.0)  # from/to/num
    assert claims[0].formula() == "s**2/2" and claims[2].formula() == "in [0, 1/2]"
    assert all(c.id not in {b.id for b in verify.claims()} for c in claims)  # not registered


def test_the_example_file_passes_from_the_command_line(tmp_path, capsys):
    assert main(["run", "--claims-file", str(EXAMPLE), "--jobs", "1", "--report", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "3 PASS, 0 FAIL, 0 INCONCLUSIVE" in out


def test_a_wrong_user_claim_fails_with_prediction_estimate_and_interval(tmp_path, capsys):
    path = _write(tmp_path, GOOD.replace('prediction = "s/sqrt(2*pi)"', 'prediction = "1.1*s/sqrt(2*pi)"'))
    assert main(["run", "--claims-file", str(path), "--jobs", "1", "--report", str(tmp_path / "r"), "--quiet"]) == 1
    claim = load_claims(path)[0]
    verdict = verify.check(claim, seed=0)
    assert verdict.outcome == verify.FAIL
    from verify.report._evidence import evidence_text
    text = evidence_text(verdict)
    assert "predicted 0.438" in text and "estimate 0.39" in text and "confidence interval [" in text


def test_malicious_formula_is_rejected_at_its_line_and_nothing_runs(tmp_path):
    target = tmp_path / "pwned"
    err = _error(tmp_path, GOOD.replace('prediction = "s/sqrt(2*pi)"',
                                        f'prediction = "__import__(\'os\').system(\'touch {target}\')"'))
    assert err.line == 7 and "unknown function '__import__' at column 1" in str(err)
    assert not target.exists()


@pytest.mark.parametrize("old, new, line, words", [
    ('prediction = "s/sqrt(2*pi)"', 'prediction = "s/sqrt(2*pi) + q"', 7, ["unknown symbol 'q'", "allowed: symbols s"]),
    ('integrand = "max(s*Z, 0)"', 'integrand = "relu(s*Z)"', 6, ["unknown function 'relu'", "functions abs,"]),
    ('prediction = "s/sqrt(2*pi)"', 'prediction = "s/sqrt(2*pi"', 7, ["end of formula"]),
    ('prediction = "s/sqrt(2*pi)"', 'prediction = "s.real"', 7, ["unexpected character '.'"]),
    ('prediction = "s/sqrt(2*pi)"', 'prediction = "(lambda: s)()"', 7, ["unknown symbol 'lambda'"]),
    ('kind = "statistical"\n', 'kind = "statistical"\ntitel = "x"\n', 5,
     ["unknown field 'titel'", "allowed: id, title"]),
    ('resolution = 0.02\n', '', 1, ["missing field 'resolution'", "required fields: id, title"]),
    ('estimator = "gaussian_expectation"', 'estimator = "gaussian"', 5, ["unknown estimator 'gaussian'",
                                                                         "gaussian_expectation_quad, gradient_norms"]),
    ('kind = "statistical"', 'kind = "exact"', 4, ["supports kind statistical or interval"]),
    ('values = [1.0, 2.0], domain = [0, inf]', 'values = [-1.0, 2.0], domain = [0, inf]', 12,
     ["outside its domain [0, inf)"]),
    ('values = [1.0, 2.0], domain = [0, inf]', 'value = "1"', 12, ["must be a finite number"]),
    ('prediction = "s/sqrt(2*pi)"', 'prediction = "log(s - 1)"', 7, ["real finite value"]),
    ('provenance = { source = "derived" }', 'provenance = { source = "paper" }', 9, ["arxiv, version and locator"]),
    ('prediction = "s/sqrt(2*pi)"', 'range = [0, 1]', 7, ["only interval claims take a range"]),
    ('prediction = "s/sqrt(2*pi)"\n', '', 1, ["missing field 'prediction'"]),
    ('resolution = 0.02', 'resolution = 2', 8, ["resolution"]),
])
def test_mistakes_give_one_line_with_the_line_and_what_is_allowed(tmp_path, old, new, line, words):
    assert old in GOOD
    err = _error(tmp_path, GOOD.replace(old, new))
    assert err.line == line, str(err)
    assert str(err).startswith(f"{tmp_path / 'claims.toml'}:{line}: claim")
    for w in words:
        assert w in str(err)


def test_toml_syntax_errors_name_their_line(tmp_path):
    err = _error(tmp_path, GOOD.replace('resolution = 0.02', 'resolution = = 0.02'))
    assert err.line == 8 and "TOML syntax error" in str(err)


@pytest.mark.parametrize("text, words", [
    ("", ["no [[claim]] tables"]),
    ("title = 'x'\n", ["unknown top-level key 'title'"]),
    (GOOD + "\n" + GOOD, ["already declared above"]),
    (GOOD.replace("user.relu.mean", "gauss.relu.mean_derivative.mc"), ["already a built-in claim"]),
    (GOOD.replace("user.relu.mean", "User Claim"), ["dotted lower-case slug"]),
])
def test_file_level_mistakes(tmp_path, text, words):
    err = _error(tmp_path, text)
    for w in words:
        assert w in str(err)


def test_interval_claims_take_a_range_of_formulas_or_numbers(tmp_path):
    text = GOOD.replace('kind = "statistical"', 'kind = "interval"').replace(
        'prediction = "s/sqrt(2*pi)"', 'range = ["s/3", inf]')
    claim = load_claims(_write(tmp_path, text))[0]
    assert claim.prediction(claim.values, dps=15) == ((1 / 3, float("inf")), (2 / 3, float("inf")))
    assert verify.check(claim, seed=0).outcome == verify.PASS  # E = s/sqrt(2 pi) = 0.399 s > s/3
    err = _error(tmp_path, text.replace('range = ["s/3", inf]', 'range = ["s", "s/2"]'))
    assert "lo <= hi" in str(err)


def test_gradient_norms_needs_its_parameters_and_a_known_setup(tmp_path):
    base = EXAMPLE.read_text()
    err = _error(tmp_path, base.replace("nu = 0.0\n", ""))
    assert "needs parameters n, d, m, nu; missing nu" in str(err)
    err = _error(tmp_path, base.replace('activation = "relu"', 'activation = "relux"'))
    assert "unknown activation 'relux'" in str(err) and "setup" in str(err)
    err = _error(tmp_path, base.replace('scaling = "ntk"', 'scale = "ntk"'))
    assert "unknown key 'scale'" in str(err)
    err = _error(tmp_path, base.replace("n = 200", "n = 200.5"))
    assert "integers >= 1" in str(err)


@pytest.mark.parametrize("argv_tail", [[], ["--match", "nothing.here"]])
def test_cli_exits_2_with_one_line_for_a_bad_file(tmp_path, capsys, argv_tail):
    path = _write(tmp_path, GOOD.replace('prediction = "s/sqrt(2*pi)"', 'prediction = "q"'))
    for command in (["run", "--report", str(tmp_path / "r")], ["list"]):
        assert main([*command, "--claims-file", str(path), *argv_tail]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and f"{path}:7:" in err and "unknown symbol 'q'" in err


def test_cli_reports_a_missing_file(tmp_path, capsys):
    assert main(["list", "--claims-file", str(tmp_path / "absent.toml")]) == 2
    assert "--claims-file" in capsys.readouterr().err


def test_the_record_hashes_the_file_and_the_report_keeps_the_hash_taken_when_read(tmp_path, capsys):
    path = _write(tmp_path, GOOD)
    record = claims_file_record(path)
    assert record == {"path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    assert main(["run", "--claims-file", str(path), "--jobs", "1", "--report", str(tmp_path / "r"), "--quiet"]) == 0
    run = json.loads((tmp_path / "r" / "report.json").read_text())["run"]
    assert run["claims_files"] == [record]


def test_error_lines_skip_strings_and_look_under_the_parent_table(tmp_path):
    text = GOOD.replace('title = "E[relu(sZ)] = s / sqrt(2 pi)"', 'title = "a title, s = anything"')
    err = _error(tmp_path, text.replace("values = [1.0, 2.0], domain = [0, inf]", "values = [-1.0], domain = [0, inf]"))
    assert err.line == 12
    err = _error(tmp_path, EXAMPLE.read_text().replace('scaling = "ntk"', 'scaling = "ntkk"'))
    assert err.line == EXAMPLE.read_text().splitlines().index('scaling = "ntk"') + 1


def test_a_claim_entry_that_is_not_a_table_is_a_clean_error(tmp_path):
    err = _error(tmp_path, "claim = [1, 2]\n")
    assert "must be a [[claim]] table" in str(err)


def test_sweep_ends_are_exactly_as_written(tmp_path):
    # 0.1 * (1.7 / 0.1) ** 1 is 1.7000000000000002 in float64; the declared end must be kept exactly
    claims = load_claims(_write(tmp_path, GOOD.replace(
        "s = { values = [1.0, 2.0], domain = [0, inf] }",
        's = { from = 0.1, to = 1.7, num = 7, spacing = "log", domain = [0.1, 1.7] }')))
    s = claims[0].values["s"]
    assert s[0] == 0.1 and s[-1] == 1.7 and len(s) == 7


@pytest.mark.parametrize("old, new, words", [
    ("resolution = 0.02", "resolution = 0.02\ndps = 100000", ["at most 1000"]),
    ("resolution = 0.02", "resolution = 0.02\nn_start = 100000000", ["at most 1048576"]),
    ('prediction = "s/sqrt(2*pi)"', 'prediction = "max(s, s+1, s+2, s+3, s+4, s+5, s+6, s+7, s+8)"',
     ["2 to 8 arguments"]),
])
def test_the_work_a_file_may_ask_for_is_bounded(tmp_path, old, new, words):
    err = _error(tmp_path, GOOD.replace(old, new))
    assert all(w in str(err) for w in words)


def test_gradient_problems_are_bounded_in_size(tmp_path):
    err = _error(tmp_path, EXAMPLE.read_text().replace("n = 200", "n = 100000000"))
    assert "at most 1e+07" in str(err)


def test_every_field_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert all(f"`{field}`" in readme for field in CLAIM_FIELDS)


QUADRATURE = """\
[[claim]]
id = "user.gelu.mean"
title = "E[gelu(sZ)]: Monte Carlo against quadrature of the same integrand"
kind = "statistical"
estimator = "gaussian_expectation"
integrand = "s*Z*(1 + erf(s*Z/sqrt(2)))/2"
prediction_by = "quadrature"
breakpoints = [0]
resolution = 0.02
provenance = { source = "observed" }

[claim.parameters]
s = { values = [0.5, 2.0], domain = [0, inf] }
"""


def test_a_file_compares_monte_carlo_with_quadrature_of_one_integrand(tmp_path):
    """Issue 23: prediction_by = "quadrature" predicts by quadrature of the estimator's own integrand (with its
    bound), so no closed form is needed; a wrong integrand on one side is caught."""
    [claim] = load_claims(_write(tmp_path, QUADRATURE))
    assert claim.formula() == "E[s*Z*(1 + erf(s*Z/sqrt(2)))/2] by quadrature"
    assert verify.check(claim, seed=0).outcome == verify.PASS
    # the quadrature side of the same file with another integrand: Monte Carlo of gelu no longer matches it
    other = dataclasses.replace(claim, prediction=load_claims(_write(
        tmp_path, QUADRATURE.replace("erf(s*Z/", "erf(2*s*Z/"), "other.toml"))[0].prediction)
    assert verify.check(other, seed=0).outcome == verify.FAIL


@pytest.mark.parametrize("change,key", [
    ('prediction_by = "quadrature"', "prediction"),               # both a prediction and prediction_by
    ('kind = "interval"', "prediction_by"),
    ('estimator = "gaussian_expectation_quad"', "prediction_by"),
])
def test_prediction_by_quadrature_is_refused_where_it_makes_no_sense(tmp_path, change, key):
    text = QUADRATURE
    if key == "prediction":
        text = text.replace('prediction_by = "quadrature"', 'prediction_by = "quadrature"\nprediction = "s"')
    elif change.startswith("kind"):
        text = text.replace('kind = "statistical"', change)
    else:
        text = text.replace('estimator = "gaussian_expectation"', change).replace('kind = "statistical"',
                                                                                  'kind = "exact"')
    error = _error(tmp_path, text)
    assert error.line > 1


def test_built_in_and_file_claims_run_together_and_a_file_left_out_is_an_error(tmp_path, capsys):
    """Issue 23: with --claims-file and --match, the pattern selects among the files' claims and the built-in
    ones (as the pytest plugin does); a file none of whose claims it selects is an error, not silently dropped."""
    path = _write(tmp_path, GOOD)
    assert main(["list", "--json", "--claims-file", str(path), "--match", "*.relu.mean*"]) == 0
    ids = [r["id"] for r in json.loads(capsys.readouterr().out)]
    assert "user.relu.mean" in ids and "gauss.relu.mean_derivative.mc" in ids
    assert main(["list", "--claims-file", str(path), "--match", "gauss.relu"]) == 2
    err = capsys.readouterr().err
    assert "--claims-file" in err and str(path) in err and "none of this file's" in err


def test_show_displays_a_file_claim_s_integrand_and_route(capsys):
    """Issue 23: `show` printed the prediction only; the estimate's formula and its route are shown too."""
    assert main(["show", "user.relu.second_moment", "--claims-file", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "estimate: FormulaExpectationMC of integrand max(s*Z, 0)^2" in out
    assert "independence of the estimate: simulation" in out


def test_a_claim_id_in_two_files_or_one_file_given_twice_is_a_usage_error(tmp_path, capsys):
    first, second = _write(tmp_path, GOOD, "a.toml"), _write(tmp_path, GOOD, "b.toml")
    assert main(["list", "--claims-file", str(first), "--claims-file", str(second)]) == 2
    err = capsys.readouterr().err
    assert str(second) in err and "'user.relu.mean' is repeated" in err
    assert main(["list", "--claims-file", str(first), "--claims-file", str(first), "--match", "user.*"]) == 2
    assert "each file given once" in capsys.readouterr().err
