"""Pictures in the report: the shared figure helpers and the lookup of a picture's renderer.

matplotlib (Agg backend) is imported inside the functions, so importing ``verify`` stays cheap.
Nothing here decides.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from theory import InvalidArgument

from .._pack import renderer

__all__ = ["render", "pyplot", "save_figure", "claim_pictures", "DPI"]

DPI = 110


def pyplot():
    """matplotlib.pyplot on the Agg backend (imported on first use)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, plt, path) -> Path:
    """Save ``fig`` as a PNG at ``path`` and close it; an unwritable path is an InvalidArgument naming it."""
    out = Path(path)
    try:
        fig.savefig(out, dpi=DPI)
    except OSError as exc:
        raise InvalidArgument("path", str(path), f"a writable file path ({exc.strerror or exc})") from None
    finally:
        plt.close(fig)
    return out


def render(data: object, path: str | Path, *, title: str) -> Path:
    """Draw one illustration's data with the renderer its pack registered for the data's type."""
    return renderer(data)(data, path, title=title)


def claim_pictures(claim) -> tuple[tuple[str, bytes], ...]:
    """Each illustration of ``claim`` (data from numerics at the claim's values) drawn as PNG bytes, named
    ``<claim id>.<k>.png``; one that fails is skipped with a line on stderr (a failed picture must not lose the
    verdict or the report)."""
    drawn = []
    with tempfile.TemporaryDirectory(prefix="verify-pictures-") as tmp:
        for k, illustrate in enumerate(claim.illustrations):
            name = f"{claim.id}.{k}.png"
            try:
                path = render(illustrate(claim.values), Path(tmp) / name, title=claim.id)
                drawn.append((name, Path(path).read_bytes()))
            except Exception as exc:  # noqa: BLE001
                sys.stderr.write(f"picture {name} not drawn: {type(exc).__name__}: {exc}\n")
    return tuple(drawn)
