"""Covers numerics/_chain_stats.py: jackknife over chains, batch means and autocorrelation time on AR(1), bad input.

Reference process: the stationary AR(1) x_t = phi x_{t-1} + sqrt(1 - phi^2) xi_t with x_0 ~ N(0, 1),
so E x = 0, E x^2 = 1 exactly, and the integrated autocorrelation time is (1 + phi)/(1 - phi).
Every statistical check fails with a stated probability (a Student-t or chi-square quantile).
"""

import numpy as np
import pytest
from scipy import signal, stats

import numerics
from numerics import ChainMoments, batch_means, chain_statistic, covariance_components, integrated_autocorrelation_time
from theory import InvalidArgument


def _ar1(rng, phi, chains, length):
    """(chains, length) stationary AR(1) paths with unit variance."""
    xi = rng.standard_normal((chains, length))
    x0 = xi[:, :1]
    rest = signal.lfilter([np.sqrt(1 - phi**2), 0.0], [1.0, -phi], xi[:, 1:], axis=1, zi=phi * x0)[0]
    return np.concatenate([x0, rest], axis=1)


def _moments(x):
    """ChainMoments of the recorded pair v = (x, x^2) of each chain (q = 2)."""
    v = np.stack([x, x**2], axis=-1)
    second = np.einsum("ntq,ntr->nqr", v, v) / x.shape[1]
    return ChainMoments(v.mean(axis=1), second, x.shape[0], 0, x.shape[1], 1, 0.1, 1, None, v[:, -1])


def _mean_and_second(mean, second):
    return mean             # (E x, E x^2): truths (0, 1)


def test_jackknife_over_chains_covers_the_truth_on_ar1():
    x = _ar1(np.random.default_rng(11), 0.9, 400, 2000)
    s = chain_statistic(_moments(x), _mean_and_second, groups=20)
    t = stats.t.isf(1e-4 / 4, s.dof)          # false-fail rate 1e-4 over the two components
    assert s.dof == 19 and s.n_chains == 400 and s.n_records == 2000
    assert np.all(np.abs(s.value - [0.0, 1.0]) < t * s.std_error)


def test_jackknife_standard_error_matches_the_exact_ar1_variance():
    # Var of a T-step time average of AR(1): (1/T) [1 + 2 sum_{k<T} (1 - k/T) phi^k]; n chains average it.
    phi, n, length, groups = 0.8, 400, 1000, 20
    x = _ar1(np.random.default_rng(5), phi, n, length)
    s = chain_statistic(_moments(x), lambda m, sec: m[:1], groups=groups)
    k = np.arange(1, length)
    exact = (1 + 2 * np.sum((1 - k / length) * phi**k)) / length / n
    ratio = s.std_error[0] ** 2 * s.dof / exact            # ~ chi^2_dof for equal normal groups
    assert stats.chi2.ppf(1e-6 / 2, s.dof) < ratio < stats.chi2.isf(1e-6 / 2, s.dof)


def test_chain_statistic_value_is_f_of_the_grand_averages():
    x = _ar1(np.random.default_rng(2), 0.5, 40, 50)
    cm = _moments(x)
    s = chain_statistic(cm, lambda m, sec: covariance_components(m, sec)[0, 0], groups=4)
    grand_mean, grand_second = cm.mean.mean(axis=0), cm.second.mean(axis=0)
    assert s.value[0] == pytest.approx(grand_second[0, 0] - grand_mean[0] ** 2, rel=1e-12)
    est = s.estimate("jackknife")
    assert est.dof == 3 and est.n_samples == 40 and est.value == (s.value[0],)


def test_jackknife_is_exact_for_a_linear_statistic_with_equal_groups():
    # For the mean with equal groups the delete-a-group jackknife equals sd(group means)/sqrt(G).
    rng = np.random.default_rng(3)
    x = _ar1(rng, 0.3, 60, 20)
    s = chain_statistic(_moments(x), lambda m, sec: m[:1], groups=6)
    group_means = x.mean(axis=1).reshape(6, 10).mean(axis=1)
    assert s.std_error[0] == pytest.approx(group_means.std(ddof=1) / np.sqrt(6), rel=1e-10)


def test_bias_corrected_jackknife_of_a_squared_mean_is_the_unbiased_estimator():
    # theta = gbar^2 over G equal groups: G theta - (G - 1) mean(theta_(g)) = gbar^2 - sum (g - gbar)^2 / (G (G - 1)),
    # the unbiased estimator of mu^2 for independent group means; the standard error is the plug-in one.
    x = _ar1(np.random.default_rng(4), 0.3, 60, 20)
    cm = _moments(x)
    plain = chain_statistic(cm, lambda m, sec: m[:1] ** 2, groups=6)
    corrected = chain_statistic(cm, lambda m, sec: m[:1] ** 2, groups=6, bias_corrected=True)
    g = x.mean(axis=1).reshape(6, 10).mean(axis=1)
    assert corrected.value[0] == pytest.approx(g.mean() ** 2 - np.sum((g - g.mean()) ** 2) / 30, rel=1e-10)
    assert np.array_equal(corrected.std_error, plain.std_error)


