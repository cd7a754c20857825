"""Covers verify/_catalogue/weight_decay.py and verify/_pictures_wd.py: the wd claims (C1-C20 of our note
lowrank_bias_merging.md) with their tags, failing when moved, spending no rate, and their pictures."""

import dataclasses

import pytest

import verify
from verify import Kind
from verify._interval import Ranges

WD = verify.select("wd.*")


def test_every_c_claim_is_present_with_its_tag():
    numbers = {c.id.split(".")[1] for c in WD}
    assert numbers == {f"c{k}" for k in range(1, 21)}
    tags = {c.id: c.provenance.source for c in WD}
    assert tags["wd.c19.merge_performs_as_well"] == "paper"
    assert tags["wd.c20.trained_output_merge"] == "observed"
    assert {s for i, s in tags.items() if i not in ("wd.c19.merge_performs_as_well",
                                                    "wd.c20.trained_output_merge")} == {"derived"}
    paper = verify.get("wd.c19.merge_performs_as_well").provenance
    assert paper.arxiv == "2502.17340" and paper.version == "v2" and "abstract" in paper.locator


def test_no_wd_claim_spends_the_run_rate():
    assert not any(c.spends_rate for c in WD)
    others = [c for c in verify.claims() if not c.id.startswith("wd.")]
    assert verify.per_claim_rate(verify.claims(), 1e-3) == verify.per_claim_rate(others, 1e-3)


@pytest.mark.parametrize("claim", [c for c in WD if c.kind is Kind.INTERVAL], ids=lambda c: c.id)
def test_interval_claim_fails_when_its_range_excludes_the_estimate(claim):
    estimate = claim.estimator(claim.values)
    ranges = claim.prediction(claim.values, dps=claim.dps)
    moved = []
    for (lo, hi), v in zip(ranges, estimate.value):   # a range just above (or below) each estimate
        v = float(v)
        moved.append((v + 1.0, v + 2.0) if hi != v else (v - 2.0, v - 1.0))
    claim = dataclasses.replace(claim, prediction=Ranges(tuple(moved), "moved"))
    assert verify.check(claim).outcome == verify.FAIL


def test_a_declared_deterministic_estimator_must_return_a_bound():
    from numerics import Estimate

    @dataclasses.dataclass(frozen=True)
    class Liar:
        deterministic = True

        def __call__(self, values, *, rng, n, dps):
            return Estimate((0.5,), std_error=(0.1,), n_samples=n)

    claim = dataclasses.replace(verify.get("wd.c20.trained_output_merge"), estimator=Liar(),
                                prediction=Ranges(((0.0, 1.0),), "r"))
    with pytest.raises(verify.InvalidArgument, match="deterministic"):
        verify.check(claim)


def test_wd_pictures_are_drawn(tmp_path):
    from verify._pictures import render

    for claim_id in ("wd.c4.norm_preservation", "wd.c12.rank_data_span", "wd.c13.rank_one_linear",
                     "wd.c17.merge_bound"):
        claim = verify.get(claim_id)
        for k, illustrate in enumerate(claim.illustrations):
            path = render(illustrate(claim.values), tmp_path / f"{claim_id}.{k}.png", title=claim_id)
            assert path.stat().st_size > 10_000
