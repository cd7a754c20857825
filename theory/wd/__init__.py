"""Closed forms of the weight-decay pack (arXiv 2502.17340's setting): stationary points of weight-decayed
nets, norm balance, the Lambert-W norm bound, Schatten costs, stable ranks and the merging bound.
"""

from ._closed_forms import (C_REG, StationaryChain, check_decay_step, check_regulariser, common_norm_sq,
                            decay_factor, gd_fixed_point_symbolic, gf_balance_factor, logistic_norm_constant,
                            logistic_norm_symbolic, merge_bound, norm_bound, schatten_cost, stable_rank,
                            stable_rank_bound, stationary_chain, transfer_kappa, transfer_kappa_symbolic)

__all__ = [
    "C_REG", "StationaryChain", "check_decay_step", "check_regulariser", "common_norm_sq", "decay_factor",
    "gd_fixed_point_symbolic", "gf_balance_factor", "logistic_norm_constant", "logistic_norm_symbolic", "merge_bound",
    "norm_bound", "schatten_cost", "stable_rank", "stable_rank_bound", "stationary_chain", "transfer_kappa",
    "transfer_kappa_symbolic"
]
