"""Pictures in the report: the shared figure helpers and the lookup of a picture's renderer.

matplotlib (Agg backend) is imported inside the functions, so importing ``verify`` stays cheap.
Nothing here decides.
"""

from __future__ import annotations

from pathlib import Path

from theory import InvalidArgument

__all__ = ["render"]

DPI = 110


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, plt, path) -> Path:
    out = Path(path)
    try:
        fig.savefig(out, dpi=DPI)
    except OSError as exc:
        raise InvalidArgument("path", str(path), f"a writable file path ({exc.strerror or exc})") from None
    finally:
        plt.close(fig)
    return out


def render(data: object, path: str | Path, *, title: str) -> Path:
    """Draw one illustration's data: spectra (one or a tuple), a (phase grid, boundary) pair, variance-flatness
    panels, the sloppiness pictures (embedding spectrum, ribbon), or the weight-decay pictures (layer spectra, layer
    norms, merge curve)."""
    from numerics import PhaseGrid, Spectrum

    if isinstance(data, Spectrum):
        data = (data,)
    if isinstance(data, tuple) and data and all(isinstance(x, Spectrum) for x in data):
        from ._pictures_lowrank import spectrum_png

        return spectrum_png(data, path, title=title)
    if isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], PhaseGrid):
        from ._pictures_lowrank import phase_png

        return phase_png(data[0], path, boundary=data[1], title=title)
    from numerics import VarianceFlatness

    if isinstance(data, VarianceFlatness):
        data = (data,)
    if isinstance(data, tuple) and data and all(isinstance(x, VarianceFlatness) for x in data):
        from ._pictures_ivfr import variance_flatness_png

        return variance_flatness_png(data, path, title=title)
    from numerics import EmbeddingSpectrum, Ribbon

    if isinstance(data, (EmbeddingSpectrum, Ribbon)):
        from ._pictures_ribbon import embedding_spectrum_png, ribbon_png

        draw = embedding_spectrum_png if isinstance(data, EmbeddingSpectrum) else ribbon_png
        return draw(data, path, title=title)
    from numerics import LayerNorms, LayerSpectra, MergeCurve

    if isinstance(data, (LayerSpectra, LayerNorms, MergeCurve)):
        from ._pictures_wd import layer_norms_png, layer_spectra_png, merge_png

        draw = {LayerSpectra: layer_spectra_png, LayerNorms: layer_norms_png, MergeCurve: merge_png}[type(data)]
        return draw(data, path, title=title)
    raise InvalidArgument("illustration", type(data).__name__, "a Spectrum, a tuple of them, (PhaseGrid, boundary), "
                          "VarianceFlatness panels, an EmbeddingSpectrum, a Ribbon, LayerSpectra, LayerNorms or a "
                          "MergeCurve")
