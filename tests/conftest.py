"""Shared test settings: Hypothesis is derandomized unless HYPOTHESIS_PROFILE=explore; one BLAS thread per
pytest-xdist worker (the workers already fill the cores: two workers with two BLAS threads each on two cores ran
the suite no faster than one process)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", deadline=None, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    """Before xdist starts its workers (they inherit the environment and import numpy afresh), cap BLAS threads."""
    workers = getattr(config.option, "numprocesses", None)
    if workers and not hasattr(config, "workerinput"):
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")
