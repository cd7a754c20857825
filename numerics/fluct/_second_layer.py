r"""Second-layer fluctuations of a two-layer linear network simulated by online SGD (our note
``weight_fluctuations.md`` section 3.7; the paper's abstract-level IVFR statement and B12).

The network f(x) = W2 W1 x starts at the balanced minimum of the claim's teacher
(:func:`numerics.fluct.two_layer_problem`) and runs online SGD (:class:`numerics._sgd.TwoLayerSGD`)
in many independent chains. Each record holds

* the coordinates of the W2 part of Pi (theta - theta*) along the directions u_a v_j^T
  (u_a, alpha_a: eigenpairs of W2* W2*^T; v_j, beta_j: of W1* W1*^T, at the start), Pi the
  range projector at the start: the gauge directions ker J are unconfined and drift
  (note 3.7, caveat), so they are projected out as in B11;
* the curvature of the loss along u_a v_j^T at the current first layer, ||u_a v_j^T W1||_F^2 =
  v_j^T W1 W1^T v_j (x ~ N(0, I): the loss is quadratic in W2 at fixed W1).

From the grand averages over chains: the stationary variance along each direction, its mean
curvature, and least-squares fits of log variance on log curvature. Standard errors: the
delete-a-group jackknife over chains (:func:`numerics.chain_statistic`). Nothing here uses
the closed form (eta kappa / 2) beta / (beta + alpha) except :class:`SecondLayerExponentPrediction`,
which is the prediction of the derived claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Mapping

import numpy as np

from theory import InvalidArgument
from theory.fluct import flatness, layer_variances, range_projector

from .._chain_stats import chain_statistic
from .._estimate import Estimate, seed_of
from .._sgd import TwoLayerSGD
from ._ivfr_fit import fit_exponent

__all__ = ["SecondLayerDirections", "second_layer_directions", "SecondLayerSGD", "SecondLayerExponentPrediction",
           "coupling_exponents", "log_slope"]

BURN_IN_TIME = 7.0


@dataclass(frozen=True)
class SecondLayerDirections:
    """The W2 directions u_a v_j^T (rows of ``basis``, vec row-major) with their coupling alpha_a and the
    index j of their first-layer eigenvector v_j (a column of ``v``)."""

    basis: np.ndarray
    coupling: np.ndarray
    column: np.ndarray
    v: np.ndarray


def second_layer_directions(W2: np.ndarray, W1: np.ndarray) -> SecondLayerDirections:
    """The directions u_a v_j^T with alpha_a > 0 (u_a in col W2: the others carry no coupling and no IVFR)."""
    alpha, U = np.linalg.eigh(W2 @ W2.T)
    _, V = np.linalg.eigh(W1 @ W1.T)
    keep = alpha > max(W2.shape) * np.finfo(float).eps * max(float(alpha.max()), 1.0)
    rows, coupling, column = [], [], []
    for a in np.flatnonzero(keep):
        for j in range(V.shape[1]):
            rows.append(np.outer(U[:, a], V[:, j]).ravel())
            coupling.append(alpha[a])
            column.append(j)
    return SecondLayerDirections(np.array(rows), np.array(coupling), np.array(column), V)


def log_slope(variances: np.ndarray, curvatures: np.ndarray) -> float:
    """Least-squares slope of log variance on log curvature (positive: variance grows with curvature)."""
    return float(np.polyfit(np.log(curvatures), np.log(variances), 1)[0])


def coupling_exponents(variances, curvatures, coupling, loss0: float) -> np.ndarray:
    """Per coupling alpha (ascending): the exponent psi of sigma^2 ~ F^-psi fitted over the directions with that
    alpha, with the Feng-Tu flatness F of the quadratic valley of each curvature (note 3.8)."""
    variances, curvatures, coupling = (np.asarray(a, dtype=float) for a in (variances, curvatures, coupling))
    out = []
    for alpha in np.unique(coupling):
        pick = coupling == alpha
        out.append(fit_exponent(variances[pick], np.asarray(flatness(curvatures[pick], loss0), dtype=float))[0])
    return np.array(out)


def _loss0(values: Mapping[str, object], W2: np.ndarray) -> float:
    """The population loss at the minimum, O sigma2 / 2 (the reference of the flatness)."""
    return W2.shape[0] * float(values["sigma2"]) / 2


@dataclass(frozen=True)
class SecondLayerExponentPrediction:
    """Prediction (derived, note 3.7): per coupling alpha_a, the exponent psi fitted to the closed-form variances
    (eta kappa/2) beta_j / (beta_j + alpha_a) against the flatness of the curvatures beta_j, by the same fit as the
    estimator. ``scale`` multiplies the result (1; a mutation check sets it otherwise)."""

    scale: float = 1.0

    def __call__(self, values: Mapping[str, object], *, dps: int = 30) -> tuple:
        from ._stationary import two_layer_problem

        W2, W1, _ = two_layer_problem(values)
        lv = layer_variances(W2, W1, float(values["eta"]), float(values["sigma2"]) / int(values["batch"]))
        keep = (lv.coupling > 0) & (lv.variances > 0)
        psi = coupling_exponents(lv.variances[keep], lv.curvatures[keep], lv.coupling[keep], _loss0(values, W2))
        return tuple((self.scale * psi).tolist())

    def expression(self, values=None) -> str:
        return ("psi_a fitted to sigma^2_aj = (eta kappa/2) beta_j / (beta_j + alpha_a) against F_j ~ beta_j^(-1/2), "
                "per coupling alpha_a (local exponent 2 alpha/(alpha + beta))")


@dataclass(frozen=True)
class SecondLayerSGD:
    """Estimator: from online SGD chains of the two-layer network, either

    * ``what="slope"``: the least-squares slope of log variance on log curvature over all directions u_a v_j^T
      with alpha_a > 0 (one component; positive: the variance increases with the curvature); or
    * ``what="exponents"``: per coupling alpha_a (ascending), the fitted exponent psi of sigma^2 ~ F^-psi.

    Values: ``teacher``, ``O``, ``N``, ``K``, ``eta``, ``sigma2``, ``batch``. ``n`` is the number of chains.
    """

    what: str = "slope"
    window_time: float = 100.0
    thin: int = 10
    groups: int = 64
    route: ClassVar[str] = "simulation"
    maps_draws: ClassVar[bool] = True  # its chain blocks go through numerics.map_draws (numerics._sgd_engine)

    def __post_init__(self) -> None:
        if self.what not in ("slope", "exponents"):
            raise InvalidArgument("what", self.what, "'slope' or 'exponents'")

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        from ._stationary import two_layer_problem

        W2, W1, T = two_layer_problem(values)
        eta, batch, sigma2 = float(values["eta"]), int(values["batch"]), float(values["sigma2"])
        sim = TwoLayerSGD(W2=W2, W1=W1, teacher=T, eta=eta, batch=batch, sigma2=sigma2)
        dirs = second_layer_directions(W2, W1)
        Pi = range_projector(W2, W1)
        ok = W2.size
        project = dirs.basis @ Pi[:ok]           # coordinates of the W2 part of Pi (theta - theta*)
        theta0, V, k, m = np.concatenate([W2.ravel(), W1.ravel()]), dirs.v, W1.shape[0], len(dirs.basis)

        def record(states: np.ndarray) -> np.ndarray:
            w1 = states[:, ok:].reshape(-1, k, W1.shape[1])
            a = np.einsum("kj,nki->nji", V, w1)            # v_j^T W1 per chain
            return np.hstack([(states - theta0) @ project.T, np.einsum("nji,nji->nj", a, a)])

        curvature = np.linalg.eigvalsh(sim.jacobian.T @ sim.jacobian)
        h_min = float(curvature[curvature > curvature[-1] * 1e-10][0])
        burn = int(np.ceil(BURN_IN_TIME / (eta * h_min)))
        steps = int(np.ceil(self.window_time / eta))
        moments = sim.run(int(n), rng=rng, burn_in=burn, steps=steps, thin=self.thin, record=record)
        loss0, coupling, column = _loss0(values, W2), dirs.coupling, dirs.column

        def statistic(mean: np.ndarray, second: np.ndarray) -> np.ndarray:
            var = np.diag(second)[:m] - mean[:m] ** 2
            curv = mean[m:][column]
            if self.what == "slope":
                return np.array([log_slope(var, curv)])
            return coupling_exponents(var, curv, coupling, loss0)

        stat = chain_statistic(moments, statistic, groups=min(self.groups, int(n)))
        what = ("slope of log variance on log curvature" if self.what == "slope"
                else "per-coupling exponents psi (sigma^2 ~ F^-psi)")
        return stat.estimate(f"two-layer online SGD, {n} chains x {moments.steps} steps after {burn} burn-in (every "
                             f"{self.thin}th recorded): variances of Pi (theta - theta*) along u_a v_j^T and the mean "
                             f"curvature v_j^T W1 W1^T v_j; {what}; jackknife over {stat.dof + 1} groups of chains",
                             seed_of(rng))
