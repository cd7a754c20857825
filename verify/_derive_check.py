"""``python -m verify derive <pack> [options] --check``: the derivation, then the claims that test it, verified.

A pack's :class:`verify.Derivation` may give ``claims(args)``: the claims its derived formulas imply for the
options given (for the low-rank pack, scaling-law and boundary claims built from the derived exponents). With
``--check`` they go through the same engine as ``python -m verify run`` (same seeds, budgets and false-fail rates),
and each verdict is printed with the derived formula as its prediction.
"""

from __future__ import annotations

import argparse
import sys

from ._budget import BUDGETS
from ._check import DEFAULT_FALSE_FAIL_RATE
from ._executors import make_executor
from ._pack import Derivation
from ._progress import RunProgress
from ._run import run

__all__ = ["add_check_arguments", "run_derivation"]


def add_check_arguments(parser: argparse.ArgumentParser, seed, rate, jobs) -> None:
    """The options of ``--check`` (``seed``, ``rate``, ``jobs``: the CLI's checked argparse types)."""
    group = parser.add_argument_group("--check", "verify the derived formulas by simulation")
    group.add_argument("--check", action="store_true", help="build the claims the derivation implies and verify them")
    group.add_argument("--budget", choices=list(BUDGETS), default="standard", help="how far a check may go")
    group.add_argument("--seed", type=seed, default=0, help="the run seed (default 0)")
    group.add_argument("--false-fail-rate", type=rate, default=DEFAULT_FALSE_FAIL_RATE,
                       help=f"of the whole check, split over its claims (default {DEFAULT_FALSE_FAIL_RATE:g})")
    group.add_argument("--jobs", type=jobs, default=1, help="worker processes (default 1)")
    group.add_argument("--quiet", action="store_true", help="no progress lines")


def _prediction(claim) -> str:
    expression = getattr(claim.prediction, "expression", None)
    return expression(claim.values) if callable(expression) else "-"


def _evidence(verdict) -> str:
    last = verdict.comparison
    if last is None:
        return "-"
    lower, upper = getattr(last, "lower", None), getattr(last, "upper", None)
    if lower is not None:
        return "; ".join(f"[{lo:.4g}, {hi:.4g}] vs [{a:.4g}, {b:.4g}]"
                         for (a, b), lo, hi in zip(last.predicted, lower, upper))
    return "; ".join(f"{e:.4g} vs {p:.4g}" for e, p in zip(last.estimate.value, last.predicted))


def run_derivation(spec: Derivation, args: argparse.Namespace) -> int:
    """Print the derivation; with ``--check``, verify the claims it implies and print their verdicts.

    Exit status as ``verify run``: 1 when a claim FAILed, else 0.
    """
    status = spec.run(args)
    if status or not getattr(args, "check", False):
        return status
    claims = tuple(spec.claims(args))
    print(f"\ncheck: {len(claims)} claims built from the derivation (seed {args.seed}, budget {args.budget})")
    for c in claims:
        print(f"  {c.id}: {c.title}")
    executor = make_executor("process", args.jobs) if args.jobs > 1 else None
    progress = RunProgress(len(claims), args.quiet)
    try:
        result = run(claims, seed=args.seed, budget=args.budget, false_fail_rate=args.false_fail_rate,
                     progress=progress.look, on_verdict=progress.verdict, executor=executor, pictures=False)
    finally:
        progress.close()
        if executor is not None:
            executor.close()
    for v in result.verdicts:
        print(f"\n{v.outcome}  {v.claim.id}  ({v.seconds:.1f} s)\n  predicted (derived): {_prediction(v.claim)}"
              f"\n  measured: {_evidence(v)}\n  {v.reason}")
    counts = ", ".join(f"{n} {o}" for o, n in result.counts().items())
    print(f"\n{counts} in {result.seconds:.1f} s")
    if result.interrupted:
        print("interrupted: the verdicts above are those decided", file=sys.stderr)
        return 130
    return 1 if result.failed else 0
