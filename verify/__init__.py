"""Claims, comparison, verdicts, reports and the CLI. ``verify`` computes no mathematics.

The flow for one claim (see :func:`check`)::

    predicted = claim.prediction(claim.values, dps=claim.dps)        # closed form (theory)
    estimate = claim.estimator(claim.values, rng=rng, n=n, dps=...)  # estimate (numerics)
    comparison = compare(predicted, estimate, ...)                   # comparison
    outcome = decide(comparison)                                     # verdict
    write_report(run([...]), "verify-report")                        # report
"""

from theory import InvalidArgument, NoConvergence, UnknownName, VerifierError

from . import _catalogue  # noqa: F401  (registers the built-in claims)
from ._budget import BUDGETS, Budget, budget
from ._check import DEFAULT_FALSE_FAIL_RATE, DEFAULT_FALSE_PASS_RATE, check, claim_key
from ._claim import Claim, Kind, Parameter, Provenance
from ._claims_file import ClaimsFileError, load_claims
from ._compare import Comparison, compare
from ._registry import claims, get, register, select
from ._report import report_dict, write_report
from ._run import RunResult, per_claim_rate, run
from ._verdict import FAIL, INCONCLUSIVE, OUTCOMES, PASS, Verdict, decide

__all__ = [
    "Claim", "Kind", "Parameter", "Provenance",
    "claims", "get", "register", "select", "load_claims", "ClaimsFileError",
    "check", "claim_key", "DEFAULT_FALSE_FAIL_RATE", "DEFAULT_FALSE_PASS_RATE",
    "Budget", "BUDGETS", "budget",
    "Comparison", "compare",
    "Verdict", "decide", "PASS", "FAIL", "INCONCLUSIVE", "OUTCOMES",
    "RunResult", "run", "per_claim_rate",
    "report_dict", "write_report",
    "VerifierError", "InvalidArgument", "UnknownName", "NoConvergence",
]
