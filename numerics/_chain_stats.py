"""Stationary statistics of SGD chains with standard errors that account for autocorrelation.

Two designs (our note weight_fluctuations.md section 7, derived by us):

* many independent chains (:class:`ChainMoments`, from the simulators in ``_sgd``): each
  chain's time average is one independent draw, whatever its autocorrelation, so the
  delete-a-group jackknife over groups of chains gives the standard error of any smooth
  function of the grand averages (:func:`chain_statistic`);
* one long chain: non-overlapping batch means (:func:`batch_means`), with Sokal's
  integrated autocorrelation time (:func:`integrated_autocorrelation_time`) as the
  diagnostic that the batches are long enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import numpy as np

from theory import COUNT, InvalidArgument, NoConvergence

from ._estimate import Estimate

__all__ = ["ChainMoments", "ChainStatistic", "BatchMeans", "chain_statistic", "batch_means",
           "integrated_autocorrelation_time", "covariance_components"]


@dataclass(frozen=True, eq=False)
class ChainMoments:
    """Time averages of a recorded vector v over a window, one row per independent chain.

    Attributes
    ----------
    mean : (chains, q) time average of v over the recorded steps.
    second : (chains, q, q) time average of v v^T.
    n_chains, burn_in, steps, thin : the window is ``steps`` steps after ``burn_in``, recorded
        every ``thin``-th step, so ``n_records = steps // thin`` records per chain.
    eta, batch : step size and batch size of the run.
    seed : ``numerics.seed_of(rng)`` of the generator the run started from.
    final : (chains, p) states after the last step.
    extra : further per-chain accumulators (e.g. ``conserved_increment`` of the two-layer model).
    """

    mean: np.ndarray
    second: np.ndarray
    n_chains: int
    burn_in: int
    steps: int
    thin: int
    eta: float
    batch: int
    seed: tuple[int, ...] | None
    final: np.ndarray
    extra: dict = field(default_factory=dict)

    @property
    def n_records(self) -> int:
        """Records per chain: ``steps // thin``."""
        return self.steps // self.thin


@dataclass(frozen=True, eq=False)
class ChainStatistic:
    """A statistic of the grand averages over chains with its jackknife standard error.

    ``value`` and ``std_error`` are 1-d arrays (one entry per component); intervals use
    Student's t with ``dof`` degrees of freedom.
    """

    value: np.ndarray
    std_error: np.ndarray
    dof: int
    n_chains: int
    n_records: int

    def estimate(self, method: str = "delete-a-group jackknife over independent SGD chains",
                 seed: tuple[int, ...] | None = None) -> Estimate:
        """The statistic as an :class:`Estimate` (n_samples = chains, dof from the jackknife)."""
        return Estimate(tuple(self.value.tolist()), std_error=tuple(self.std_error.tolist()),
                        n_samples=self.n_chains, method=method, seed=seed, dof=self.dof)


