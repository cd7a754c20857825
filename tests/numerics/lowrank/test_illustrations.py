"""Covers numerics/lowrank/_illustrations.py: the data of the spectrum and phase pictures (arXiv 2510.01303, note 5.1).

Laws checked against independent numpy computations: G's singular values are descending with the largest
equal to ||G||_2; ||S1|| = (gamma/n) ||X_B^T r|| ||mu|| (note 2.3, consequence 4, with |a_j| = 1); ||E|| is
E's top singular value; the top-2 alignments are those of the decomposition. The phase grid has the
stated shape, values in [0, 1], is determined by its seed, and rejects bad grids with typed errors.
"""

import numpy as np
import pytest

import theory
from numerics.lowrank._illustrations import PhaseGrid, Spectrum, gradient_spectrum, phase_grid
from numerics.lowrank._setup import Setup

EPS = np.finfo(float).eps
SIZES = {"n": 40, "d": 50, "m": 60}


def _problem(activation="relu", nu=0.375, alpha=0.0, seed=0, **sizes):
    values = {**SIZES, **sizes, "nu": nu, "alpha": alpha, "seed": seed}
    return Setup(activation=activation).problem(values)


@pytest.mark.parametrize("activation, nu, sizes", [("relu", 0.375, {}), ("tanh", 0.125, {}),
                                                   ("relu", 0.5, {"n": 70, "d": 30, "m": 45})])
def test_spectrum_matches_independent_computations(activation, nu, sizes):
    problem = _problem(activation, nu, **sizes)
    sp = gradient_spectrum(problem, label="a label")
    dec = problem.decomposition(k=2)
    assert isinstance(sp, Spectrum) and sp.label == "a label"
    sv = sp.singular_values
    assert sv.shape == (min(dec.G.shape),)
    assert np.all(np.diff(sv) <= 0)
    top = np.linalg.norm(dec.G, 2)
    assert abs(sv[0] - top) <= 1e3 * EPS * top
    assert np.allclose(sv[:2], dec.singular_values, rtol=1e-10, atol=0)
    # ||S1|| from the vectors that build it, not from the matrix
    s1 = dec.gamma / problem.data.X_B.shape[0] * np.linalg.norm(dec.residue) * np.linalg.norm(dec.mu)
    assert abs(sp.s1 - s1) <= 1e3 * EPS * s1
    s12 = dec.gamma * dec.zeta * abs(problem.data.z @ dec.r) / problem.data.X_B.shape[0] * np.linalg.norm(dec.mu)
    assert abs(sp.s12 - s12) <= 1e3 * EPS * s12
    assert abs(sp.s2 - np.linalg.norm(dec.S2, 2)) <= 1e3 * EPS * sp.s2
    e = np.linalg.svd(dec.E, compute_uv=False)[0]
    assert abs(sp.e - e) <= 1e-10 * e
    assert np.array_equal(sp.res_alignment, dec.res_alignment)
    assert np.array_equal(sp.spike_alignment, dec.spike_alignment)
    assert np.all((sp.res_alignment >= 0) & (sp.res_alignment <= 1 + 1e-12))


def test_spectrum_at_the_lanczos_size_agrees_with_a_full_svd():
    # min(d, m) >= 200: the top triplets come from PROPACK, ||E|| from ARPACK
    problem = _problem("relu", 0.375, n=120, d=200, m=210)
    sp = gradient_spectrum(problem)
    dec = problem.decomposition(k=2)
    assert abs(sp.e - np.linalg.svd(dec.E, compute_uv=False)[0]) <= 1e-10 * sp.e
    assert np.allclose(sp.singular_values[:2], dec.singular_values, rtol=1e-10, atol=0)
    # G = (gamma/n) X^T D has rank <= n: d - n of its singular values are rounding of zero
    assert np.all(sp.singular_values[120:] <= 1e-12 * sp.singular_values[0])


def test_spectrum_arrays_are_read_only():
    sp = gradient_spectrum(_problem())
    with pytest.raises(ValueError):
        sp.singular_values[0] = 0.0


def test_linear_activation_has_no_bulk():
    # sigma' = 1: E = S2 = 0 and G = S1 + S12 (note 2.3, consequence 5), up to the rounding of E = B - S1
    sp = gradient_spectrum(_problem("identity"))
    assert sp.e <= 1e-12 * sp.s1 and sp.s2 <= 1e-12 * sp.s1
    assert sp.singular_values[1] <= 1e-12 * sp.singular_values[0]


@pytest.mark.parametrize("bad", [None, "problem", 3])
def test_spectrum_rejects_what_is_not_a_problem(bad):
    with pytest.raises(theory.InvalidArgument, match="problem"):
        gradient_spectrum(bad)


NUS, ALPHAS = [0.0, 0.25, 0.5], [0.0, 0.5]


def _grid(seed=0, nus=NUS, alphas=ALPHAS, **sizes):
    return phase_grid(Setup(activation="relu"), nus, alphas, **{**SIZES, **sizes}, seed=seed)


def test_phase_grid_shape_range_and_cells():
    grid = _grid()
    assert isinstance(grid, PhaseGrid)
    assert grid.res.shape == grid.q.shape == (len(ALPHAS), len(NUS), 2)
    assert np.array_equal(grid.nus, NUS) and np.array_equal(grid.alphas, ALPHAS)
    assert grid.sizes == (40, 50, 60) and grid.seed == 0 and "relu" in grid.label
    for values in (grid.res, grid.q):
        assert np.all((values >= 0) & (values <= 1 + 1e-12))
    # one cell, recomputed directly
    dec = Setup(activation="relu").problem({**SIZES, "nu": NUS[2], "alpha": ALPHAS[1], "seed": 0}).decomposition(k=2)
    assert np.array_equal(grid.res[1, 2], dec.res_alignment) and np.array_equal(grid.q[1, 2], dec.spike_alignment)


def test_phase_grid_is_determined_by_its_seed():
    a, b, c = _grid(seed=3), _grid(seed=3), _grid(seed=4)
    assert np.array_equal(a.res, b.res) and np.array_equal(a.q, b.q)
    assert not np.array_equal(a.res, c.res) and not np.array_equal(a.q, c.q)


@pytest.mark.parametrize("kwargs, name", [
    ({"nus": []}, "nus"), ({"alphas": []}, "alphas"), ({"nus": [-0.1, 0.2]}, "nus"),
    ({"alphas": [-1.0]}, "alphas"), ({"nus": [0.1, float("nan")]}, "nus"), ({"alphas": [0.0, np.inf]}, "alphas"),
    ({"nus": [0.3, 0.1]}, "nus"), ({"nus": [[0.1, 0.2]]}, "nus"), ({"nus": "abc"}, "nus"),
    ({"seed": -1}, "seed"), ({"seed": 1.5}, "seed"), ({"n": 0}, "n"), ({"d": 1}, "min(d, m)"),
])
def test_phase_grid_rejects_bad_input_naming_the_parameter(kwargs, name):
    with pytest.raises(theory.InvalidArgument) as info:
        _grid(**kwargs)
    assert info.value.name.startswith(name)


def test_phase_grid_rejects_what_is_not_a_setup():
    with pytest.raises(theory.InvalidArgument, match="setup"):
        phase_grid("relu", NUS, ALPHAS, **SIZES, seed=0)
