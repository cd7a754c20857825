"""Built-in claims, one module per family; importing this package registers them all."""

from . import gauss  # noqa: F401
