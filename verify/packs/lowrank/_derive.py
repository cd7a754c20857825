"""``python -m verify derive lowrank``: the regimes of the low-rank gradient, derived symbolically; ``--check``
verifies them by simulation (claims built by :mod:`._regime_claims`).

The derivation is ours (a leading-order small-spike expansion, :mod:`theory.lowrank._regimes`), not the paper's.
:func:`regime_from_args` builds the :class:`~theory.lowrank.Regime` from the parsed options, so other options (a
numerical check, say) can reuse it; every bad value raises the project's typed errors, which the command line
prints as one line with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import re
from fractions import Fraction

from theory import InvalidArgument, activations
from theory.lowrank import REGIME_WEIGHTS, Regime

from verify._pack import Derivation

from ._regime_claims import LADDER, SLOPE_DRAWS, check_claims

__all__ = ["DERIVATION", "regime_from_args", "parse_param"]

TARGET_MEANS = {"0": False, "nonzero": True}
_INTEGER = re.compile(r"[+-]?\d{1,9}")
_PARAM_FORMAT = "NAME=VALUE with a number (0.3, 3/10, 2) or a comma-separated list of numbers (0,1,0.5)"


def _number(text: str) -> int | float:
    text = text.strip()
    if _INTEGER.fullmatch(text):
        return int(text)
    return float(Fraction(text))  # ValueError / ZeroDivisionError for anything else


def parse_param(item: str) -> tuple[str, object]:
    """``"slope=0.3"`` -> ("slope", 0.3); a comma-separated value gives a tuple (``coeffs=0,1,1``).

    >>> parse_param("slope=3/10"), parse_param("coeffs=0, 1, 1"), parse_param("k=3")
    (('slope', 0.3), ('coeffs', (0, 1, 1)), ('k', 3))
    """
    name, sep, value = item.partition("=")
    if not sep or not name.strip().isidentifier() or not value.strip() or len(item) > 200:
        raise InvalidArgument("--param", item, _PARAM_FORMAT)
    try:
        parsed = tuple(_number(v) for v in value.split(",")) if "," in value else _number(value)
    except (ValueError, ZeroDivisionError):
        raise InvalidArgument("--param", item, _PARAM_FORMAT) from None
    return name.strip(), parsed


def regime_from_args(args: argparse.Namespace) -> Regime:
    """The :class:`Regime` the options describe (typed errors for bad values; nothing is printed)."""
    if args.target_mean not in TARGET_MEANS:
        raise InvalidArgument("--target-mean", args.target_mean, "'0' (centred targets) or 'nonzero' (E[y] != 0)")
    params: dict[str, object] = {}
    for item in args.param or ():
        name, value = parse_param(item)
        if name in params:
            raise InvalidArgument("--param", item, f"given once per parameter ({name} is repeated)")
        params[name] = value
    return Regime(args.scaling, args.activation, args.weights, TARGET_MEANS[args.target_mean], tuple(params.items()),
                  args.alpha)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scaling", default="ntk", metavar="ntk|mf|RATIONAL|g",
                        help="gamma_m = m^(-g): ntk (g = 1/2, default), mf (g = 1), a rational g in [1/2, 1] such as "
                             "3/4, or g for a symbolic g")
    parser.add_argument("--activation", default="relu", metavar="NAME",
                        help=f"an activation of the library (default relu): {', '.join(activations())}")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="an activation parameter, repeatable (slope=0.3 for leaky_relu, k=3 for hermite, "
                             "coeffs=0,1,1 for polynomial, alpha=1 for elu)")
    parser.add_argument("--weights", default="isotropic", metavar="|".join(REGIME_WEIGHTS),
                        help="the weight construction (default isotropic)")
    parser.add_argument("--target-mean", default="0", metavar="0|nonzero", help="E[y] = 0 or not (default 0)")
    parser.add_argument("--alpha", default="0", metavar="RATIONAL",
                        help="the bulk spectrum lambda_k = k^(-alpha), a rational >= 0 (default 0)")
    parser.add_argument("--latex", action="store_true", help="print a LaTeX fragment instead of plain text")
    parser.add_argument("--json", action="store_true", help="print the derivation as JSON")
    parser.add_argument("--ladder", default=",".join(map(str, LADDER)), metavar="N,N,...",
                        help=f"with --check: the sizes n of the scaling claims (default {','.join(map(str, LADDER))})")
    parser.add_argument("--draws", default=str(SLOPE_DRAWS), metavar="N",
                        help=f"with --check: independent draws of the first look (default {SLOPE_DRAWS})")


def _run(args: argparse.Namespace) -> int:
    if args.latex and args.json:
        raise InvalidArgument("output format", "--latex --json", "one of --latex or --json")
    regime = regime_from_args(args)
    if args.json:
        print(json.dumps(regime.as_dict(), indent=2))
    else:
        print("\n".join(regime.lines(latex=args.latex)))
    return 0


def _ladder(text: str) -> tuple[int, ...]:
    parts = text.split(",")
    if not all(p.strip().isascii() and p.strip().isdigit() for p in parts):
        raise InvalidArgument("--ladder", text, "comma-separated sizes n such as 100,200,400,800")
    return tuple(int(p) for p in parts)


def _claims(args: argparse.Namespace) -> tuple:
    """The claims ``--check`` verifies: the scaling claim of the regime the options describe, and its boundary
    claim where a grid inside the expansion's validity brackets the derived boundary."""
    draws = args.draws.strip()
    if not (draws.isascii() and draws.isdigit() and int(draws) >= 2):
        raise InvalidArgument("--draws", args.draws, "an integer >= 2")
    return check_claims(regime_from_args(args), ladder=_ladder(args.ladder), n_start=int(draws))


DERIVATION = Derivation("leading-order sizes of S1, S2, S12, E and the boundaries in nu (our derivation)",
                        _arguments, _run, claims=_claims)
