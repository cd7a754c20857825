"""The report's picture files, written beside the pages that show them: the overview of discrepancies (a page of
at most ``OVERVIEW_ROWS`` claims per picture, so that it stays readable at hundreds of claims), each claim's plot
of its looks (``<claim id>.plot.png``) and its illustrations (``<claim id>.<k>.png``).

Pictures are files, not data inside report.html: the page stays light (it loads each picture lazily, as it is
scrolled to) and works offline from the report directory. Text is set at 9 pt and more at 96 dpi, the size a
browser shows at 100% zoom. Nothing here decides.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path
from typing import Callable

from ._html_plots import DPI, record_png
from .._result import RunResult

__all__ = ["OVERVIEW_ROWS", "overview", "claim_files", "png_size"]

#: claims per overview picture: 40 rows of 9-pt labels make a picture about 900 pixels high
OVERVIEW_ROWS = 40
_COLOURS = {"PASS": "tab:green", "FAIL": "tab:red", "INCONCLUSIVE": "tab:orange"}


def overview(result: RunResult, out: Path) -> list[str]:
    """Draw the discrepancy of every claim with a look, ``OVERVIEW_ROWS`` claims per picture (the axis above and
    below each); returns the file names written (``discrepancies.png``, ``discrepancies-2.png``, ...)."""
    rows = [v for v in result.verdicts if v.comparison]
    names = []
    for page, start in enumerate(range(0, len(rows), OVERVIEW_ROWS), 1):
        name = "discrepancies.png" if page == 1 else f"discrepancies-{page}.png"
        _overview_page(rows[start:start + OVERVIEW_ROWS], out / name, page, -(-len(rows) // OVERVIEW_ROWS))
        names.append(name)
    return names


def _overview_page(rows, path: Path, page: int, pages: int) -> None:
    from matplotlib.figure import Figure

    height = 0.26 * len(rows) + 1.6
    fig = Figure(figsize=(10, height))
    ax = fig.subplots()
    # fixed margins in inches (not tight_layout, which draws the figure twice): the ids at 9 pt, about 0.07 in a
    # character, on the left; the title and the upper axis' labels above; the lower axis and its label below
    left = min(0.3 + 0.07 * max(len(v.claim.id) for v in rows), 5.0)
    fig.subplots_adjust(left=left / 10, right=0.97, top=1 - 0.85 / height, bottom=0.6 / height)
    points: dict[str, tuple[list, list, list]] = {o: ([], [], []) for o in _COLOURS}
    for y, v in enumerate(rows):  # gathered per outcome: one errorbar call per colour, not per component
        c = v.comparison
        xs, ys, errs = points[v.outcome]
        for k, (d, r) in enumerate(zip(c.discrepancy, c.radius)):
            xs.append(max(min(d / c.resolution, 4), -4))
            ys.append(y + 0.15 * (k - 1) / max(len(c.discrepancy), 1))
            errs.append(min(r / c.resolution, 4))
    for outcome, (xs, ys, errs) in points.items():
        if xs:
            ax.errorbar(xs, ys, xerr=errs, fmt="o", ms=3.5, color=_COLOURS[outcome], capsize=2, ls="none")
    ax.axvspan(-1, 1, color="0.9", zorder=0)
    ax.axvline(0, color="0.4", lw=0.8)
    ax.set_yticks(range(len(rows)), [v.claim.id for v in rows], fontsize=9)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(-4.2, 4.2)
    ax.tick_params(axis="x", labelsize=9, top=True, labeltop=True)
    ax.set_xlabel("(estimate - prediction) / (resolution x |prediction|); bars: confidence radius; clipped at 4",
                  fontsize=9.5)
    ax.set_title("Discrepancy per claim and component; shaded: within resolution"
                 + (f" (part {page} of {pages})" if pages > 1 else ""), fontsize=10.5, pad=24)
    fig.savefig(path, dpi=DPI)


def png_size(png: bytes) -> list[int] | None:
    """[width, height] in pixels from a PNG's header (None if it is not one), so a page reserves its space."""
    if len(png) < 24 or png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        return None
    return list(struct.unpack(">II", png[16:24]))


def claim_files(result: RunResult, data: dict, out: Path, progress: Callable[[int, int], None] | None = None) -> None:
    """Write each claim's plot and illustrations; record their names in its record (``plot``, ``pictures``).

    A verdict drawn where it was decided brings its PNGs; one without them (taken from a store) is drawn here.
    ``progress(done, total)`` is called after each claim."""
    from ._pictures import claim_pictures

    total = len(result.verdicts)
    for done, (v, record) in enumerate(zip(result.verdicts, data["claims"]), 1):
        record["pictures"], record["picture_sizes"] = [], []
        for name, png in (v.pictures if v.pictures is not None else claim_pictures(v.claim)):
            (out / name).write_bytes(png)
            record["pictures"].append(name)
            record["picture_sizes"].append(png_size(png))
        record["plot"] = None
        if record["looks"]:
            try:
                png = v.plot if v.plot is not None else record_png(record)
            except Exception as exc:  # noqa: BLE001  (a plot that fails must not lose the report)
                record["plot_error"] = f"{type(exc).__name__}: {exc}"
                sys.stderr.write(f"plot of {record['id']} not drawn: {record['plot_error']}\n")
            else:
                (out / f"{record['id']}.plot.png").write_bytes(png)
                record["plot"], record["plot_size"] = f"{record['id']}.plot.png", png_size(png)
        if progress is not None:
            progress(done, total)
