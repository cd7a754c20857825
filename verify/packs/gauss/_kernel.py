"""Family ``kernel``: dual kernels K_j(rho) = E[sigma^(j)(u) sigma^(j)(v)], Var = s^2, corr(u, v) = rho.

* ``kernel.<activation>.d<j>.series`` (exact): the closed form (arc-cosine,
  arcsine, exponential, ...) against the Hermite series sum_k c_k^2 rho^k / k!
  with its tail bound, at rho = -0.4, 0.1, 0.4 and s = 0.9. The series is built
  from the closed-form Hermite coefficients (checked by ``hermite.*``), an
  independent derivation from the kernel's closed form.
* ``kernel.<activation>.d<j>.mc`` (statistical): the library's value (closed
  form, or series where there is none) against Monte Carlo over correlated
  Gaussian pairs, at rho = 0, 0.5, 0.9 and s = 1.

Provenance: derived by us (the arc-cosine and arcsine kernels are classical:
Cho & Saul 2009, Williams 1997); the kernels enter the NTK analysis of the
setting of arXiv 2510.01303.
"""

from __future__ import annotations

from numerics import DualKernelMC, DualKernelSeries
from theory import POSITIVE, DualKernel, Interval

from verify._claim import Claim, Kind, Parameter, Provenance
from ._parameters import ACTIVATION_PARAMETERS

#: Activations with closed-form kernels that are not themselves Hermite series (for the
#: polynomials the closed form *is* the finite series, so that check could not fail).
CLOSED = ("relu", "leaky_relu", "abs", "step", "sign", "erf", "exp", "sin", "cos", "gaussian")
#: The derivative kernels of step and sign are kernels of point masses: E[sigma'(sZ)^2] is
#: infinite, so the series has no tail bound; they are checked through their closed forms only.
NO_SERIES = {("step", 1), ("sign", 1)}
MONTE_CARLO = (("relu", 0), ("relu", 1), ("erf", 0), ("tanh", 0), ("tanh", 1), ("gelu", 0), ("sin", 0))
CORRELATION = Interval(-1.0, 1.0)
SERIES_RESOLUTION = 1e-20
MC_RESOLUTION = 1e-2

PROVENANCE = Provenance("derived", arxiv="2510.01303",
                        note="closed forms in theory/_dual_kernel.py (arc-cosine: Cho & Saul 2009; "
                             "arcsine: Williams 1997)")


def _parameters(name: str, rhos: tuple, scale: float) -> dict[str, Parameter]:
    return {"s": Parameter(scale, POSITIVE), "rho": Parameter(rhos, CORRELATION, vector=True),
            **ACTIVATION_PARAMETERS.get(name, {})}


#: Against Monte Carlo at a 1e-2 resolution, a kernel without a closed form is predicted by its Hermite series with
#: the series' own error bound (1e-11 at rho = 0.9; the engine adds it to the estimate's error): the 2-D
#: quadrature that meets 30 digits would cost minutes per claim and resolve nothing more here.
_MC_METHOD = {"tanh": "series", "gelu": "series"}


def _claims():
    for name in CLOSED:
        for j in (0, 1):
            if (name, j) in NO_SERIES:
                continue
            yield Claim(id=f"kernel.{name}.d{j}.series", kind=Kind.EXACT, resolution=SERIES_RESOLUTION,
                        title=f"dual kernel of {name}{chr(39) * j}: closed form = Hermite series",
                        provenance=PROVENANCE, parameters=_parameters(name, (-0.4, 0.1, 0.4), 0.9),
                        prediction=DualKernel(name, j), estimator=DualKernelSeries(name, j),
                        assumptions=("(u, v) centred Gaussian, Var s^2, correlation rho",))
    for name, j in MONTE_CARLO:
        yield Claim(id=f"kernel.{name}.d{j}.mc", kind=Kind.STATISTICAL, resolution=MC_RESOLUTION,
                    title=f"dual kernel of {name}{chr(39) * j}: library value = Monte Carlo",
                    n_start=1 << 16, provenance=PROVENANCE, parameters=_parameters(name, (0.0, 0.5, 0.9), 1.0),
                    prediction=DualKernel(name, j, method=_MC_METHOD.get(name, "auto")),
                    estimator=DualKernelMC(name, j),
                    assumptions=("(u, v) centred Gaussian, Var s^2, correlation rho",))


def claims() -> tuple:
    """This module's claims, in order."""
    return tuple(_claims())
