"""Claims, comparison, verdicts, reports and the CLI. ``verify`` computes no mathematics.

The flow for one claim (see :func:`check`)::

    predicted = claim.prediction(claim.values, dps=claim.dps)        # closed form (theory)
    estimate = claim.estimator(claim.values, rng=rng, n=n, dps=...)  # estimate (numerics)
    comparison = compare(predicted, estimate, ...)                   # comparison
    outcome = decide(comparison)                                     # verdict
    write_report(run([...]), "verify-report")                        # report
"""

from __future__ import annotations

import importlib

#: public name -> the module defining it. Imports are lazy (PEP 562): ``import verify`` costs
#: nothing until a name is used, so the pytest plugin, loaded by every pytest run, is free when
#: inert; the packs' claims are registered on the registry's first use.
_EXPORTS = {
    "InvalidArgument": "theory",
    "NoConvergence": "theory",
    "UnknownName": "theory",
    "VerifierError": "theory",
    "ResourceLimit": "theory",
    "BUDGETS": "._budget",
    "Budget": "._budget",
    "budget": "._budget",
    "DEFAULT_FALSE_FAIL_RATE": "._check",
    "DEFAULT_FALSE_PASS_RATE": "._check",
    "check": "._check",
    "claim_key": "._check",
    "stream_key": "._check",
    "make_executor": "._executors",
    "default_jobs": "._executors",
    "diff_reports": "._diff",
    "Claim": "._claim",
    "Kind": "._claim",
    "Parameter": "._claim",
    "Provenance": "._claim",
    "ClaimsFileError": "._claims_file",
    "load_claims": "._claims_file",
    "Comparison": "._compare",
    "Range": "._interval",
    "Ranges": "._interval",
    "RangesOf": "._interval",
    "compare": "._compare",
    "claims": "._registry",
    "get": "._registry",
    "register": "._registry",
    "select": "._registry",
    "report_dict": ".report",
    "write_report": ".report",
    "Derivation": "._pack",
    "ENTRY_POINT_GROUP": "._pack",
    "Pack": "._pack",
    "installed_packs": "._pack",
    "EstimatorSpec": "._claims_file_estimators",
    "Estimator": "._protocols",
    "Prediction": "._protocols",
    "ROUTES": "._protocols",
    "RunResult": "._run",
    "per_claim_rate": "._run",
    "run": "._run",
    "FAIL": "._verdict",
    "INCONCLUSIVE": "._verdict",
    "OUTCOMES": "._verdict",
    "PASS": "._verdict",
    "Verdict": "._verdict",
    "Reused": "._verdict",
    "decide": "._verdict",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'verify' has no attribute {name!r}")
    module = _EXPORTS[name]
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
