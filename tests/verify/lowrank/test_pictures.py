"""Covers verify/packs/lowrank/_pictures.py: the spectrum and phase PNGs of the low-rank gradient (arXiv 2510.01303,
Figure 1).

The files are real PNGs of the size asked for; the figures, inspected before they are closed, have one panel
per spectrum, a log x-axis that holds every outlier, ||S1|| red and ||S2|| blue at their values, heatmaps on
[0, 1] and the boundary where it was asked for. Bad inputs raise typed errors naming the parameter.
"""

import struct

import matplotlib.pyplot as plt
import numpy as np
import pytest

import theory
import verify.packs.lowrank._pictures as pictures
from numerics.lowrank._illustrations import PhaseGrid, Spectrum, gradient_spectrum, phase_grid
from numerics.lowrank._setup import Setup

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIZES = {"n": 40, "d": 50, "m": 60}


def _png_size(path):
    """(width, height) from the IHDR chunk, after checking the signature."""
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC and data[12:16] == b"IHDR" and data[-8:-4] == b"IEND"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def spectra():
    setup = Setup(activation="relu")
    return [gradient_spectrum(setup.problem({**SIZES, "nu": nu, "alpha": 0.0, "seed": 0}), label=f"nu = {nu}")
            for nu in (0.125, 0.5)]


@pytest.fixture(scope="module")
def grid():
    return phase_grid(Setup(activation="tanh"), [0.0, 0.25, 0.5], [0.0, 0.5], **SIZES, seed=0)


@pytest.fixture
def figures(monkeypatch):
    """The figures handed to save_figure, inspected after rendering (they are closed by then, but keep their
    artists)."""
    seen, save = [], pictures.save_figure

    def spy(fig, plt, path):
        seen.append(fig)
        return save(fig, plt, path)

    monkeypatch.setattr(pictures, "save_figure", spy)
    return seen


def test_spectrum_png_is_a_png_with_one_panel_per_spectrum(spectra, tmp_path, figures):
    before = set(plt.get_fignums())
    path = pictures.spectrum_png(spectra, tmp_path / "spectrum.png", title="G")
    assert set(plt.get_fignums()) == before
    width, height = _png_size(path)
    assert (width, height) == (round(4.6 * 110 * len(spectra)), round(4.0 * 110))
    axes = figures[0].axes
    assert len(axes) == len(spectra)
    for ax, sp in zip(axes, spectra):
        assert ax.get_title() == sp.label and ax.get_xscale() == "log"
        lo, hi = ax.get_xlim()  # G has rank n = 40 < d: its smallest non-zero singular value is the 40th
        assert lo <= sp.singular_values[SIZES["n"] - 1] and sp.singular_values[0] < hi
        lines = {line.get_label().split(" =")[0]: line for line in ax.get_lines()}
        assert lines["||S1||"].get_xdata()[0] == sp.s1 and lines["||S1||"].get_color() == "tab:red"
        assert lines["||S2||"].get_xdata()[0] == sp.s2 and lines["||S2||"].get_color() == "tab:blue"
        assert lines["||E|| (bulk term)"].get_xdata()[0] == sp.e
        outliers = next(line for line in ax.get_lines() if "above ||E||" in line.get_label())
        assert np.array_equal(outliers.get_xdata(), sp.singular_values[sp.singular_values > sp.e])


def test_spectrum_png_draws_zero_norms_and_a_zero_gradient(tmp_path):
    sv = np.array([3.0, 0.5, 0.2, 0.1, 1e-17, 0.0])
    zero_spike = Spectrum(sv, 1.0, 0.0, 0.0, 0.4, np.array([1.0, 0.0]), np.array([0.0, 1.0]), "no spike")
    zero = Spectrum(np.zeros(4), 0.0, 0.0, 0.0, 0.0, np.zeros(2), np.zeros(2), "G = 0")
    path = pictures.spectrum_png([zero_spike, zero], tmp_path / "edge.png", title="edge cases")
    assert _png_size(path)[0] == round(4.6 * 110 * 2)


def test_spectrum_png_rejects_an_empty_list_and_an_unwritable_path(spectra, tmp_path):
    with pytest.raises(theory.InvalidArgument) as info:
        pictures.spectrum_png([], tmp_path / "x.png", title="")
    assert info.value.name == "spectra"
    before = set(plt.get_fignums())
    with pytest.raises(theory.InvalidArgument) as info:
        pictures.spectrum_png(spectra[:1], tmp_path / "missing" / "x.png", title="")
    assert info.value.name == "path"
    assert set(plt.get_fignums()) == before  # closed even when saving fails


@pytest.mark.parametrize("boundary", [0.25, None, 0.8])
def test_phase_png_is_a_png_with_four_heatmaps_on_the_unit_range(grid, tmp_path, figures, boundary):
    before = set(plt.get_fignums())
    path = pictures.phase_png(grid, tmp_path / "phase.png", boundary=boundary, title="alignments")
    assert set(plt.get_fignums()) == before
    assert _png_size(path) == (1100, 825)
    fig = figures[0]
    heatmaps = fig.axes[:4]
    assert [ax.get_title() for ax in heatmaps] == ["|u1 . res|", "|u1 . q|", "|u2 . res|", "|u2 . q|"]
    expected = [grid.res[:, :, 0], grid.q[:, :, 0], grid.res[:, :, 1], grid.q[:, :, 1]]
    for ax, values in zip(heatmaps, expected):
        mesh = ax.collections[0]
        assert mesh.get_clim() == (0.0, 1.0)
        assert np.array_equal(np.asarray(mesh.get_array()).reshape(values.shape), values)
        assert ax.get_xlabel() == "nu" and ax.get_ylabel() == "alpha"
        xs = [line.get_xdata()[0] for line in ax.get_lines()]
        assert xs == ([] if boundary is None else [boundary])
        if boundary is not None:
            assert ax.get_xlim()[0] <= boundary <= ax.get_xlim()[1]
    assert len(fig.axes) == 5  # the four panels and the colourbar
    texts = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert texts == ([] if boundary is None else [f"derived boundary nu = {boundary:g}"])


def test_phase_png_draws_a_single_cell(tmp_path):
    one = PhaseGrid(np.array([0.3]), np.array([0.0]), np.full((1, 1, 2), 0.5), np.full((1, 1, 2), 0.5),
                    (4, 5, 6), 0, "one cell")
    _png_size(pictures.phase_png(one, tmp_path / "one.png", boundary=0.25, title="one"))


def test_phase_png_rejects_bad_grids_and_boundaries(grid, tmp_path):
    with pytest.raises(theory.InvalidArgument) as info:
        pictures.phase_png(grid, tmp_path / "x.png", boundary=float("nan"), title="")
    assert info.value.name == "boundary"
    flipped = PhaseGrid(grid.nus[::-1], grid.alphas, grid.res, grid.q, grid.sizes, grid.seed, grid.label)
    with pytest.raises(theory.InvalidArgument) as info:
        pictures.phase_png(flipped, tmp_path / "x.png", boundary=None, title="")
    assert info.value.name == "grid.nus"
    short = PhaseGrid(grid.nus, grid.alphas, grid.res[:, :2], grid.q, grid.sizes, grid.seed, grid.label)
    with pytest.raises(theory.InvalidArgument) as info:
        pictures.phase_png(short, tmp_path / "x.png", boundary=None, title="")
    assert info.value.name == "grid.res.shape"
    assert not (tmp_path / "x.png").exists()
