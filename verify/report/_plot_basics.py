"""What every panel of the per-claim plot shares: the resolution of the pictures, outcome colours, how numbers are
written and clipped, symmetric limits, and where components go (their names, and positions read from them)."""

from __future__ import annotations

import math
import re

from .._verdict import FAIL, INCONCLUSIVE, PASS

__all__ = ["DPI", "NAMED_COMPONENTS", "number"]

#: 96 dots per inch, as browsers assume: the figure shows at its size in inches at 100% zoom, its text at its
#: size in points (10 pt and more)
DPI = 96

_COLOUR = {PASS: "tab:green", FAIL: "tab:red", INCONCLUSIVE: "tab:orange"}
_CLIP = 1e100  # plotted values are clipped here (a discrepancy may be recorded as large as 1e300)


def number(x: object, digits: int = 3) -> str:
    """A number for a label or a table cell: ``-`` for None, ``inf``/``-inf``, else ``digits`` significant digits."""
    if x is None:
        return "-"
    v = float(x)
    return "inf" if v == math.inf else ("-inf" if v == -math.inf else f"{v:.{digits}g}")


def _clip(x: object) -> float:
    return max(min(float(x), _CLIP), -_CLIP)


def _limits(values: list[float], res: float | None = None) -> tuple[float, float]:
    """Symmetric limits around 0 holding ``values``, and the +-``res`` band unless it dwarfs them."""
    ext = max([abs(v) for v in values] + [0.0])
    if res is not None and (ext == 0 or res <= 10 * ext):
        ext = max(ext, res)
    ext = ext or 1.0
    return -1.15 * ext, 1.15 * ext


def _span(values: list[float]) -> tuple[float, float]:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    pad = 0.08 * (hi - lo) or 0.05 * max(abs(lo), 1.0)
    return lo - pad, hi + pad


#: Components beyond this many are drawn in one colour, with numbered (not labelled) rows.
NAMED_COMPONENTS = 8


def _names(record: dict) -> list[str]:
    """The components' labels (``k=3, s=0.5``; the record's ``components``), or their indices."""
    return record.get("components") or [f"[{k}]" for k in range(len(record["looks"][-1]["estimate"]))]


_LABEL = re.compile(r"^(\w+)=([-+]?[0-9][0-9.eE+-]*)(?:, (.+))?$")


def _columns(record: dict) -> tuple[list[float], list[str], str]:
    """Where each component goes along x: when every label reads ``key=number[, rest]`` with one key (``k=3,
    s=0.5``), at its number, one series per ``rest``; else at its index. Returns positions, series, axis name."""
    names = _names(record)
    found = [_LABEL.match(x) for x in names]
    if all(found) and len({m.group(1) for m in found}) == 1:
        try:
            return [float(m.group(2)) for m in found], [m.group(3) or "" for m in found], found[0].group(1)
        except ValueError:
            pass
    return [float(k) for k in range(len(names))], [""] * len(names), "component"


def _power(extent: float) -> tuple[float, str]:
    """A power of ten to divide values by so that tick labels need no offset text (which collides with the axis
    label), and the note that says so; (1, "") when plain ticks read well."""
    if not extent or not math.isfinite(extent) or 1e-3 <= extent < 1e4:
        return 1.0, ""
    e = math.floor(math.log10(extent))
    return 10.0 ** e, f", in units of 1e{e}"
