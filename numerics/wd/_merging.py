r"""Checks C16-C20 of the ``wd`` claims, on merging two weight-decayed networks trained on (nearly) orthogonal
tasks by summing their weights: the pairs themselves (:func:`merge_pair`, trained once per process), the per-eps
merge rows behind C17 and its picture (:func:`merge_sweep`), and the checks: function preservation on exactly
orthogonal tasks (C16), the M2a / M2b bounds (C17), the transfer factor kappa of deep linear nets (C18), accuracy
kept over task draws (C19) and trained output layers (C20). Each check maps ``(values, setups)`` to an
:class:`Estimate` with a bound (:data:`MERGING_CHECKS`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

import numpy as np

from theory import InvalidArgument
from theory.wd import merge_bound, transfer_kappa

from .._draws import map_draws
from .._rounding import gamma_k
from ._nets import (DecayNet, Trained, loss_and_accuracy, merge, orthogonal_tasks, random_net, require_orthogonal,
                    shallow_net, task_overlap, train)
from ._setups import _estimate, _smooth

__all__ = ["MERGING_CHECKS", "MAPPED_CHECKS", "merge_pair", "merge_sweep"]


@lru_cache(maxsize=64)
def _pair(arch: str, n: int, d: int, width: int, depth: int, eps: float, lam: float, c: int, eta: float, steps: int,
          window: int, eta_window: float, seed: int):
    rng = np.random.default_rng(seed)
    X_A, y_A, X_B, y_B, Q = orthogonal_tasks(n, d, eps, rng)
    nets = []
    for X, y in ((X_A, y_A), (X_B, y_B)):
        span = np.linalg.qr(X.T)[0].T  # rows in span(X_task): nothing of the start lies outside it to forget
        if arch == "shallow":          # the same rng for both nets: the shared fixed output signs
            net = shallow_net(width, d, np.random.default_rng(seed + 1), span=span)
        elif arch == "shallow_trained_output":
            net = shallow_net(width, d, np.random.default_rng(seed + 1), span=span, trained_output=True)
        else:
            net = random_net((d,) + (width,) * (depth - 1), "linear", rng)
        nets.append(train(net, X, y, lam=lam, c_reg=c, eta=eta, steps=steps, window=window, eta_window=eta_window))
    return nets[0], nets[1]


def merge_pair(values: Mapping[str, object], arch: str, eps: float | None = None, seed: int | None = None):
    """The two ``arch`` networks of a merge claim (tasks from ``orthogonal_tasks``), trained once per process. ReLU
    nets are used at their window-mean weights, linear nets at the last iterate."""
    v = values
    return _pair(arch, int(v["n"]), int(v["d"]), int(v["width"]), int(v["depth"]),
                 float(v["eps"] if eps is None else eps), float(v["lam"]), int(v["c_reg"]), float(v["eta"]),
                 int(v["steps"]), int(v["window"]), float(v["eta_window"]),
                 int(v["data_seed"] if seed is None else seed))


def _final(tr: Trained) -> DecayNet:
    return tr.net if _smooth(tr) else tr.mean_net


def _c16(values, setups):
    """Exactly orthogonal tasks, shallow ReLU with a shared fixed output: ``max_x |f_(A+B)(x) - f_A(x)| / max |f_A|``
    on task A and the same for B. Bound (M2a): ``|Delta f(x)| <= ||W_B x||``, measured, plus the rounding of two
    forward passes ``gamma_(d + m + 2) (|W| |x| summed)``."""
    if float(values["eps"]) != 0:
        raise InvalidArgument("eps", values["eps"], "0 (exactly orthogonal tasks)")
    A, B = merge_pair(values, setups[0][1])
    a, b = _final(A), _final(B)
    require_orthogonal(A.X, B.X)
    m = merge(a, b)
    out, bounds = [], []
    for own, other, X in ((a, b, A.X), (b, a, B.X)):
        scale = float(np.max(np.abs(own(X))))
        leak = float(np.max(np.linalg.norm(X @ other.layers[0].T, axis=1)))
        rnd = gamma_k(X.shape[1] + a.layers[0].shape[0] + 2) * 2 * float(np.max(np.abs(X) @ (np.abs(a.layers[0]) +
                                                                                          np.abs(b.layers[0])).T.sum(1)))
        out.append(float(np.max(np.abs(m(X) - own(X)))) / scale)
        bounds.append((leak + rnd) / scale)
    return _estimate(out, bounds, f"exactly orthogonal tasks of {int(values['n'])} inputs in R^{int(values['d'])}; "
                     "starts inside each task's span")


def _merge_row(A: Trained, B: Trained) -> dict:
    """A shallow pair merged (window-mean weights): per task the largest output change, the bounds M2a
    (``||W_other||_2 max ||P_other x||``, measured) and M2b (``eps / (c lambda)`` plus the window's stationarity
    correction ``||g_bar_other||_2 max ||x|| / (c lambda)``; note 2.4: ``W_B = -(G_B - g_B) / (c lambda)`` and
    ``||G_B x|| <= max_i |<x_i, x>|`` since ``|l'| <= 1`` and ``||u o 1[.]|| / sqrt(m) <= 1``), losses and
    accuracies."""
    a, b = _final(A), _final(B)
    m = merge(a, b)
    lam, c = A.lam, A.c_reg
    measured = task_overlap(A.X, B.X)
    row = {"eps": measured}
    for name, own, other, Xo, yo, tr_other in (("A", a, b, A.X, A.y, B), ("B", b, a, B.X, B.y, A)):
        Qo = np.linalg.qr(tr_other.X.T)[0]
        W = other.layers[0]
        proj = np.linalg.norm(Xo @ Qo, axis=1)
        g = tr_other.mean_regularised_gradient(0)
        (lo, ao), (lm, am) = loss_and_accuracy(own, Xo, yo), loss_and_accuracy(m, Xo, yo)
        row[name] = {"delta_f": float(np.max(np.abs(m(Xo) - own(Xo)))),
                     "m2a": float(np.linalg.norm(W, 2) * np.max(proj)),
                     "m2b": merge_bound(measured, lam, c) + float(np.linalg.norm(g, 2)) * float(
                         np.max(np.linalg.norm(Xo, axis=1))) / (c * lam),
                     "loss_own": lo, "loss_merged": lm, "acc_own": ao, "acc_merged": am}
    return row


def merge_sweep(values: Mapping[str, object], arch: str = "shallow") -> list[dict]:
    """For each eps of a C17 claim: :func:`_merge_row` of its pair."""
    return [_merge_row(*merge_pair(values, arch, eps=eps)) for eps in np.atleast_1d(values["epsilons"]).tolist()]


def _c17(values, setups):
    """Per eps and task: ``Delta f / M2a``, ``Delta f / M2b`` and ``Delta L / min(M2a, M2b)`` (logistic loss is
    1-Lipschitz), each claimed <= 1 (:func:`_merge_row`). Bound: rounding of the forward passes and norms,
    ``gamma_(4 (d + m))`` relative."""
    out, bounds = [], []
    rnd = gamma_k(4 * (int(values["d"]) + int(values["width"])) + 16)
    for row in merge_sweep(values, setups[0][1]):
        for name in ("A", "B"):
            r = row[name]
            dl = r["loss_merged"] - r["loss_own"]
            ratios = (r["delta_f"] / r["m2a"], r["delta_f"] / r["m2b"], dl / min(r["m2a"], r["m2b"]))
            out += ratios
            bounds += [abs(x) * 4 * rnd + 4 * rnd for x in ratios]
    return _estimate(out, bounds, "eps = " + ", ".join(f"{r['eps']:.3g}" for r in merge_sweep(values, setups[0][1])))


def _rank_one(W):
    U_, s, Vt = np.linalg.svd(W, full_matrices=False)
    return s[0], U_[:, 0], Vt[0], (s[1] if s.size > 1 else 0.0)


def _chain(net: DecayNet):
    """Top triplets of each layer with signs chained (``v_(k+1) = u_k`` up to alignment, last output +1)."""
    trip = [_rank_one(W) for W in net.layers]
    L = len(trip)
    s = [t[0] for t in trip]
    u = [t[1].copy() for t in trip]
    v = [t[2].copy() for t in trip]
    sign = 1.0 if u[-1][0] > 0 else -1.0                       # the output direction of the last layer: +1
    u[-1], v[-1] = sign * u[-1], sign * v[-1]
    for k in range(L - 2, -1, -1):
        if v[k + 1] @ u[k] < 0:
            u[k], v[k] = -u[k], -v[k]
    return s, u, v, [t[3] for t in trip]


def _c18(values, setups):
    """Deep linear, exactly orthogonal tasks: ``max_x |f_(A+B)(x) - kappa_A f_A(x)| / max |f_A|`` on task A (and B),
    kappa from :func:`theory.wd.transfer_kappa` with the SVD scales and hidden overlaps ``o_k = <v_k^A, v_k^B>``.

    Bound (first order): the rank-one remainders (``||M_k - M_hat_k|| <= sigma_2^A + sigma_2^B =: e_k``, carried
    through the product as ``prod (m_k + e_k) - prod m_k`` with ``m_k = ||M_k|| + e_k >= ||M_hat_k||``; the same for
    ``f_A`` times kappa); the chain misalignment ``delta_k = ||u_k - v_(k+1)||`` of each net (the recursion uses
    ``v_(k+1)`` for the left vector ``u_k`` of layer k, so each of its inner products moves by at most delta_k:
    ``2 sum_k (delta_k^A + delta_k^B) prod m ||x||``); the other net's first layer on this task ``||W_1^B x||``
    carried through the merged layers 2..L; and rounding.
    """
    if float(values["eps"]) != 0:
        raise InvalidArgument("eps", values["eps"], "0 (exactly orthogonal tasks)")
    A, B = merge_pair(values, setups[0][1])
    require_orthogonal(A.X, B.X)
    a, b = A.net, B.net
    m = merge(a, b)
    out, bounds, kappas = [], [], []
    for own, other, X in ((a, b, A.X), (b, a, B.X)):
        sa, ua, va, ra = _chain(own)
        sb, ub, vb, rb = _chain(other)
        L = len(sa)
        o = [float(va[k] @ vb[k]) for k in range(1, L)]
        kappa = transfer_kappa(sa, sb, o)
        kappas.append(kappa)
        fo = own(X)
        scale = float(np.max(np.abs(fo)))
        rest = np.array([ra[k] + rb[k] for k in range(L)])
        mhat = np.array([float(np.linalg.norm(W, 2)) for W in m.layers]) + rest
        own_rest = np.array(ra)
        own_hat = np.array([float(np.linalg.norm(W, 2)) for W in own.layers]) + own_rest
        delta = sum(float(np.linalg.norm(ua[k] - va[k + 1]) + np.linalg.norm(ub[k] - vb[k + 1]))
                    for k in range(L - 1))
        xn = float(np.max(np.linalg.norm(X, axis=1)))
        carry = (float(np.prod(mhat + rest) - np.prod(mhat))
                 + abs(kappa) * float(np.prod(own_hat + own_rest) - np.prod(own_hat))) * xn
        leak = float(np.max(np.linalg.norm(X @ other.layers[0].T, axis=1))) * float(np.prod(mhat[1:]))
        align = 2 * delta * float(np.prod(mhat)) * xn
        rnd = gamma_k(sum(W.shape[1] for W in m.layers) + 8 * L) * 4 * float(np.prod(mhat)) * xn
        out.append(float(np.max(np.abs(m(X) - kappa * fo))) / scale)
        bounds.append((carry + leak + align + rnd * (1 + abs(kappa))) / scale)
    return _estimate(out, bounds, f"kappa_A = {kappas[0]:.6g}, kappa_B = {kappas[1]:.6g} (transfer recursion from "
                     "the SVDs)")


def _accuracy_changes(draw: tuple) -> tuple[float, float]:
    """One task draw of C19, ``(setup values, arch, seed)``: ``acc(merged) - acc(own)`` on task A and on task B of
    the pair trained from ``seed``."""
    setup, arch, seed = draw
    A, B = merge_pair(setup, arch, seed=seed)
    a, b = _final(A), _final(B)
    mnet = merge(a, b)
    return tuple(loss_and_accuracy(mnet, X, y)[1] - loss_and_accuracy(own, X, y)[1]
                 for own, X, y in ((a, A.X, A.y), (b, B.X, B.y)))


def _c19(values, setups):
    """The fraction of task draws (seed x task) in which the merged network's training accuracy changes by at least
    ``min_acc_change`` (a threshold of the claim, <= 0; at 0: "not lower") from the task's own network's, for the
    shallow ReLU pairs at ``eps`` and the deep linear pairs at eps = 0, over the claim's seeds. Exact counts
    (accuracies at the computed margins); the drops are listed in the method. Each (architecture, seed) pair is
    trained independently, through :func:`numerics.map_draws`."""
    floor = float(values["min_acc_change"])
    seeds = [int(seed) for seed in np.atleast_1d(values["seeds"]).tolist()]
    archs = (("shallow", "shallow"), ("linear", "linear"))
    draws = [({k[len(prefix) + 1:]: v for k, v in values.items() if k.startswith(prefix + "_")}, arch, seed)
             for prefix, arch in archs for seed in seeds]
    changes = iter(map_draws(_accuracy_changes, draws))
    out, drops = [], []
    for prefix, _ in archs:
        kept = total = 0
        for seed in seeds:
            for task, change in zip("AB", next(changes)):
                kept, total = kept + (change >= floor), total + 1
                if change < 0:
                    drops.append(f"{prefix} seed {seed} task {task}: {change:+.3g}")
        out.append(kept / total)
    return _estimate(out, [0.0, 0.0], f"{total} task draws per architecture, kept when the accuracy changes by >= "
                     f"{floor:g}; accuracy drops: "
                     + ("; ".join(drops) or "none"))


def _c20(values, setups):
    """Trained output layers (``a_A + a_B``, ``W_A + W_B``), exactly orthogonal tasks, shared output-sign start:
    ``max |Delta f| / max |f_A|`` on each task (claimed >= a stated level: the merge is not function-preserving) and
    ``acc(merged) - acc(own)`` (claimed >= 0). Bound: forward-pass rounding (``gamma_(d + m + 4)`` relative)."""
    A, B = merge_pair(values, setups[0][1])
    require_orthogonal(A.X, B.X)
    a, b = _final(A), _final(B)
    m = merge(a, b)
    out, bounds = [], []
    rnd = gamma_k(int(values["d"]) + int(values["width"]) + 4) * 4
    for own, X, y in ((a, A.X, A.y), (b, B.X, B.y)):
        fo = own(X)
        rel = float(np.max(np.abs(m(X) - fo))) / float(np.max(np.abs(fo)))
        out += [rel, loss_and_accuracy(m, X, y)[1] - loss_and_accuracy(own, X, y)[1]]
        bounds += [rnd * (1 + rel), 0.0]
    return _estimate(out, bounds, "trained output layers, merged by summing both layers")


MERGING_CHECKS = {"c16": _c16, "c17": _c17, "c18": _c18, "c19": _c19, "c20": _c20}
#: The checks whose independent trainings go through :func:`numerics.map_draws`.
MAPPED_CHECKS = frozenset({"c19"})
