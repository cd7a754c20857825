"""Built-in claims, one module per family; importing this package registers them all."""

from . import fluctuations, gauss, hermite, kernel, lowrank, lowrank_regimes, sloppiness, weight_decay  # noqa: F401