def test_batch_means_cover_the_truth_on_one_long_ar1_chain():
    x = _ar1(np.random.default_rng(7), 0.9, 1, 200_000)[0]
    bm = batch_means(np.stack([x, x**2], axis=1), batches=20)
    t = stats.t.isf(1e-4 / 4, bm.dof)
    assert bm.dof == 19 and bm.mean.shape == (2,)
    assert np.all(np.abs(bm.mean - [0.0, 1.0]) < t * bm.std_error)


@pytest.mark.parametrize("phi", [0.5, 0.9])
def test_integrated_autocorrelation_time_of_ar1(phi):
    length = 100_000
    x = _ar1(np.random.default_rng(9), phi, 1, length)[0]
    tau, truth = integrated_autocorrelation_time(x), (1 + phi) / (1 - phi)
    # Sokal: var(tau_hat) ~ 2 (2W + 1)/T tau^2 with window W ~ 5 tau; truncation bias 2 phi^(W+1)/(1-phi) is < 1e-3.
    sd = np.sqrt(2 * (2 * 5 * truth + 1) / length) * truth
    assert abs(tau - truth) < stats.norm.isf(1e-6 / 2) * sd + 2 * phi ** (5 * truth) / (1 - phi)


def test_integrated_autocorrelation_time_per_component_and_constant():
    rng = np.random.default_rng(1)
    series = np.stack([rng.standard_normal(2000), np.ones(2000)], axis=1)
    tau = integrated_autocorrelation_time(series)
    assert tau.shape == (2,) and tau[1] == 1.0 and 0.5 < tau[0] < 1.5


def test_covariance_components_broadcasts_over_chains():
    mean = np.array([[1.0, 2.0], [0.0, 1.0]])
    second = np.array([[[2.0, 2.0], [2.0, 5.0]], [[1.0, 0.0], [0.0, 1.0]]])
    np.testing.assert_array_equal(covariance_components(mean, second),
                                  [[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 0.0]]])


def test_exported():
    for name in ("ChainMoments", "ChainStatistic", "BatchMeans", "chain_statistic", "batch_means",
                 "integrated_autocorrelation_time", "covariance_components"):
        assert name in numerics.__all__


@pytest.mark.parametrize("groups", [1, 41, 2.5, True])
def test_bad_groups(groups):
    x = _ar1(np.random.default_rng(0), 0.5, 40, 10)
    with pytest.raises(InvalidArgument, match="groups"):
        chain_statistic(_moments(x), _mean_and_second, groups=groups)


def test_bad_statistic_shape():
    x = _ar1(np.random.default_rng(0), 0.5, 40, 10)
    with pytest.raises(InvalidArgument, match="`f`"):
        chain_statistic(_moments(x), lambda m, s: s, groups=4)


@pytest.mark.parametrize("series, batches, name", [
    (np.zeros(39), 20, "batches"), (np.zeros(100), 1, "batches"), (np.zeros((4, 4, 4)), 2, "series.shape"),
    (np.array([0.0, np.nan] * 30), 2, "series"),
])
def test_bad_batch_means(series, batches, name):
    with pytest.raises(InvalidArgument, match=f"`{name}`"):
        batch_means(series, batches=batches)


@pytest.mark.slow
def test_interval_coverage_over_many_seeds():
    """95% t-intervals (jackknife over chains; batch means) cover E x = 0 in about 95% of 400 seeds."""
    seeds, hits_jack, hits_bm = 400, 0, 0
    for seed in range(seeds):
        x = _ar1(np.random.default_rng([seed, 1]), 0.9, 200, 500)
        s = chain_statistic(_moments(x), lambda m, sec: m[:1], groups=20)
        hits_jack += abs(s.value[0]) < stats.t.isf(0.025, s.dof) * s.std_error[0]
        bm = batch_means(_ar1(np.random.default_rng([seed, 2]), 0.9, 1, 20_000)[0], batches=20)   # L = 1000 >> tau = 19
        hits_bm += abs(bm.mean) < stats.t.isf(0.025, bm.dof) * bm.std_error
    lo, hi = stats.binom.ppf(1e-6 / 2, seeds, 0.95), stats.binom.isf(1e-6 / 2, seeds, 0.95)
    print(f"coverage: jackknife {hits_jack}/{seeds}, batch means {hits_bm}/{seeds} (accept [{lo}, {hi}])")
    assert lo <= hits_jack <= hi and lo <= hits_bm <= hi
