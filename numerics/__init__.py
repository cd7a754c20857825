"""Estimators (numpy, scipy, mpmath): Monte Carlo and quadrature. ``numerics`` never decides.

Every estimator returns an :class:`Estimate` carrying its value(s), standard
error or bound, sample count, method, seed and precision. Randomness enters
only through an explicit ``numpy.random.Generator``.
"""

from ._estimate import Estimate, seed_of
from ._hermite import DualKernelMC, DualKernelSeries, HermiteQuadrature, dual_kernel_mc
from ._intervals import confidence_radius, detectable_discrepancy, samples_needed, upper_quantile
from ._montecarlo import GaussianMomentMC, gaussian_expectation_mc
from ._quadrature import GaussianMomentQuad, gaussian_expectation_quad

__all__ = [
    "Estimate", "seed_of",
    "DualKernelMC", "DualKernelSeries", "HermiteQuadrature", "dual_kernel_mc",
    "confidence_radius", "detectable_discrepancy", "samples_needed", "upper_quantile",
    "GaussianMomentMC", "gaussian_expectation_mc",
    "GaussianMomentQuad", "gaussian_expectation_quad",
]
