"""The registry of claims: register, list, look up and select by pattern.

The packs' claims (:func:`verify.installed_packs`) are registered on the registry's first use, so ``import verify``
stays cheap (the pytest plugin imports it).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence

from theory import InvalidArgument, UnknownName

from ._claim import Claim
from ._pack import installed_packs

__all__ = ["register", "claims", "get", "select", "select_with_files"]

_CLAIMS: dict[str, Claim] = {}
_LOADED = False


def _load_catalogue() -> None:
    """Register every pack's claims on first use; a claim outside its pack's families is an error."""
    global _LOADED
    if not _LOADED:
        _LOADED = True
        for pack in installed_packs():
            for claim in pack.claims():
                if not pack.owns(claim.id):
                    raise InvalidArgument(f"claim id of pack {pack.name!r}", claim.id,
                                          f"an id in the pack's families ({', '.join(pack.families)})")
                register(claim)


_PATTERN = re.compile(r"^[a-z0-9_.*?\[\]!-]+$")


def register(claim: Claim, *, replace: bool = False) -> Claim:
    """Add ``claim`` to the registry; an id already taken is an error unless ``replace``."""
    _load_catalogue()
    if not isinstance(claim, Claim):
        raise InvalidArgument("claim", type(claim).__name__, "a verify.Claim")
    if claim.id in _CLAIMS and not replace:
        raise InvalidArgument("claim.id", claim.id, "an id not already registered (pass replace=True to override)")
    _CLAIMS[claim.id] = claim
    return claim


def claims() -> tuple[Claim, ...]:
    """Every registered claim, sorted by id."""
    _load_catalogue()
    return tuple(_CLAIMS[k] for k in sorted(_CLAIMS))


def get(claim_id: str) -> Claim:
    """The claim registered under ``claim_id``; an id of another type is an InvalidArgument, an unknown one an
    UnknownName (with the closest ids)."""
    if not isinstance(claim_id, str):
        raise InvalidArgument("claim_id", claim_id, "a claim id (a str like 'gauss.relu.mean_derivative.mc')")
    _load_catalogue()
    if claim_id not in _CLAIMS:
        raise UnknownName("claim id", claim_id, list(_CLAIMS))
    return _CLAIMS[claim_id]


def select(pattern: str | None, among: tuple[Claim, ...] | None = None) -> tuple[Claim, ...]:
    """Claims whose id matches ``pattern``: a glob (``gauss.*.mc``) or, without wildcards, an id prefix.

    ``among`` defaults to the registered claims (a claims file's claims, say).
    A malformed pattern, or one that matches nothing, is an error.
    """
    pool = claims() if among is None else _among(among)
    if pattern is None:
        return pool
    if not isinstance(pattern, str) or not _PATTERN.match(pattern) or pattern.count("[") != pattern.count("]"):
        raise InvalidArgument("pattern", pattern, "a glob over claim ids (letters, digits, _ . - * ? [ ] !)")
    if any(c in pattern for c in "*?["):
        chosen = [c for c in pool if fnmatch.fnmatchcase(c.id, pattern)]
    else:
        chosen = [c for c in pool if c.id == pattern or c.id.startswith(pattern.rstrip(".") + ".")]
    if not chosen:
        prefixes = sorted({c.id.split(".")[0] + ".*" for c in pool})
        raise InvalidArgument("pattern", pattern,
                              f"a pattern matching at least one claim (families: {', '.join(prefixes)})")
    return tuple(chosen)


def _among(among: object) -> tuple[Claim, ...]:
    if isinstance(among, (str, bytes, dict)) or not isinstance(among, Iterable):
        raise InvalidArgument("among", among, "None or a sequence of verify.Claim")
    pool = tuple(among)
    for claim in pool:
        if not isinstance(claim, Claim):
            raise InvalidArgument("among", claim, "verify.Claim entries (this one is not)")
    return pool


def select_with_files(pattern: str | None, files: Mapping[str, Sequence[Claim]],
                      option: str = "--claims-file") -> tuple[Claim, ...]:
    """The claims of a run to which claims files (path -> their claims) add claims: without a pattern, the files'
    claims; with one, those the pattern selects among the registered claims and the files' together. An id declared
    twice across the files is an error, and so is a file none of whose claims the pattern selects (it would
    silently be left out); both name the file."""
    seen: set[str] = set()
    for path, found in files.items():
        for claim in found:
            if claim.id in seen:
                raise InvalidArgument(option, path, f"files whose claim ids differ ({claim.id!r} is repeated)")
            seen.add(claim.id)
    loaded = tuple(c for found in files.values() for c in found)
    if pattern is None:
        return loaded
    chosen = select(pattern, claims() + loaded)
    ids = {c.id for c in chosen}
    for path, found in files.items():
        if found and not any(c.id in ids for c in found):
            raise InvalidArgument(option, path, f"a file some of whose claims the pattern {pattern!r} selects (it "
                                  "selects among the built-in claims and the files' claims: none of this file's)")
    return chosen
