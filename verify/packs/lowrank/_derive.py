"""``python -m verify derive lowrank``: the regimes of the low-rank gradient, derived symbolically (printing only)."""

from __future__ import annotations

import argparse

from theory.lowrank import REGIME_SCALINGS, REGIME_WEIGHTS, derive_lowrank

from verify._pack import Derivation

__all__ = ["DERIVATION"]


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scaling", choices=list(REGIME_SCALINGS), default="ntk")
    parser.add_argument("--activation", default="relu", help="an activation of the library (default relu)")
    parser.add_argument("--weights", choices=list(REGIME_WEIGHTS), default="isotropic")
    parser.add_argument("--target-mean", choices=["0", "nonzero"], default="0", help="E[y] = 0 or not (default 0)")
    parser.add_argument("--latex", action="store_true", help="print LaTeX instead of plain text")


def _run(args: argparse.Namespace) -> int:
    regime = derive_lowrank(args.scaling, args.activation, args.weights, args.target_mean == "nonzero")
    print("\n".join(regime.lines(latex=args.latex)))
    return 0


DERIVATION = Derivation("leading-order sizes of S1, S2, S12, E and the boundaries in nu", _arguments, _run)
