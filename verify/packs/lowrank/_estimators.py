"""The low-rank pack's claims-file estimator: ``gradient_norms``, a statistic of the gradient's spectral norms."""

from __future__ import annotations

from numerics.lowrank import GRADIENT_NORMS, GRADIENT_PARAMETERS, GradientNorms, Setup

from verify._claims_file_estimators import EstimatorSpec

__all__ = ["GRADIENT_NORMS_SPEC", "SETUP_FIELDS", "SETUP_DEFAULTS"]

#: Fields of an optional ``[claim.setup]`` table (the gradient problem's non-numeric choices).
SETUP_FIELDS = ("activation", "weights", "target", "scaling", "loss", "mu")

#: A claims file's gradient problem unless its [claim.setup] says otherwise (numerics.lowrank.Setup's own default is
#: tanh).
SETUP_DEFAULTS = {"activation": "relu", "weights": "sphere"}


def _gradient(formula, table):
    return GradientNorms(formula, Setup(**{**SETUP_DEFAULTS, **dict(table.get("setup", {}))}))


GRADIENT_NORMS_SPEC = EstimatorSpec(
    "gradient_norms", "mean over independent draws of a statistic of the low-rank gradient's "
    f"spectral norms ({', '.join(GRADIENT_NORMS)})",
    ("statistical", "interval"), "statistic", GRADIENT_NORMS, _gradient, optional=("setup",),
    parameters=GRADIENT_PARAMETERS, integer_parameters=("n", "d", "m"), n_start=8, setup_fields=SETUP_FIELDS)
