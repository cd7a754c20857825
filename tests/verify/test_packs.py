"""Covers verify/_pack.py, verify/packs/__init__.py and the registry's loading of packs: the plug-in contract."""

import warnings

import pytest

import numerics
import theory
import verify
from theory import InvalidArgument, UnknownName
from verify import _pack
from verify.packs import BUILTIN


def _claim(claim_id):
    """A cheap exact claim (prediction 0, estimate 0 with a zero bound) for registry tests."""
    from numerics import Estimate

    return verify.Claim(id=claim_id, title="zero is zero", provenance=verify.Provenance("derived", note="a test"),
                        parameters={}, prediction=lambda values, *, dps: (0,),
                        estimator=lambda values, *, rng, n, dps: Estimate((0.0,), bound=(0.0,), method="zero"),
                        kind=verify.Kind.EXACT, resolution=1e-10)


def test_every_builtin_pack_loads_in_its_listed_order_with_its_claims():
    assert verify.installed_packs() is _pack.installed_packs()
    names = [p.name for p in _pack.installed_packs()[:len(BUILTIN)]]
    assert names == list(BUILTIN)
    for pack in _pack.installed_packs():
        ids = [c.id for c in verify.claims() if pack.owns(c.id)]
        assert ids, f"pack {pack.name} registered no claim"


def test_every_registered_claim_belongs_to_exactly_one_pack():
    for claim in verify.claims():
        owners = [p.name for p in _pack.installed_packs() if p.owns(claim.id)]
        assert len(owners) == 1, (claim.id, owners)


def test_pictures_are_looked_up_by_the_data_type_and_unknown_data_is_a_typed_error():
    lowrank = next(p for p in _pack.installed_packs() if p.name == "lowrank")
    spectrum_type = next(t for t in lowrank.pictures if t.__name__ == "Spectrum")
    assert _pack.renderer(object.__new__(spectrum_type)) is lowrank.pictures[spectrum_type]
    with pytest.raises(InvalidArgument, match="illustration"):
        _pack.renderer(3.0)


def test_claims_file_estimators_are_the_generic_ones_and_the_packs():
    names = set(_pack.estimators())
    assert {"gaussian_expectation", "gaussian_expectation_quad", "gradient_norms"} <= names


def test_derivations_come_from_packs_and_an_unknown_one_is_an_unknown_name():
    assert "lowrank" in _pack.derivations()
    with pytest.raises(UnknownName, match="derivation"):
        _pack.derivation("nonexistent")


@pytest.mark.parametrize("bad, field", [
    (dict(name="Bad Name"), "pack.name"),
    (dict(families=()), "pack.families"),
    (dict(claims=3), "pack.claims"),
    (dict(pictures={"not a type": print}), "pack.pictures"),
    (dict(estimators=("x",)), "pack.estimators"),
])
def test_a_malformed_pack_is_a_typed_error_naming_the_field(bad, field):
    fields = dict(name="demo", title="a demo", families=("demo",), claims=tuple)
    with pytest.raises(InvalidArgument, match=field):
        verify.Pack(**{**fields, **bad})


class _EntryPoint:
    def __init__(self, name, value):
        self.name, self.value = name, value

    def load(self):
        return self.value


def _discover_with(monkeypatch, *extra):
    monkeypatch.setattr(_pack, "entry_points", lambda group: [_EntryPoint(f"ep{k}", v) for k, v in enumerate(extra)])
    return _pack._discover()


def test_an_entry_point_adds_a_pack_after_the_builtin_ones(monkeypatch):
    demo = verify.Pack(name="demo", title="a demo", families=("demo",), claims=lambda: (_claim("demo.zero.is_zero"),))
    found = _discover_with(monkeypatch, demo)
    assert [p.name for p in found] == [*BUILTIN, "demo"]


@pytest.mark.parametrize("clash, field", [("lowrank", "pack.name"), ("other", "pack.families")])
def test_an_installed_pack_cannot_take_a_name_or_family_already_held(monkeypatch, clash, field):
    pack = verify.Pack(name=clash, title="clash", families=("wd",), claims=tuple)
    with pytest.raises(InvalidArgument, match=field):
        _discover_with(monkeypatch, pack)


def test_an_entry_point_that_is_not_a_pack_is_a_typed_error(monkeypatch):
    with pytest.raises(InvalidArgument, match="entry point"):
        _discover_with(monkeypatch, "not a pack")


def test_a_pack_claim_outside_its_families_is_refused(monkeypatch):
    from verify import _registry

    stray = verify.Pack(name="demo", title="a demo", families=("demo",), claims=lambda: (_claim("gauss.zero.stray"),))
    monkeypatch.setattr(_registry, "_CLAIMS", {})
    monkeypatch.setattr(_registry, "_LOADED", False)
    monkeypatch.setattr(_registry, "installed_packs", lambda: (stray,))
    with pytest.raises(InvalidArgument, match="families"):
        _registry.claims()


@pytest.mark.parametrize("facade, old, home", [
    (theory, "lyapunov", theory.fluct), (numerics, "spiked_data", numerics.lowrank),
    (theory, "derive_lowrank", theory.lowrank), (numerics, "train", numerics.wd),
])
def test_an_old_top_level_spelling_still_works_and_warns(facade, old, home):
    with pytest.warns(DeprecationWarning, match=f"moved to {home.__name__}.{old}"):
        value = getattr(facade, old)
    assert value is getattr(home, old)


def test_core_names_and_packs_are_reached_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert theory.wd.norm_bound and numerics.sloppy.inpca and theory.activation
    with pytest.raises(AttributeError):
        theory.no_such_name
