"""The command line's selection filters, its claim listings (text with a header and a count, or JSON) and its
colours. Nothing here decides.

Colour goes to a terminal only: never into a pipe or a file, never when ``NO_COLOR`` is set (any value, as
https://no-color.org asks) or ``TERM=dumb``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from typing import Sequence, TextIO

from theory import InvalidArgument

from ._claim import Claim

__all__ = ["KINDS", "PROVENANCES", "add_filters", "filtered", "kind_of", "list_text", "list_json", "colour",
           "paint"]

#: what ``--kind`` takes: the claim kinds, and ``identity`` for the implementation identities
KINDS = ("statistical", "exact", "interval", "identity")
PROVENANCES = ("paper", "derived", "observed")
_COLOURS = {"PASS": "32", "FAIL": "1;31", "INCONCLUSIVE": "33", "dim": "2", "bold": "1"}


def add_filters(parser: argparse.ArgumentParser) -> None:
    """``--paper``, ``--provenance`` and ``--kind`` (each narrows what ``--match`` selected)."""
    parser.add_argument("--paper", metavar="ARXIV_ID", help="only claims about this paper (arXiv id, e.g. 2510.01303)")
    parser.add_argument("--provenance", choices=PROVENANCES, help="only claims of this provenance")
    parser.add_argument("--kind", choices=KINDS, help="only claims of this kind (identity: implementation identities)")


def kind_of(claim: Claim) -> str:
    return "identity" if claim.checks_implementation else claim.kind.value


def filtered(claims: Sequence[Claim], args: argparse.Namespace, *, empty_ok: bool) -> tuple[Claim, ...]:
    """The claims the filters in ``args`` keep; none kept is an InvalidArgument unless ``empty_ok``."""
    kept = tuple(c for c in claims
                 if (args.paper is None or c.provenance.arxiv == args.paper)
                 and (args.provenance is None or c.provenance.source == args.provenance)
                 and (args.kind is None or kind_of(c) == args.kind))
    if not kept and not empty_ok:
        given = [f"{o} {v}" for o, v in (("--paper", args.paper), ("--provenance", args.provenance),
                                         ("--kind", args.kind)) if v is not None]
        papers = sorted({c.provenance.arxiv for c in claims if c.provenance.arxiv})
        raise InvalidArgument("the filters", " ".join(given), "ones some selected claim meets",
                              f"papers among them: {', '.join(papers) or 'none'}")
    return kept


def colour(stream: TextIO) -> bool:
    """Whether to colour what goes to ``stream``: a terminal, and no ``NO_COLOR`` or ``TERM=dumb``."""
    if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, style: str, on: bool) -> str:
    """``text`` in the colour of ``style`` (an outcome, ``dim`` or ``bold``) when ``on``."""
    code = _COLOURS.get(style)
    return f"\033[{code}m{text}\033[0m" if on and code else text


def list_text(claims: Sequence[Claim], stream: TextIO | None = None) -> None:
    """A header, one line per claim (id, kind, provenance) and the count."""
    stream = stream or sys.stdout
    on = colour(stream)
    width = max([len(c.id) for c in claims] + [5])
    print(paint(f"{'claim':{width}s}  {'kind':11s}  provenance", "bold", on), file=stream)
    for c in claims:
        print(f"{c.id:{width}s}  {kind_of(c):11s}  {c.provenance.describe()}", file=stream)
    kinds = {k: sum(kind_of(c) == k for c in claims) for k in KINDS}
    detail = ", ".join(f"{n} {k}" for k, n in kinds.items() if n)
    print(paint(f"{len(claims)} claims" + (f" ({detail})" if detail else ""), "dim", on), file=stream)


def list_json(claims: Sequence[Claim], stream: TextIO | None = None) -> None:
    """The claims as a JSON array: id, title, kind, provenance (fields and text), route, parameters, resolution."""
    records = []
    for c in claims:
        p = c.provenance
        records.append({
            "id": c.id, "title": c.title, "kind": kind_of(c),
            "provenance": {"source": p.source, "arxiv": p.arxiv, "version": p.version, "locator": p.locator,
                           "trust": p.trust, "note": p.note, "text": p.describe()},
            "independence": c.route, "parameters": {name: _plain(v) for name, v in c.values.items()},
            "thresholds": dict(c.thresholds), "resolution": c.resolution,
        })
    json.dump(records, stream or sys.stdout, indent=2, allow_nan=False)
    print(file=stream or sys.stdout)


def _plain(value):
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return number if math.isfinite(number) else str(value)
