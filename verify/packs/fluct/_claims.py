"""Family ``fluct``: SGD weight fluctuations in linear networks (arXiv 2311.14120, Gross, Raulf, Räth).

Sources, with the tags of our note (``weight_fluctuations.md``): the paper's full
text was not available to us. Its abstract (v4) gives qualitative statements
(single layer: the noise spectrum deviates from the Hessian's, broken detailed
balance, anisotropic fluctuations under an effectively isotropic loss; two layers:
an inverse variance-flatness relation in the second layer). Claims that check
those statements carry the paper's provenance with the locator "abstract", and
say which operationalisation (threshold, setting) is ours. Every formula, and
every B-claim of the note's catalogue (section 5), is **derived by us** or
**observed** in our simulations, and is tagged so.

Exact claims compare two deterministic routes against a derived rounding bound;
statistical ones draw fresh samples at each look; interval claims state the range
a quantity must lie in. Where a simulation has an O(eta) discretisation bias
against a continuum (eta -> 0) prediction, the bias model is declared in the
claim's assumptions and removed by Richardson extrapolation over two step sizes
(:class:`numerics.fluct.Extrapolated`), not by widening the tolerance.
"""

from __future__ import annotations

import math

from numerics.fluct import (DeviationExponent, FourthMomentExact, GradientNoiseMC, IsotropicLoss, IvfrFitMC,
                            MinibatchEnumeration, MinibatchPrediction, NoiseHessianGap)
from numerics import ExactIdentity
from theory import COUNT, POSITIVE, REAL, Interval
from theory.fluct import GradientNoisePrediction, IvfrExponent

from verify._claim import Claim, Kind, Parameter
from verify._interval import Ranges
from . import _common as common
from ._sgd_claims import sgd_claims

UNIT_OPEN = Interval(-1, 1, low_open=True, high_open=True)
derived, observed, abstract, vector = common.derived, common.observed, common.abstract, common.vector
NOTE, EXACT_RESOLUTION, RATIONAL_RESOLUTION = common.NOTE, common.EXACT_RESOLUTION, common.RATIONAL_RESOLUTION


def _noise_claims():
    values = {"lam": vector((1.0, 0.5, 2.0, 0.25)), "rho": Parameter(0.3, UNIT_OPEN),
              "delta": vector((0.5, 0.4, 0.3, 0.6), REAL), "sigma2": Parameter(1.0, POSITIVE)}
    yield Claim(id="fluct.b1.noise_covariance.mc", kind=Kind.STATISTICAL, resolution=0.02, n_start=1 << 20,
                title="B1: for x ~ N(0, Sigma), y = wbar^T x + eps, the per-sample gradient has E g = Sigma delta and "
                      "Cov g = (sigma2 + delta^T Sigma delta) Sigma + Sigma delta delta^T Sigma",
                provenance=derived("section 3.1 (Isserlis), B1"), parameters=values,
                prediction=GradientNoisePrediction(), estimator=GradientNoiseMC(),
                assumptions=("Sigma_ii = lam_i, Sigma_ij = rho sqrt(lam_i lam_j)", "delta = w - wbar fixed",
                             "components: E g, then the upper triangle of Cov g, row by row"))
    for n in (2, 3):
        yield Claim(id=f"fluct.b1.isserlis.n{n}", kind=Kind.EXACT, resolution=RATIONAL_RESOLUTION,
                    title=f"B1 (symbolic, n = {n}): E[(x^T delta)^2 x x^T] = (delta^T Sigma delta) Sigma + "
                          "2 Sigma delta delta^T Sigma, the moment generating function route against Isserlis",
                    provenance=derived("section 3.1, B1 (SymPy check)"), parameters={"n": Parameter(n, COUNT)},
                    prediction=ExactIdentity(1, "entries of (MGF route - Isserlis) that do not expand to 0: none"),
                    estimator=FourthMomentExact(), assumptions=("Sigma symmetric with symbolic entries",))
    for replacement, label, factor in ((True, "with_replacement", "1/B"),
                                       (False, "without_replacement", "(M - B)/(B (M - 1))")):
        yield Claim(id=f"fluct.b2.minibatch.{label}", kind=Kind.EXACT, resolution=RATIONAL_RESOLUTION,
                    title=f"B2: the batch-mean gradient's covariance is {factor} times the per-sample covariance "
                          f"({label.replace('_', ' ')})",
                    provenance=derived("section 2 (standard sampling theory), B2"),
                    parameters={"M": Parameter(10, COUNT), "B": Parameter(3, COUNT), "N": Parameter(3, COUNT),
                                "replacement": Parameter(int(replacement), Interval(0, 1, integer=True))},
                    prediction=MinibatchPrediction(), estimator=MinibatchEnumeration(),
                    assumptions=("per-sample gradients: the fixed integer dataset "
                                 "numerics.fluct.integer_gradients(M, N)",
                                 "batches uniformly distributed"))


