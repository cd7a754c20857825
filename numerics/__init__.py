"""Estimators (numpy, scipy, mpmath): Monte Carlo and quadrature. ``numerics`` never decides.

Every estimator returns an :class:`Estimate` carrying its value(s), standard
error or bound, sample count, method, seed and precision. Randomness enters
only through an explicit ``numpy.random.Generator``.

The core, exported here: estimates and confidence intervals, sampling, quadrature and Monte Carlo of Gaussian
moments, Hermite and dual-kernel estimators, finite differences, float64 rounding bounds, chain statistics, the
SGD engine, and the claims-file formula estimators. Each paper pack has a subpackage, imported on first use:
:mod:`numerics.lowrank`, :mod:`numerics.fluct`, :mod:`numerics.sloppy`, :mod:`numerics.wd`.
"""

from ._estimate import Estimate, seed_of
from ._hermite import DualKernelMC, DualKernelSeries, HermiteQuadrature, dual_kernel_mc
from ._intervals import (SAMPLES_NEEDED_CAP, confidence_bounds, confidence_radius, detectable_discrepancy,
                         samples_needed, upper_quantile)
from ._montecarlo import GaussianMomentMC, gaussian_expectation_mc
from ._quadrature import GaussianMomentQuad, gaussian_expectation_quad
from ._finite_difference import finite_difference_gradient
from ._rounding import ExactIdentity, gamma_k, rounding_bound
from ._formula_estimators import MC_MAX_EVALUATIONS, FormulaExpectationMC, FormulaExpectationQuad
from ._sampling import MC_CHUNK_BYTES
from ._chain_stats import (BatchMeans, ChainMoments, ChainStatistic, batch_means, chain_statistic,
                           covariance_components, integrated_autocorrelation_time)
from ._sgd import CHAIN_BLOCK, FiniteDataSGD, OnlineLinearSGD, TwoLayerSGD
from ._draws import Mapper, drawing_with, map_draws
from ._arrays import draw_seeds

from theory._moved import facade_attribute as _facade_attribute

__all__ = [
    "Estimate", "seed_of", "DualKernelMC", "DualKernelSeries", "HermiteQuadrature", "dual_kernel_mc",
    "confidence_bounds", "confidence_radius", "detectable_discrepancy", "samples_needed", "SAMPLES_NEEDED_CAP",
    "upper_quantile", "GaussianMomentMC", "gaussian_expectation_mc", "GaussianMomentQuad", "gaussian_expectation_quad",
    "finite_difference_gradient", "ExactIdentity", "gamma_k", "rounding_bound", "FormulaExpectationMC",
    "MC_CHUNK_BYTES", "MC_MAX_EVALUATIONS", "FormulaExpectationQuad", "BatchMeans", "ChainMoments", "ChainStatistic",
    "batch_means", "chain_statistic",
    "covariance_components", "integrated_autocorrelation_time", "CHAIN_BLOCK", "FiniteDataSGD", "OnlineLinearSGD",
    "TwoLayerSGD", "Mapper", "draw_seeds", "drawing_with", "map_draws"
]


def __getattr__(name: str):
    """Packs as subpackages imported on first use (``numerics.wd``); old spellings of their names warn."""
    return _facade_attribute(__name__, name)
