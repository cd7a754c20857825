"""Covers verify/packs/lowrank/_derive.py: ``python -m verify derive lowrank`` (text, --latex, --json, --param,
--alpha, general scalings) and its one-line errors with exit status 2."""

import argparse
import json
import subprocess
import sys

import pytest

from verify._cli import main
from verify.packs.lowrank._derive import _arguments, parse_param, regime_from_args


def _derive(capsys, *options):
    code = main(["derive", "lowrank", *options])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(("options", "boundary"), [((), "1/4"), (("--scaling", "mf"), "1/2"),
                                                   (("--scaling", "mf", "--target-mean", "nonzero"), "1/4"),
                                                   (("--weights", "aligned-signs"), "1/8"),
                                                   (("--scaling", "3/4"), "3/8"), (("--scaling", "g"), "g/2"),
                                                   (("--alpha", "1/2"), "1/8")])
def test_derive_prints_the_solved_boundary(capsys, options, boundary):
    code, out, err = _derive(capsys, *options)
    assert code == 0, err
    assert f"S2/S1: nu = {boundary}:" in out and "derived by us" in out and "validity" in out


def test_json_output_parses(capsys):
    code, out, _ = _derive(capsys, "--json", "--scaling", "g", "--activation", "erf")
    data = json.loads(out)
    assert code == 0 and data["boundaries"]["S2/S1"]["nu"] == "1/2" and data["boundaries"]["S12/S1"]["nu"] == "g/2"
    assert data["setting"]["activation"] == "erf" and "not the paper's" in data["provenance"]
    assert data["sizes"]["S1"]["latex"] and data["exponents"]["E"]["expr"] == "-g"


def test_latex_output_is_a_fragment(capsys):
    code, out, _ = _derive(capsys, "--latex", "--scaling", "mf")
    assert code == 0 and out.startswith("% derived by us")
    assert r"\begin{itemize}" in out and r"$\nu$ = $\frac{1}{2}$" in out and r"\paragraph{Legend.}" in out


def test_activation_parameters_are_passed(capsys):
    code, out, _ = _derive(capsys, "--activation", "leaky_relu", "--param", "slope=3/10", "--json")
    data = json.loads(out)
    assert code == 0 and data["setting"]["params"] == {"slope": 0.3}
    assert data["moments"]["mu"]["expr"] == "13/20"
    code, out, _ = _derive(capsys, "--activation", "hermite", "--param", "k=3")
    assert code == 0 and "no boundary" in out and "not identically" in out
    code, out, _ = _derive(capsys, "--activation", "polynomial", "--param", "coeffs=0,1,1", "--json")
    assert code == 0 and json.loads(out)["boundaries"]["S2/S1"]["nu"] == "1/4"


def test_every_boundary_has_its_reason(capsys):
    code, out, _ = _derive(capsys, "--activation", "identity")
    assert code == 0 and "S2/S1: nu = oo: S2 never overtakes S1" in out
    code, out, _ = _derive(capsys, "--activation", "quadratic")
    assert code == 0 and "S2/S1: no boundary: E sigma'(sZ) = 0" in out


@pytest.mark.parametrize(("options", "words"), [
    (("--scaling", "0.3"), ["`scaling`", "[1/2, 1]", "'0.3'"]),
    (("--scaling", "abc"), ["`scaling`", "'abc'"]),
    (("--activation", "leaky_relu", "--param", "slope=-5"), ["`slope`", "[0, 1]", "-5"]),
    (("--param", "slope=0.5"), ["relu parameter", "no parameters", "'slope'"]),
    (("--activation", "leaky_relu", "--param", "slop=0.5"), ["one of: slope", "'slop'"]),
    (("--param", "slope"), ["`--param`", "NAME=VALUE", "'slope'"]),
    (("--activation", "leaky_relu", "--param", "slope=x"), ["`--param`", "'slope=x'"]),
    (("--weights", "aligned"), ["weight construction", "'aligned'", "aligned-signs"]),
    (("--target-mean", "2"), ["`--target-mean`", "nonzero", "'2'"]),
    (("--alpha", "-1"), ["`alpha`", ">= 0", "'-1'"]),
    (("--latex", "--json"), ["one of --latex or --json"]),
])
def test_bad_input_is_one_line_with_exit_status_two(capsys, options, words):
    code, out, err = _derive(capsys, *options)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert all(w in err for w in words), err


def test_a_bad_value_never_shows_a_traceback():
    out = subprocess.run([sys.executable, "-m", "verify", "derive", "lowrank", "--activation", "tanhh"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 2 and "did you mean tanh" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_regime_from_args_is_reusable():
    parser = argparse.ArgumentParser()
    _arguments(parser)
    regime = regime_from_args(parser.parse_args(["--scaling", "3/4", "--activation", "erf", "--target-mean",
                                                 "nonzero", "--alpha", "1/2"]))
    assert str(regime.g) == "3/4" and regime.activation == "erf" and regime.target_mean and str(regime.alpha) == "1/2"
    assert parse_param("coeffs=0, 1, 1") == ("coeffs", (0, 1, 1))


def test_check_runs_the_claims_built_from_a_setting_no_claim_registers(capsys):
    """g = 2/3 with GELU (no registered claim): the derivation, then a scaling and a boundary claim built from it,
    verified end to end (a small ladder and few draws keep it fast; the verdicts are whatever the evidence says)."""
    code, out, err = _derive(capsys, "--scaling", "2/3", "--activation", "gelu", "--target-mean", "nonzero",
                             "--check", "--budget", "quick", "--ladder", "40,80", "--draws", "6", "--quiet")
    assert code in (0, 1), err
    assert "S2/S1: nu = 1/4:" in out and "check: 2 claims built from the derivation" in out
    for claim_id in ("derived.regime.g2_3.gelu.isotropic.mean", "derived.boundary.s2_s1.g2_3.gelu.isotropic.mean"):
        assert any(line.split()[1:2] == [claim_id] and line.split()[0] in ("PASS", "FAIL", "INCONCLUSIVE")
                   for line in out.splitlines()), claim_id
    assert "predicted (derived): exponent of S2/S1 = 2*nu - 1/2" in out


@pytest.mark.parametrize(("options", "message"), [
    (("--scaling", "g", "--check"), "symbolic g"),
    (("--check", "--ladder", "40,x"), "--ladder"),
    (("--check", "--draws", "1"), "--draws"),
    (("--check", "--seed", "-1"), "--seed"),
])
def test_check_refuses_bad_input_in_one_line(capsys, options, message):
    try:
        code = main(["derive", "lowrank", *options])
    except SystemExit as exc:  # argparse's usage error
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
