"""Covers examples/ and the README tour: the example claim runs and PASSes, its mutation FAILs."""

import importlib.util
from pathlib import Path

import verify

from .verify.synthetic import mutated

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "my_claim.py"


def _load():
    spec = importlib.util.spec_from_file_location("my_claim", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.claim


def test_example_claim_passes_and_its_mutation_fails():
    claim = _load()
    assert verify.check(claim, seed=0).outcome == verify.PASS
    assert verify.check(mutated(claim, 2 * claim.resolution), seed=0).outcome == verify.FAIL