def _finite_data_claims():
    shared = {"sigma2": Parameter(1.0, POSITIVE), "batch": Parameter(1, COUNT)}
    yield Claim(id="fluct.b9.deviation_exponent", kind=Kind.INTERVAL, resolution=0.05, n_start=8,
                title="B9: ||Cbar - kappa H||_F / ||kappa H||_F decays like (M - N)^(-1/2): the fitted exponent "
                      "over N = 50..400 at M/N = 1.2 lies in [-0.6, -0.4]",
                provenance=observed("section 3.2 (table), B9: exponent -0.5 +- 0.1 as the note states it"),
                parameters={"sizes": vector((50, 100, 200, 400), COUNT), "ratio": Parameter(1.2, POSITIVE), **shared},
                prediction=Ranges(((-0.6, -0.4),), "fitted exponent of the relative deviation in (M - N)"),
                estimator=DeviationExponent(),
                assumptions=("rows of X i.i.d. N(0, I_N), realizable teacher, label noise averaged (Cbar)",
                             "the band +-0.1 is the note's statement of an observed law, not a derived bound"))
    yield Claim(id="fluct.b9.noise_not_hessian", kind=Kind.INTERVAL, resolution=0.01, n_start=8,
                title="In the weakly underparameterized single layer (M/N = 1.05, N = 100) the SGD noise covariance "
                      "deviates notably from the Hessian (relative deviation > 0.1) and does not commute with it",
                provenance=abstract("single layer, weakly underparameterized: the noise spectrum deviates notably "
                                    "from the Hessian's; broken detailed balance",
                                    f"'notably' read by us as a relative Frobenius deviation above 0.1 and broken "
                                    f"detailed balance as [H, Cbar] != 0 (commutator above 1e-3); {NOTE} 3.2, 3.4"),
                parameters={"N": Parameter(100, COUNT), "ratio": Parameter(1.05, POSITIVE), **shared},
                prediction=Ranges(((0.1, math.inf), (1e-3, math.inf)), "relative deviation, commutator norm"),
                estimator=NoiseHessianGap(),
                assumptions=("rows of X i.i.d. N(0, I_N), label-noise-averaged noise Cbar at the least-squares "
                             "minimum",))
    yield Claim(id="fluct.b10.isotropic_loss", kind=Kind.INTERVAL, resolution=0.01, n_start=8,
                title="B10: at M/N = 1.05, N = 100 the stationary covariance is anisotropic (S_max/S_min > 5) but the "
                      "curvature along its principal directions is nearly constant (CV < 0.3, |corr| < 0.25)",
                provenance=abstract("single layer: the weight fluctuations are anisotropic but effectively experience "
                                    "an isotropic loss",
                                    f"thresholds and setting ours ({NOTE} 3.5, B10): S = Lyapunov solution with Cbar"),
                parameters={"N": Parameter(100, COUNT), "ratio": Parameter(1.05, POSITIVE),
                            "eta": Parameter(0.01, POSITIVE), **shared},
                prediction=Ranges(((5.0, math.inf), (0.0, 0.3), (0.0, 0.25)),
                                  "mean S_max/S_min, mean CV of u_i^T H u_i, mean |corr(log sigma_i^2, log kappa_i)|"),
                estimator=IsotropicLoss(),
                assumptions=("continuum (Ornstein-Uhlenbeck) linearisation: H S + S H = eta Cbar",))


def _ivfr_fit_claims():
    for case in ("boltzmann", "hessian", "squared"):
        estimator = IvfrFitMC(case, extrapolate=case != "hessian")
        yield Claim(id=f"fluct.b15.ivfr_fit.{case}", kind=Kind.STATISTICAL, resolution=0.05, n_start=64 * 1024,
                    scale_floor=2.0,
                    title=f"B15: the IVFR fit protocol recovers the exponent of the {case!r} reference case "
                          f"({IvfrExponent.describe(case)}) from samples of the stationary law",
                    provenance=derived("section 3.8, B15 (tests our measurement code, not the paper)"),
                    parameters={"h": vector(tuple(10 ** (-2 + 2 * k / 19) for k in range(20))),
                                "eta": Parameter(0.1, POSITIVE), "loss0": Parameter(1.0, POSITIVE)},
                    prediction=IvfrExponent(case), estimator=estimator,
                    assumptions=("H = Q diag(h) Q^T, Q the orthonormal DCT-II basis; h spread over two decades",
                                 "resolution is absolute on the scale 2 (|psi| of the equilibrium relation)"),
                    illustrations=(estimator.picture,))


def claims() -> tuple:
    """This module's claims, in order."""
    return (*_noise_claims(), *_finite_data_claims(), *_ivfr_fit_claims(), *sgd_claims())