def covariance_components(mean: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Covariance ``second - mean mean^T`` (leading axes broadcast).

    >>> covariance_components(np.array([1.0, 2.0]), np.array([[2.0, 2.0], [2.0, 5.0]]))
    array([[1., 0.],
           [0., 1.]])
    """
    mean = np.asarray(mean, dtype=float)
    return np.asarray(second, dtype=float) - mean[..., :, None] * mean[..., None, :]


def _components(f: Callable, mean: np.ndarray, second: np.ndarray) -> np.ndarray:
    out = np.atleast_1d(np.asarray(f(mean, second), dtype=float))
    if out.ndim != 1:
        raise InvalidArgument("f", f"output of shape {out.shape}", "a function returning a scalar or a 1-d array")
    return out


def chain_statistic(moments: ChainMoments, f: Callable[[np.ndarray, np.ndarray], np.ndarray], *,
                    groups: int = 20, bias_corrected: bool = False) -> ChainStatistic:
    """f(grand mean, grand second moment) with a delete-a-group jackknife standard error.

    The chains are split into ``groups`` contiguous groups of nearly equal size (sizes
    differ by at most one). With theta_(g) the statistic without group g and theta_. their
    average, se^2 = (G - 1)/G sum_g (theta_(g) - theta_.)^2 (Quenouille-Tukey jackknife),
    with G - 1 degrees of freedom. Chains are independent, so the autocorrelation within a
    chain needs no model: each chain's time average is one independent replicate.
    ``bias_corrected`` returns the jackknife value ``G theta - (G - 1) theta_.`` instead of the
    plug-in ``theta``: it removes the O(1/n) bias of a nonlinear f (eigenvalues of a sample
    covariance, say) with the same standard error.

    >>> m = np.arange(40.0).reshape(40, 1)
    >>> cm = ChainMoments(m, m[:, :, None] ** 2, 40, 0, 1, 1, 0.1, 1, None, m)
    >>> s = chain_statistic(cm, lambda mean, second: mean, groups=4)
    >>> float(s.value[0]), s.dof
    (19.5, 3)
    """
    COUNT.validate("groups", groups)
    if groups < 2:
        raise InvalidArgument("groups", groups, "an integer >= 2 (the jackknife needs two groups)")
    mean, second = np.asarray(moments.mean, dtype=float), np.asarray(moments.second, dtype=float)
    n = mean.shape[0]
    if n < groups:
        raise InvalidArgument("groups", groups, f"an integer in [2, n_chains = {n}] (at least one chain per group)")
    bounds = np.linspace(0, n, groups + 1).round().astype(int)
    sizes = np.diff(bounds)
    m_sums = np.add.reduceat(mean, bounds[:-1], axis=0)
    s_sums = np.add.reduceat(second, bounds[:-1], axis=0)
    m_tot, s_tot = m_sums.sum(axis=0), s_sums.sum(axis=0)
    value = _components(f, m_tot / n, s_tot / n)
    loo = np.array([_components(f, (m_tot - m_sums[g]) / (n - sizes[g]), (s_tot - s_sums[g]) / (n - sizes[g]))
                    for g in range(groups)])
    if loo.shape != (groups, value.size):
        raise InvalidArgument("f", "outputs of varying length", "a function returning the same number of components")
    se = np.sqrt((groups - 1) / groups * ((loo - loo.mean(axis=0)) ** 2).sum(axis=0))
    if bias_corrected:
        value = groups * value - (groups - 1) * loo.mean(axis=0)
    if not (np.all(np.isfinite(value)) and np.all(np.isfinite(se))):
        raise NoConvergence(f"chain statistic is not finite: value {value}, std_error {se}")
    return ChainStatistic(value, se, groups - 1, n, int(moments.steps // moments.thin))


class BatchMeans(NamedTuple):
    """Batch-means estimate of a long chain's mean: ``mean``, ``std_error`` and ``dof``."""

    mean: np.ndarray
    std_error: np.ndarray
    dof: int


def _series(series: object) -> np.ndarray:
    a = np.asarray(series, dtype=float)
    if a.ndim not in (1, 2) or a.shape[0] == 0:
        raise InvalidArgument("series.shape", a.shape, "(T,) or (T, q) with T >= 1")
    if not np.all(np.isfinite(a)):
        raise InvalidArgument("series", "non-finite entries", "finite entries (no NaN or inf)")
    return a


def batch_means(series: object, *, batches: int = 20) -> BatchMeans:
    """Mean of one stationary chain with a non-overlapping batch-means standard error.

    The first ``batches * L`` steps (L = T // batches) form ``batches`` consecutive
    batches; se = sd(batch means) / sqrt(batches), with batches - 1 degrees of freedom.
    Valid when L is much longer than the integrated autocorrelation time.

    >>> bm = batch_means(np.tile([0.0, 1.0], 50), batches=5)
    >>> float(bm.mean), float(bm.std_error), bm.dof
    (0.5, 0.0, 4)
    """
    a = _series(series)
    COUNT.validate("batches", batches)
    if batches < 2 or a.shape[0] < 2 * batches:
        raise InvalidArgument("batches", batches, f"an integer in [2, T/2 = {a.shape[0] // 2}] (two steps per batch)")
    length = a.shape[0] // batches
    means = a[: batches * length].reshape(batches, length, *a.shape[1:]).mean(axis=1)
    return BatchMeans(means.mean(axis=0), means.std(axis=0, ddof=1) / np.sqrt(batches), batches - 1)


def integrated_autocorrelation_time(series: object, *, c: float = 5.0) -> np.ndarray | float:
    """Sokal's integrated autocorrelation time tau = 1 + 2 sum_{t=1}^{W} rho(t), per component.

    rho is the normalised autocorrelation (by FFT, zero-padded); the window W is the
    smallest with W >= c * tau(W) (Sokal's automatic windowing, c = 5). For an AR(1)
    process with coefficient phi, tau = (1 + phi)/(1 - phi). A constant component has tau = 1.

    >>> round(float(integrated_autocorrelation_time(np.random.default_rng(0).standard_normal(4000))), 1)
    1.0
    """
    a = _series(series)
    x = a.reshape(a.shape[0], -1) - a.reshape(a.shape[0], -1).mean(axis=0)
    t = x.shape[0]
    spec = np.fft.rfft(x, n=2 * t, axis=0)
    acf = np.fft.irfft(spec * spec.conj(), n=2 * t, axis=0)[:t]
    var = acf[0].copy()
    rho = np.divide(acf, var, out=np.zeros_like(acf), where=var > 0)
    taus = 2 * np.cumsum(rho, axis=0) - 1
    out = np.empty(x.shape[1])
    for j in range(x.shape[1]):
        ok = np.nonzero(np.arange(t) >= c * taus[:, j])[0]
        out[j] = taus[ok[0] if ok.size else t - 1, j] if var[j] > 0 else 1.0
    return float(out[0]) if a.ndim == 1 else out
