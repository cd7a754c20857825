"""Pictures in the report: the shared figure helpers and the lookup of a picture's renderer.

matplotlib (Agg backend) is imported inside the functions, so importing ``verify`` stays cheap.
Nothing here decides.
"""

from __future__ import annotations

from pathlib import Path

from theory import InvalidArgument

from .._pack import renderer

__all__ = ["render", "pyplot", "save_figure", "DPI"]

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
