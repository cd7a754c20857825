"""Coverage our note lists and the first catalogue left out (``lowrank_bias_merging.md``): the squared-loss variant of
the common layer norm N1 with its bound (note 2.2.6) and rank <= K for K outputs (note 2.3, LR2), on a deep linear
net with K outputs trained by GD on the squared loss; and the merged loss change against eps as a regression over
task draws (note section 4, C17), against the coefficient of the bound M2b. All are derived by us and tagged so; the
paper's full text was not available (its abstract states the low-rank bias and the merge in words only).

The first three are deterministic bounds like the rest of the pack; the regression is statistical (task seeds from
the engine's generator, a standard error over draws) and so spends a share of the run's false-fail rate.
"""

from __future__ import annotations

from numerics import ExactIdentity
from numerics.wd import WdCheck
from theory import COUNT

from verify._claim import Claim, Kind, Parameter
from verify._interval import RangesOf

from ._claims import LINEAR, _params, derived

__all__ = ["claims"]

#: Deep linear, L = 3, width 20, K = 2 outputs, n = 10 unit Gaussian inputs in R^20 with standard Gaussian targets,
#: lambda = 0.01, c_reg = 2, 3000 GD steps at eta = 0.5 (reaches rounding: ||g|| ~ 1e-14, 0.3 s).
SQUARED = {"n": 10, "d": 20, "width": 20, "depth": 3, "outputs": 2, "lam": 0.01, "c_reg": 2, "eta": 0.5,
           "steps": 3000, "data_seed": 0}
SIZES = ("deep linear L = 3, width 20, K = 2 outputs, squared loss (1/n) sum ||f - y||^2 / 2, lambda = 0.01, c_reg = "
         "2, 3000 GD steps at eta = 0.5 from a Gaussian start; n = 10 unit Gaussian inputs in R^20, standard Gaussian "
         "targets; last iterate")

def claims() -> tuple:
    """The coverage claims, in order."""
    params = {**_params({k: v for k, v in SQUARED.items() if k != "outputs"}),
              "outputs": Parameter(SQUARED["outputs"], COUNT)}
    depth = lambda v: int(v["depth"])                                   # noqa: E731
    return (
        Claim(id="wd.c7.common_norm_squared", kind=Kind.EXACT, resolution=LINEAR,
              title="C7 (squared loss, K outputs): at a stationary point every layer has ||W_k||_F^2 = (1 / (c_reg "
                    "lambda n)) sum_i <y_i - f(x_i), f(x_i)> (Euler's identity; deep linear, K = 2)",
              provenance=derived("2.2.6 (the squared loss variant of N1; the note writes one output, K outputs "
                                 "change only the inner product)"),
              parameters=params,
              prediction=ExactIdentity(depth, "(||W_k||^2 - N1_squared) / N1_squared per layer = 0"),
              estimator=WdCheck("c7_squared", route="simulation"),
              assumptions=(SIZES, "N1_squared from numerics.wd._squared.squared_common_norm (theory.wd has only the "
                                  "logistic N1)")),
        Claim(id="wd.c8.squared_norm_bound", kind=Kind.INTERVAL, resolution=1e-3, n_start=2,
              title="C8 (squared loss): at a stationary point every layer has ||W_k||_F^2 <= sum_i ||y_i||^2 / (4 "
                    "c_reg lambda n), since <y - f, f> <= ||y||^2 / 4 (deep linear, K = 2)",
              provenance=derived("2.2.6 (the bound of the squared loss variant)"),
              parameters=params,
              prediction=RangesOf(lambda v: [(0.0, 1.0)] * depth(v),
                                  "||W_k||^2 / (sum ||y||^2 / (4 c_reg lambda n)) per layer"),
              estimator=WdCheck("c8_squared", route="simulation"), assumptions=(SIZES,)),
        Claim(id="wd.c13.rank_k_outputs", kind=Kind.EXACT, resolution=LINEAR,
              title="C13 (K outputs): at a stationary point of a deep linear net with K outputs every layer has rank "
                    "<= K: sigma_(K+1)(W_k) = 0 (squared loss, K = 2, layers 1 .. L-1)",
              provenance=derived("2.3, C13 (LR2: 'with K outputs ... rank <= K')"),
              parameters=params,
              prediction=ExactIdentity(lambda v: depth(v) - 1, "sigma_(K+1)(W_k) / sigma_1(W_k), layers 1 .. L-1 = 0"),
              estimator=WdCheck("c13_outputs", route="simulation"), assumptions=(SIZES,)),
    )
