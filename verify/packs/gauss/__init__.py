"""Pack ``gauss``: the activation library's Gaussian moments, Hermite coefficients and dual kernels (families
``gauss``, ``hermite``, ``kernel``).

Its closed forms and estimators are the core's own (:func:`theory.gaussian_moment`, :class:`theory.HermiteCoefficients`,
:class:`theory.DualKernel`; :class:`numerics.GaussianMomentMC`, :class:`numerics.HermiteQuadrature`, ...), which every
other pack builds on, so this pack has no ``theory/gauss`` or ``numerics/gauss`` folder: only its claims live here.
"""

from verify._pack import Pack

from . import _hermite, _kernel, _moments

__all__ = ["PACK"]

PACK = Pack(
    name="gauss",
    title="Gaussian moments, Hermite coefficients and dual kernels of the activation library",
    families=("gauss", "hermite", "kernel"),
    claims=lambda: (*_moments.claims(), *_hermite.claims(), *_kernel.claims()),
)
