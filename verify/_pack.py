"""Paper packs: what a pack declares, and how the engine, the reports and the claims-file loader find it.

A pack is one paper's claims with what they need beyond the core: renderers for its pictures, estimators a
claims file may choose, and optionally a symbolic derivation for ``python -m verify derive``. Its code lives in
three folders with the same short name, ``theory/<name>/``, ``numerics/<name>/`` and ``verify/packs/<name>/``;
the last one's ``__init__`` defines ``PACK = Pack(...)``.

Built-in packs are listed once, in :data:`verify.packs.BUILTIN`; any installed distribution adds its own through
the entry-point group :data:`ENTRY_POINT_GROUP` (``theory_verifier.packs``), whose value names a :class:`Pack` or a
module defining ``PACK``. No core module names a pack: everything below is a lookup over :func:`installed_packs`.
"""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Callable, Iterable, Mapping

from theory import InvalidArgument, UnknownName

from ._claim import Claim
from ._claims_file_estimators import GENERIC_ESTIMATORS, EstimatorSpec
from .packs import BUILTIN

__all__ = ["ENTRY_POINT_GROUP", "Derivation", "Pack", "installed_packs", "renderer", "estimators", "derivations",
           "derivation"]

#: The entry-point group through which installed distributions contribute packs.
ENTRY_POINT_GROUP = "theory_verifier.packs"

#: ``renderer(data, path, *, title) -> Path``: draws one picture's data as a PNG.
Renderer = Callable[..., Path]


@dataclass(frozen=True)
class Derivation:
    """A symbolic derivation offered as ``python -m verify derive <pack>``: its options and what it prints.

    ``claims``, if given, turns the parsed options into the claims that test what was derived (``claims(args)``):
    ``derive <pack> --check`` then runs them through the engine and prints their verdicts beside the derivation.
    """

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    claims: Callable[[argparse.Namespace], tuple[Claim, ...]] | None = None


@dataclass(frozen=True)
class Pack:
    """One paper's plug-in.

    Attributes
    ----------
    name : short name, the same in every layer (``theory.<name>``, ``numerics.<name>``).
    title : one line: the paper or family, in words.
    families : the first segments its claim ids may use (``("wd",)``); ids outside them are refused.
    claims : ``claims() -> iterable of Claim``, called once, on the registry's first use.
    pictures : picture-data type -> renderer; a claim's illustration returning that type (or a tuple whose first
        element has it) is drawn by it in the report.
    estimators : claims-file estimators (:class:`EstimatorSpec`) this pack adds.
    derivation : an optional :class:`Derivation` for ``python -m verify derive``.
    """

    name: str
    title: str
    families: tuple[str, ...]
    claims: Callable[[], Iterable[Claim]] = field(repr=False)
    pictures: Mapping[type, Renderer] = field(default_factory=dict, repr=False)
    estimators: tuple[EstimatorSpec, ...] = ()
    derivation: Derivation | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not (isinstance(self.name, str) and self.name.isidentifier() and self.name.islower()):
            raise InvalidArgument("pack.name", self.name, "a lower-case identifier like 'wd'")
        if not self.families or not all(isinstance(f, str) and f.isidentifier() for f in self.families):
            raise InvalidArgument("pack.families", self.families, "a non-empty tuple of id segments like ('wd',)")
        if not callable(self.claims):
            raise InvalidArgument("pack.claims", self.claims, "a callable returning the pack's claims")
        for kind, renderer in self.pictures.items():
            if not (isinstance(kind, type) and callable(renderer)):
                raise InvalidArgument("pack.pictures", (kind, renderer), "a mapping of data type -> renderer")
        if not all(isinstance(e, EstimatorSpec) for e in self.estimators):
            raise InvalidArgument("pack.estimators", self.estimators, "a tuple of EstimatorSpec")
        object.__setattr__(self, "pictures", MappingProxyType(dict(self.pictures)))

    def owns(self, claim_id: str) -> bool:
        """Whether ``claim_id`` lies in one of this pack's families."""
        return claim_id.split(".", 1)[0] in self.families


def _as_pack(obj: object, where: str) -> Pack:
    if isinstance(obj, ModuleType):
        obj = getattr(obj, "PACK", None)
    if not isinstance(obj, Pack):
        raise InvalidArgument("pack", where, "a verify.Pack, or a module defining PACK = verify.Pack(...)")
    return obj


def _discover() -> tuple[Pack, ...]:
    found = [_as_pack(importlib.import_module(f"{__package__}.packs.{name}"), f"verify.packs.{name}")
             for name in BUILTIN]
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        found.append(_as_pack(ep.load(), f"entry point {ep.name!r} = {ep.value!r} ({ENTRY_POINT_GROUP})"))
    names, families = {}, {}
    for pack in found:
        if pack.name in names:
            raise InvalidArgument("pack.name", pack.name, "a name no other installed pack uses")
        names[pack.name] = pack
        for family in pack.families:
            if family in families:
                raise InvalidArgument("pack.families", family, f"a family not already held by pack "
                                                               f"{families[family]!r}")
            families[family] = pack.name
    return tuple(found)


_PACKS: tuple[Pack, ...] | None = None


def installed_packs() -> tuple[Pack, ...]:
    """Every pack: the built-in ones in their listed order, then installed ones by entry-point name.

    Public as ``verify.installed_packs()`` (``verify.packs`` is the subpackage of the built-in packs)."""
    global _PACKS
    if _PACKS is None:
        _PACKS = _discover()
    return _PACKS


def renderer(data: object) -> Renderer:
    """The renderer for one illustration's data: looked up by its type (a tuple's: its first element's)."""
    key = type(data[0]) if isinstance(data, tuple) and data else type(data)
    for pack in installed_packs():
        for kind in key.__mro__:
            if kind in pack.pictures:
                return pack.pictures[kind]
    known = sorted({k.__name__ for p in installed_packs() for k in p.pictures})
    raise InvalidArgument("illustration", type(data).__name__, f"data a pack can draw ({', '.join(known)})")


def estimators() -> dict[str, EstimatorSpec]:
    """Every claims-file estimator by name: the generic ones, then each pack's."""
    specs = {}
    for spec in (*GENERIC_ESTIMATORS, *(e for p in installed_packs() for e in p.estimators)):
        if spec.name in specs:
            raise InvalidArgument("estimator name", spec.name, "a name no other estimator uses")
        specs[spec.name] = spec
    return specs


def derivations() -> dict[str, Derivation]:
    """The packs' symbolic derivations by pack name."""
    return {p.name: p.derivation for p in installed_packs() if p.derivation is not None}


def derivation(name: str) -> Derivation:
    """The derivation of pack ``name``."""
    found = derivations()
    if name not in found:
        raise UnknownName("derivation", name, list(found))
    return found[name]
