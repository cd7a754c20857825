"""Family ``gauss``: Gaussian expectations of activations at input scale s.

For each activation (ReLU, leaky ReLU, erf, GELU) and each quantity
(``mean_derivative`` = E[sigma'(sZ)], ``second_moment`` = E[sigma(sZ)^2]) the
SymPy closed form is checked twice: against mpmath quadrature at 30 digits
(exact kind) and against Monte Carlo (statistical kind). These are the
moments that set the residue spike and the NTK init of arXiv 2510.01303
(our note on it, section 3.4); the closed forms are **ours** (derived), not
the paper's.
"""

from __future__ import annotations

from numerics import GaussianMomentMC, GaussianMomentQuad
from theory import POSITIVE, GaussianMoment

from verify._claim import Claim, Kind, Parameter, Provenance
from ._parameters import activation_parameters

#: Input scales checked for every activation: below, at and above unit variance.
SCALES = (0.25, 1.0, 4.0)

#: Relative discrepancy a Monte Carlo claim must detect: 1% (reached at the
#: standard budget for every activation here; see README, calibration).
MC_RESOLUTION = 1e-2

#: Relative discrepancy an exact claim must detect at 30 digits.
EXACT_RESOLUTION = 1e-20

_WORDS = {"mean_derivative": "E[sigma'(sZ)]", "second_moment": "E[sigma(sZ)^2]"}
_ACTIVATIONS = {"relu": {}, "leaky_relu": {"slope": 0.1}, "erf": {}, "gelu": {}}

#: Activations without closed forms: their library values (arbitrary-precision
#: quadrature) are checked against Monte Carlo for these moments.
_QUADRATURE_ONLY = {"tanh": {}, "sigmoid": {}, "softplus": {}, "silu": {}, "elu": {"alpha": 0.5}}
_MOMENTS = {"mean": "E[sigma(sZ)]", **_WORDS}

PROVENANCE = Provenance(
    "derived", arxiv="2510.01303",
    note="closed forms and their derivations in theory/_gaussian.py (our work, not the paper's; erf is erf(x), "
         "not the erf(x/sqrt 2) of our paper notes)",
)


def _parameters(extra: dict[str, float]) -> dict[str, Parameter]:
    params = {"s": Parameter(SCALES, POSITIVE, vector=True)}
    params.update(activation_parameters(**extra))
    return params


def _claims():
    for name, extra in _ACTIVATIONS.items():
        for quantity, words in _WORDS.items():
            shown = name + "".join(f"({k}={v})" for k, v in extra.items())
            common = dict(provenance=PROVENANCE, parameters=_parameters(extra),
                          prediction=GaussianMoment(name, quantity),
                          assumptions=("Z ~ N(0, 1)", "s > 0"))
            yield Claim(id=f"gauss.{name}.{quantity}.quad", kind=Kind.EXACT, resolution=EXACT_RESOLUTION,
                        title=f"{words} for {shown}: closed form = quadrature",
                        estimator=GaussianMomentQuad(name, quantity), **common)
            yield Claim(id=f"gauss.{name}.{quantity}.mc", kind=Kind.STATISTICAL, resolution=MC_RESOLUTION,
                        title=f"{words} for {shown}: closed form = Monte Carlo mean",
                        estimator=GaussianMomentMC(name, quantity), **common)


#: Scales for the quadrature-only family: at s = 0.25 their means are ~s^2 small,
#: which a 1% Monte Carlo check cannot resolve within the standard budget.
QUADRATURE_SCALES = (1.0, 4.0)


def _quadrature_claims():
    for name, extra in _QUADRATURE_ONLY.items():
        for quantity, words in _MOMENTS.items():
            shown = name + "".join(f"({k}={v})" for k, v in extra.items())
            yield Claim(id=f"gauss.{name}.{quantity}.mc", kind=Kind.STATISTICAL, resolution=MC_RESOLUTION,
                        title=f"{words} for {shown}: quadrature = Monte Carlo mean",
                        provenance=Provenance("derived", arxiv="2510.01303",
                                              note="arbitrary-precision quadrature in theory/_hermite_quad.py"),
                        parameters={**_parameters(extra), "s": Parameter(QUADRATURE_SCALES, POSITIVE, vector=True)},
                        prediction=GaussianMoment(name, quantity),
                        estimator=GaussianMomentMC(name, quantity), assumptions=("Z ~ N(0, 1)", "s > 0"))


def claims() -> tuple:
    """This module's claims, in order."""
    return (*_claims(), *_quadrature_claims())
