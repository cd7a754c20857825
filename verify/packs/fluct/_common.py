"""Provenance helpers and resolutions shared by the ``fluct`` family's modules (arXiv 2311.14120)."""

from __future__ import annotations

from theory import POSITIVE

from verify._claim import Parameter, Provenance

NOTE = "our note weight_fluctuations.md"
ARXIV = "2311.14120"
#: Exact (deterministic) claims must resolve 1e-10 relative in float64.
EXACT_RESOLUTION = 1e-10
#: Symbolic and rational-arithmetic claims are checked at 30 digits.
RATIONAL_RESOLUTION = 1e-20


def derived(section: str) -> Provenance:
    return Provenance("derived", arxiv=ARXIV, note=f"{NOTE} {section}")


def observed(section: str) -> Provenance:
    return Provenance("observed", arxiv=ARXIV, note=f"{NOTE} {section}")


def abstract(statement: str, ours: str) -> Provenance:
    """The paper's abstract-level statement; ``ours`` says what of the check is our operationalisation."""
    return Provenance("paper", arxiv=ARXIV, version="v4", locator=f"abstract: {statement}", note=ours)


def vector(value, domain=POSITIVE) -> Parameter:
    return Parameter(tuple(value), domain, vector=True)
