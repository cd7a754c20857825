"""Scaling of the bulk error term ||E|| of the low-rank gradient decomposition (note section 3.3, item E).

E = (gamma/n) X_B^T [(r a^T) o sigma'_perp(X W^T)] (spectral norm). Measured for ReLU / tanh, NTK / MF,
nu in {0, 1/4, 3/8}, target_mean 0, d = 4n/3, m = 5n/3, sphere weights, triple-index target, seeds 0..S-1,
and split into parts (see bench/README_lowrank_error_norm.md):

  r = rbar 1 + rt                             (mean residual + fluctuation)
  sigma'_perp(h) = k_j h + phi_nl(h)           (linear Hermite part, k_j = E sigma''(s_j Z); rest)
  k_j h = k_j h^B + k_j zeta z omega_j         (bulk-linear part + spike-induced part, omega = W q)

  E = E_lin (bulk-linear) + E_sp (rank one: gamma zeta (X_B^T (r o z)/n) (a o omega o k)^T) + E_nl (nonlinear)

Predictions (in bench/_error_norm_predict.py): free-probability edges given each draw's residual law (deformed
Marchenko-Pastur law of K = X_B^T diag(r) X_B / n, S-transforms), the rank-one spike term, and a BBP
combination; the extrapolation to n = 10^6 uses the two-scale law max(B_inf, theta_1, theta_sp) with synthetic
residuals. Derivation and tables: bench/README_lowrank_error_norm.md.

Run from the repository root, single-threaded:
    export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
    python bench/lowrank_error_norm.py                  # measure, predict, summarise: about 25 min
                                                        # (about 20 min measurements + 4 min predictions)
    python bench/lowrank_error_norm.py --extrapolate 20 # add the synthetic-residual extrapolation: about 5 min
    python bench/lowrank_error_norm.py --predict-only   # redo predictions/summary from the saved rows
Writes bench/results/lowrank_error_norm.json ("rows", "summary", "extrapolation"; about 3.8 MB, rewritten after
every draw so a partial run is usable). bench/results/*.json is git-ignored: the file is not committed.
``--extrapolate`` and ``--predict-only`` read that file, so run the measurement first.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
from scipy.sparse.linalg import svds

from numerics.lowrank import Setup, population_moment

# the predictor lives next to this file; run as ``python bench/lowrank_error_norm.py`` the script's directory is
# already on sys.path, this also covers ``python -P`` and imports from elsewhere
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _error_norm_predict import extrapolate, gauss_moments, predict_row, residual_only  # noqa: E402

NU = (0.0, 0.25, 0.375)
LADDER = (150, 300, 600, 1200, 2400)
SETTINGS = [(act, sc) for act in ("relu", "tanh") for sc in ("ntk", "mf")]


def opnorm(A: np.ndarray, vectors: bool = False):
    """Spectral norm (ARPACK svds k=1 above 300, LAPACK below); optionally the top left singular vector."""
    if min(A.shape) < 300:
        U, s, _ = np.linalg.svd(A, full_matrices=False)
        return (float(s[0]), U[:, 0]) if vectors else float(s[0])
    v0 = np.random.default_rng(7).standard_normal(min(A.shape))
    U, s, _ = svds(A, k=1, tol=1e-7, v0=v0, return_singular_vectors="u" if vectors else False) if vectors else \
        (None, svds(A, k=1, tol=1e-7, v0=v0, return_singular_vectors=False), None)
    return (float(s[0]), U[:, 0]) if vectors else float(s[0])


def measure(act: str, scaling: str, nu: float, n: int, seed: int, check: bool = False) -> dict:
    d, m = round(4 * n / 3), round(5 * n / 3)
    p = Setup(act, "sphere", "triple_index", scaling).problem(
        {"n": n, "d": d, "m": m, "nu": nu, "alpha": 0.0, "seed": seed, "target_mean": 0.0})
    pre = p.preactivations()
    vec = p.vectors(preactivations=pre)
    X_B, z, q, zeta = p.data.X_B, p.data.z, p.data.q, p.data.zeta
    W, a, r, mu, s, g = p.W, p.a, vec.r, vec.mu, vec.s, vec.gamma
    H = pre.H
    omega = W @ q
    k = population_moment(act, "mean_second_derivative", s).values if act != "tanh" else np.zeros(m)
    Phi = p.network.dsigma(H) - mu                      # sigma'_perp(H), population mu
    HB = H - zeta * np.outer(z, omega)                  # bulk pre-activations
    Phi_nl = Phi - H * k                                # nonlinear (Hermite >= 2 in h/s, and the constant) part
    rbar = float(r.mean())
    rt = r - rbar
    ak = a * k
    # the products (each d x n x m)
    E = (g / n) * (X_B.T @ (Phi * (r * 1.0)[:, None] * a))
    Lfull = (g / n) * (X_B.T @ (HB * r[:, None] * ak)) if act != "tanh" else np.zeros_like(E)
    Lbar = (g / n) * (X_B.T @ (HB * ak)) if act != "tanh" else np.zeros_like(E)   # times rbar later
    Nbar = (g / n) * (X_B.T @ (Phi_nl * a))             # times rbar later
    # spike-induced rank-one part
    u_full, u_bar = X_B.T @ (r * z) / n, X_B.T @ z / n
    vsp = a * omega * k
    Esp = (g * zeta) * np.outer(u_full, vsp)
    Enl = E - Lfull - Esp
    out = dict(act=act, scaling=scaling, nu=nu, n=n, d=d, m=m, seed=seed, gamma=g, zeta=zeta, rbar=rbar,
               rms_r=float(np.sqrt(np.mean(r * r))), rms_rt=float(rt.std()), mean_s=float(s.mean()),
               rms_k=float(np.sqrt(np.mean(k * k))), rms_omega_k=float(np.linalg.norm(omega * k)),
               norm_u=float(np.linalg.norm(u_full)), norm_ubar=float(np.linalg.norm(u_bar)))
    out["E"], uE = opnorm(E, vectors=True)
    out["E_sv2"] = float(svds(E, k=2, tol=1e-6, v0=np.random.default_rng(7).standard_normal(min(E.shape)),
                              return_singular_vectors=False).min()) if min(E.shape) >= 300 else \
        float(np.linalg.svd(E, compute_uv=False)[1])
    # what the predictions need: the law of r (quantiles), of k and s, the nonlinear variance and moments
    qs = (np.arange(400) + 0.5) / 400
    out["r_quantiles"] = np.quantile(r, qs).tolist()
    out["r_sorted"] = np.round(np.sort(r), 6).tolist()
    out["k_quantiles"] = np.quantile(np.abs(k), (np.arange(100) + 0.5) / 100).tolist()
    m0, m1, m2, m11 = gauss_moments(act, s)
    out["v_nl"] = float(np.mean(m11 - m1**2 - (s * k) ** 2))   # Var sigma'(sZ) minus its linear part
    out["rbar_pop"] = float(g * (a @ m0) - p.y.mean())           # gamma sum_j a_j E sigma(s_j Z) - mean(y)
    out["var_f_pop"] = float(g**2 * np.sum(m2 - m0**2))         # gamma^2 sum_j Var sigma(s_j Z)
    out["var_y"] = float(p.y.var())
    out["E_sp"] = g * zeta * np.linalg.norm(u_full) * np.linalg.norm(vsp)
    out["E_sp_rbar"] = g * zeta * abs(rbar) * np.linalg.norm(u_bar) * np.linalg.norm(vsp)
    out["E_sp_rt"] = g * zeta * np.linalg.norm(u_full - rbar * u_bar) * np.linalg.norm(vsp)
    out["align_E_sp"] = float(abs(uE @ u_full) / max(np.linalg.norm(u_full), 1e-300))
    out["E_nl"] = opnorm(Enl)
    out["E_nl_rbar"] = abs(rbar) * opnorm(Nbar)
    out["E_nl_rt"] = opnorm(Enl - rbar * Nbar)
    out["E_bulk"] = opnorm(E - Esp)                      # E_lin + E_nl
    if act != "tanh":
        out["E_lin"] = opnorm(Lfull)
        out["E_lin_rbar"] = abs(rbar) * opnorm(Lbar)
        out["E_lin_rt"] = opnorm(Lfull - rbar * Lbar)
    else:
        out["E_lin"] = out["E_lin_rbar"] = out["E_lin_rt"] = 0.0
    out["E_rbar"] = opnorm(rbar * (Lbar + Nbar) + g * zeta * rbar * np.outer(u_bar, vsp))
    out["E_rt"] = opnorm(E - rbar * (Lbar + Nbar) - g * zeta * rbar * np.outer(u_bar, vsp))
    # "Stein with population covariance": gamma |rbar| ||Sigma_hat W^T diag(a k)||, Sigma_hat = I
    out["stein_pop"] = abs(rbar) * g * opnorm(W.T * ak) if act != "tanh" else 0.0
    if check:  # the repo's decomposition gives the same E
        dec = p.decomposition()
        out["check_E_maxdiff"] = float(np.abs(dec.E - E).max() / np.abs(E).max())
    return out





def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--ladder", type=int, nargs="*", default=list(LADDER))
    ap.add_argument("--big", type=int, default=4800, help="extra n for relu/ntk/nu=0 (big-seeds seeds); 0 skips")
    ap.add_argument("--big-seeds", type=int, default=1)
    ap.add_argument("--predict-only", action="store_true", help="recompute predictions from the saved json")
    ap.add_argument("--extrapolate", type=int, default=0, metavar="DRAWS",
                    help="only add the synthetic-residual extrapolation (DRAWS draws per n) to the saved json")
    ap.add_argument("--out", default="bench/results/lowrank_error_norm.json")
    args = ap.parse_args()
    if args.extrapolate:
        extrapolate(args.extrapolate, args.out)
        return
    if args.predict_only:
        with open(args.out) as fh:
            saved = json.load(fh)
        finish(saved["rows"], saved["seconds"], args.out)
        return
    rows = []
    t0 = time.perf_counter()
    jobs = [(act, sc, nu, n, seed) for act, sc in SETTINGS for nu in NU for n in args.ladder
            for seed in range(args.seeds)]
    if args.big:
        jobs += [("relu", "ntk", 0.0, args.big, seed) for seed in range(args.big_seeds)]
    for act, sc, nu, n, seed in jobs:
        t = time.perf_counter()
        row = measure(act, sc, nu, n, seed, check=(n == 150 and seed == 0))
        row["seconds"] = time.perf_counter() - t
        rows.append(row)
        print(f"{act:4s} {sc:3s} nu={nu:.3f} n={n:5d} s={seed} |E|/g={row['E']/row['gamma']:.3f} "
              f"lin={row['E_lin']/row['gamma']:.3f} sp={row['E_sp']/row['gamma']:.3f} "
              f"nl={row['E_nl']/row['gamma']:.3f} rbar={row['rbar']:+.3f} ({row['seconds']:.1f}s)", flush=True)
        os.makedirs(os.path.dirname(args.out), exist_ok=True)
        with open(args.out, "w") as fh:     # saved after every draw, so a partial run is usable
            json.dump({"rows": rows, "seconds": time.perf_counter() - t0}, fh)
    finish(rows, time.perf_counter() - t0, args.out)


def finish(rows, seconds, out):
    """Predictions and summary tables (cheap); rewrites the json with them."""
    t0 = time.perf_counter()
    for row in rows:
        if "r_sorted" not in row:
            row["r_sorted"] = np.round(np.sort(residual_only(row["act"], row["scaling"], row["nu"], row["n"],
                                                             row["seed"])), 6).tolist()
        if "P_bbp" not in row:
            row.update(predict_row(row))
    print(f"predictions: {time.perf_counter() - t0:.1f} s")
    summary = summarise(rows)
    for line in summary["lines"]:
        print(line)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as fh:
        json.dump({"rows": rows, "seconds": seconds, "summary": summary["table"]}, fh)


def _geomean(v) -> float:
    return float(np.exp(np.mean(np.log(np.maximum(v, 1e-300)))))


def summarise(rows):
    """Per setting and n: geometric means over seeds of the measured and predicted norms / gamma, and the local
    log-slopes of ||E|| (with gamma) between consecutive n."""
    keys = ["E", "E_lin", "E_nl", "E_sp", "E_bulk", "E_rbar", "E_rt", "E_lin_rbar", "E_lin_rt", "E_nl_rbar",
            "E_nl_rt"]
    pkeys = ["P_lin", "P_nl", "P_sp", "P_bulk", "P_rss", "P_bbp", "P_bbp_drawtheta", "P_stein_free",
             "P_stein_pop", "single_sample", "r_max"]
    groups = {}
    for r in rows:
        groups.setdefault((r["act"], r["scaling"], r["nu"]), {}).setdefault(r["n"], []).append(r)
    table, lines = [], []
    for (act, sc, nu), byn in sorted(groups.items()):
        lines.append(f"== {act} {sc} nu={nu}")
        lines.append("     n  seeds  |E|/g  pred(bbp) pred(rss) meas/pred  lin  P_lin   nl  P_nl    sp  P_sp  "
                     "rbar-part rt-part  |r|max  slope|E| slope_pred")
        prev = None
        for n in sorted(byn):
            rs = byn[n]
            ent = dict(act=act, scaling=sc, nu=nu, n=n, seeds=len(rs), gamma=rs[0]["gamma"], zeta=rs[0]["zeta"])
            for k in keys:
                ent[k + "/g"] = _geomean([r[k] / r["gamma"] for r in rs])
            for k in pkeys:
                ent[k] = _geomean([r[k] for r in rs])
            ent["meas_over_pred_bbp"] = [r["E"] / r["gamma"] / r["P_bbp"] for r in rs]
            ent["E_over_g_each"] = [r["E"] / r["gamma"] for r in rs]
            if prev is not None:
                f = np.log(n / prev["n"])
                ent["slope_E"] = float(np.log(ent["E/g"] * ent["gamma"] / (prev["E/g"] * prev["gamma"])) / f)
                ent["slope_pred"] = float(np.log(ent["P_bbp"] * ent["gamma"] / (prev["P_bbp"] * prev["gamma"])) / f)
            table.append(ent)
            lines.append(f"{n:6d} {len(rs):5d} {ent['E/g']:7.3f} {ent['P_bbp']:8.3f} {ent['P_rss']:8.3f} "
                         f"{_geomean(ent['meas_over_pred_bbp']):8.3f} {ent['E_lin/g']:5.2f} {ent['P_lin']:5.2f} "
                         f"{ent['E_nl/g']:5.2f} {ent['P_nl']:5.2f} {ent['E_sp/g']:5.2f} {ent['P_sp']:5.2f} "
                         f"{ent['E_rbar/g']:7.2f} {ent['E_rt/g']:7.2f} {ent['r_max']:7.2f} "
                         f"{ent.get('slope_E', float('nan')):+7.3f} {ent.get('slope_pred', float('nan')):+7.3f}")
            prev = ent
    return {"table": table, "lines": lines}


if __name__ == "__main__":
    main()
