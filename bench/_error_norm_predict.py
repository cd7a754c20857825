"""Predictor and extrapolation for ``bench/lowrank_error_norm.py`` (the spectral norm of the bulk error term E).

The free-probability prediction of ||E||/gamma from a draw's residual law (deformed Marchenko-Pastur law of
K = X_B^T diag(r) X_B / n, S-transforms, the rank-one spike term and a BBP combination), and the two-scale
extrapolation to n = 10^6 with synthetic residuals. The law and its derivation: bench/README_lowrank_error_norm.md.
Not a script: ``bench/lowrank_error_norm.py`` imports it (``--predict-only``, ``--extrapolate``).
"""

from __future__ import annotations

import json

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from numerics.lowrank import Setup



_GH = np.polynomial.hermite_e.hermegauss(160)


def gauss_moments(act: str, s: np.ndarray):
    """E sigma(sZ), E sigma'(sZ), E sigma(sZ)^2, E sigma'(sZ)^2 per scale (closed forms for ReLU)."""
    if act == "relu":
        return s / np.sqrt(2 * np.pi), np.full_like(s, 0.5), s**2 / 2, np.full_like(s, 0.5)
    x, w = _GH
    w = w / w.sum()
    h = np.outer(s, x)
    t = np.tanh(h)
    return (t @ w), ((1 - t**2) @ w), ((t**2) @ w), (((1 - t**2) ** 2) @ w)


# ----------------------------------------------------------------------------------------------------------
# Predictions (free probability, given the draw's residual law; see bench/README_lowrank_error_norm.md)
# ----------------------------------------------------------------------------------------------------------

def residual_only(act: str, scaling: str, nu: float, n: int, seed: int) -> np.ndarray:
    """The residual r of a draw (one n x d x m product): for rows saved without ``r_sorted``."""
    d, m = round(4 * n / 3), round(5 * n / 3)
    p = Setup(act, "sphere", "triple_index", scaling).problem(
        {"n": n, "d": d, "m": m, "nu": nu, "alpha": 0.0, "seed": seed, "target_mean": 0.0})
    return p.vectors(preactivations=p.preactivations()).r


def compress(x_sorted: np.ndarray, tail: int = 100, bins: int = 400, f=lambda v: v):
    """A discrete law of f(x): the ``tail`` largest and smallest samples exactly (mass 1/n each), the middle
    as ``bins`` equal-count bins (mass count/n, atom = the bin mean of f)."""
    x = np.sort(np.asarray(x_sorted, float))
    n = len(x)
    if n <= 2 * tail + bins:
        return f(x), np.full(n, 1.0 / n)
    mid = np.array_split(x[tail:n - tail], bins)
    atoms = np.concatenate([f(x[:tail]), [f(b).mean() for b in mid], f(x[n - tail:])])
    w = np.concatenate([np.full(tail, 1.0 / n), [len(b) / n for b in mid], np.full(tail, 1.0 / n)])
    return atoms, w


def s_transform(t: np.ndarray, w: np.ndarray):
    """S-transform of the discrete law sum_k w_k delta_{t_k} (t >= 0): S(z) = chi(z) (1 + z)/z, chi = psi^-1,
    psi(x) = sum_k w_k t_k x/(1 - t_k x)."""
    t, w = np.asarray(t, float), np.asarray(w, float)
    keep = t > 0
    t, w = t[keep], w[keep]
    hi = (1 - 1e-15) / t.max()

    def S(z):
        x = brentq(lambda x: np.dot(w, t * x / (1 - t * x)) - z, 0.0, hi, xtol=1e-18, rtol=1e-13, maxiter=500)
        return x * (1 + z) / z
    return S


def free_edge(Ss) -> float:
    """Top of the support of the free multiplicative convolution of the laws with S-transforms ``Ss``:
    1/max_z chi(z), chi(z) = prod S_i(z) z/(1+z)."""
    def chi(z):
        v = z / (1 + z)
        for S in Ss:
            v *= S(z)
        return v
    zs = np.geomspace(1e-4, 300.0, 240)
    vals = np.array([chi(z) for z in zs])
    i = int(np.argmax(vals))
    lo, hi = zs[max(i - 1, 0)], zs[min(i + 1, len(zs) - 1)]
    res = minimize_scalar(lambda lz: -chi(np.exp(lz)), bounds=(np.log(lo), np.log(hi)), method="bounded",
                          options={"xatol": 1e-7})
    return 1.0 / max(-res.fun, vals[i])


def s_mp(c: float):
    """S-transform of (1/n) A A^T (n x n, A n x cn, unit entries): 1/(c + z)."""
    return lambda z: 1.0 / (c + z)


def _g_newton(r, w, c, z, g):
    for _ in range(100):
        den = 1 + c * r * g
        mr = np.dot(w, r / den)
        F = g * (-z + mr) - 1
        dF = (-z + mr) - g * np.dot(w, c * r * r / den**2)
        gn = g - F / dF
        if gn.imag < 0:
            gn = complex(gn.real, -gn.imag)
        if abs(gn - g) < 1e-12 * (1 + abs(g)):
            return gn, True
        g = gn
    return g, False


def _g_fixed(r, w, c, z):
    g = -1.0 / z
    for _ in range(4000):
        gn = 1.0 / (-z + np.dot(w, r / (1 + c * r * g)))
        if abs(gn - g) < 1e-12 * (1 + abs(g)):
            return gn
        g = 0.6 * g + 0.4 * gn
    return g


def k_law(r, w, c, n_eff, npts=5000, eta_dx=0.05):
    """:func:`_k_law`, checked against the exact first two moments of the n-frame law (c E r and about
    c^2 E r^2 + c (E r)^2, less the trimmed tails); a continuation that jumped to a wrong branch is redone on a
    finer grid at a larger height."""
    m1, m2 = c * np.dot(w, r), c * c * np.dot(w, r * r) + c * np.dot(w, r) ** 2
    for k, (npts_k, eta_k) in enumerate(((npts, eta_dx), (2 * npts, 0.2), (4 * npts, 0.5))):
        xs, wt = _k_law(r, w, c, n_eff, npts_k, eta_k)
        if abs(np.dot(wt, xs) - m1) < 0.05 * np.sqrt(m2) and 0.8 < np.dot(wt, xs**2) / m2 < 1.1:
            return xs, wt
    raise RuntimeError("the deformed Marchenko-Pastur law did not converge")


def _k_law(r, w, c, n_eff, npts=5000, eta_dx=0.05):
    """Eigenvalue law (n frame: without the zero atom of mass 1 - 1/c) of K = (1/n) sum_i r_i x_i x_i^T,
    x_i ~ N(0, I_d), d/n = c > 1, r with law (r, w): deformed Marchenko-Pastur (Silverstein) equation
    g = 1/(-z + E[r/(1 + c r g)]) for g = (1/d) tr (K - z)^-1, solved by continuation on a fine grid over
    [-L, L] (L = max|r| (1 + sqrt c)^2 bounds ||K|| in the n frame), at height eta = eta_dx * dx; the outer
    tails of mass < 1/(2 n_eff) are trimmed (less than half an eigenvalue)."""
    L = np.abs(r).max() * (1 + np.sqrt(c)) ** 2 * 1.02
    xs = np.linspace(L, -L, npts)
    dx = xs[0] - xs[1]
    eta = eta_dx * dx
    out = np.zeros(npts)
    g = -1.0 / (xs[0] + 1j * eta)
    for i, x in enumerate(xs):
        z = x + 1j * eta
        g, ok = _g_newton(r, w, c, z, g)
        if not ok or g.imag < 0:
            g = _g_fixed(r, w, c, z)
        out[i] = (c * (g + (1 - 1 / c) / z)).imag / np.pi     # n frame: the zero atom removed exactly
    wt = np.clip(out, 0, None) * dx
    o = np.argsort(xs)
    xs, wt = xs[o], wt[o] / wt.sum()
    cum = np.cumsum(wt)
    keep = (cum > 0.5 / n_eff) & (cum - wt < 1 - 0.5 / n_eff)
    return xs[keep], wt[keep] / wt[keep].sum()


def wdw_s(k2, c1, c2):
    """S-transform (d frame) of W^T diag(k^2) W, W m x d with unit rows, k^2 with the atoms k2 (equal mass)."""
    Sk2 = s_transform(k2, np.full(len(k2), 1.0 / len(k2)))
    md = c2 / c1

    def Sm(u):                                                  # m frame: D W W^T D
        return Sk2(u) / (1 + md * u)
    return lambda z: Sm(z / md) * (1 / md) * (1 + z) / (1 + z / md)


_STEIN = {}


def _stein_s(c1, n):
    """S-transform (d frame) of Sigma_s^2, Sigma_s = X_B^T X_B / n (cached)."""
    if (c1, n) not in _STEIN:
        xs1, wt1 = k_law(np.array([1.0]), np.array([1.0]), c1, n)
        _STEIN[c1, n] = s_transform(np.concatenate([xs1**2, [0.0]]), np.concatenate([wt1 / c1, [1 - 1 / c1]]))
    return _STEIN[c1, n]


def bulk_parts(r_sorted, kq, v_nl, c1, c2, linear: bool):
    """(B_lin, B_nl, B_stein_unit): predicted ||E_lin||/gamma, ||E_nl||/gamma and ||Sigma_s W^T diag(k)||
    (the Stein part per unit |rbar|)."""
    n = len(r_sorted)
    t, w = compress(r_sorted, f=lambda v: v * v)
    B_nl = np.sqrt(v_nl * free_edge([s_mp(c1), s_mp(c2), s_transform(t, w)]))
    if not linear:
        return 0.0, float(B_nl), 0.0
    ra, rw = compress(r_sorted)
    xs, wt = k_law(ra, rw, c1, n)
    SK2 = s_transform(np.concatenate([xs**2, [0.0]]), np.concatenate([wt / c1, [1 - 1 / c1]]))
    Sw = wdw_s(np.asarray(kq) ** 2, c1, c2)
    B_lin = np.sqrt(free_edge([SK2, Sw]))
    stein_unit = np.sqrt(free_edge([_stein_s(round(c1, 6), n), Sw]))
    return float(B_lin), float(B_nl), float(stein_unit)


def theta_pred(act, nu, n, d, m, rms_r):
    """Predicted ||E_sp||/gamma = zeta sqrt(d/n) rms(r) sqrt(m E_omega[omega^2 k(s)^2]), omega ~ N(0, 1/d),
    s^2 = 1 + zeta^2 omega^2, k(s) = E sigma''(sZ) (ReLU: 1/(s sqrt(2 pi)); tanh: 0)."""
    if act != "relu":
        return 0.0
    zeta = float(n) ** nu
    x, wgh = np.polynomial.hermite_e.hermegauss(80)
    wgh = wgh / wgh.sum()
    om = x / np.sqrt(d)
    s2 = 1 + zeta**2 * om**2
    return float(zeta * np.sqrt(d / n) * rms_r * np.sqrt(m * np.dot(wgh, om**2 / (2 * np.pi * s2))))


def bbp(B, theta, d, m):
    """Top singular value of (Gaussian d x m bulk with edge B) + theta u v^T (Benaych-Georges & Nadakuditi)."""
    c = min(d, m) / max(d, m)
    sig = B / (np.sqrt(d) + np.sqrt(m))
    scale = sig * np.sqrt(max(d, m))
    th = theta / scale
    if th <= c ** 0.25:
        return B
    return float(scale * np.sqrt((1 + th**2) * (c + th**2)) / th)


def predict_row(row: dict) -> dict:
    n, d, m = row["n"], row["d"], row["m"]
    c1, c2 = d / n, m / n
    B_lin, B_nl, stein_unit = bulk_parts(row["r_sorted"], row["k_quantiles"], row["v_nl"], c1, c2,
                                         row["act"] != "tanh")
    B = float(np.hypot(B_lin, B_nl))
    th = theta_pred(row["act"], row["nu"], n, d, m, row["rms_r"])
    th_draw = row["E_sp"] / row["gamma"]
    r = np.abs(np.asarray(row["r_sorted"]))
    return dict(P_lin=B_lin, P_nl=B_nl, P_bulk=B, P_sp=th, P_stein_free=abs(row["rbar"]) * stein_unit,
                P_stein_pop=abs(row["rbar"]) * row["rms_k"] * (1 + np.sqrt(m / d)),
                P_rss=float(np.hypot(B, th)), P_bbp=bbp(B, th, d, m), P_bbp_drawtheta=bbp(B, th_draw, d, m),
                r_max=float(r.max()), single_sample=float(r.max() * np.sqrt(c1 * c2 * (row["v_nl"] + row["rms_k"]**2))))


# ----------------------------------------------------------------------------------------------------------
# Extrapolation: the same predictor fed with synthetic residuals (no n x d x m products), up to n = 10^6
# ----------------------------------------------------------------------------------------------------------

EXTRA_N = (150, 300, 600, 1200, 2400, 4800, 10_000, 100_000, 1_000_000)
EXTRA_SETTINGS = (("relu", "ntk", 0.0), ("relu", "ntk", 0.25), ("relu", "ntk", 0.375), ("tanh", "ntk", 0.0))


def synthetic_row(act, scaling, nu, n, rng) -> dict:
    """A row with the predictor's inputs drawn from their laws: y = (P1 + He2(P2)/sqrt2 + P1 P2 P3)/sqrt3 with
    P iid N(0,1) (the triple-index target), f_i = gamma sqrt(m) (fbar + sd_f g_i) with fbar ~ N(0, sum_j
    E[sigma(s_j Z)]^2/m) and sd_f^2 = mean_j Var sigma(s_j Z), omega_j ~ N(0, 1/d), s_j^2 = 1 + zeta^2 omega_j^2."""
    d, m = round(4 * n / 3), round(5 * n / 3)
    zeta = float(n) ** nu
    P = rng.standard_normal((3, n))
    y = (P[0] + (P[1] ** 2 - 1) / np.sqrt(2) + P[0] * P[1] * P[2]) / np.sqrt(3)
    om = rng.standard_normal(m) / np.sqrt(d)
    s = np.sqrt(1 + zeta**2 * om**2)
    m0, m1, m2, m11 = gauss_moments(act, s)
    k = 1 / (s * np.sqrt(2 * np.pi)) if act == "relu" else np.zeros(m)
    gsm = 1.0 if scaling == "ntk" else 1 / np.sqrt(m)
    f = gsm * (rng.standard_normal() * np.sqrt(np.mean(m0**2)) + np.sqrt(np.mean(m2 - m0**2)) * rng.standard_normal(n))
    r = f - y
    return dict(act=act, scaling=scaling, nu=nu, n=n, d=d, m=m, gamma=1.0, zeta=zeta, rbar=float(r.mean()),
                rms_r=float(np.sqrt(np.mean(r * r))), rms_k=float(np.sqrt(np.mean(k * k))),
                r_sorted=np.sort(r), k_quantiles=np.quantile(k, (np.arange(100) + 0.5) / 100),
                v_nl=float(np.mean(m11 - m1**2 - (s * k) ** 2)), E_sp=0.0)


def extrapolate(draws: int, out: str) -> None:
    """Two-scale law ||E||/gamma ~ max(B_inf, theta_1(n), theta_sp(n)) with synthetic residuals:
    B_inf = free-probability bulk edge of the residual law without its extremes (compress: bins only,
    trimming 1e-4 of mass), theta_1 = max_i |r_i| sqrt(c1 c2 Var sigma'(sZ)) (the largest single-sample rank-one
    term), theta_sp as in theta_pred. Medians over ``draws`` synthetic draws per n."""
    rng = np.random.default_rng(2025)
    res = []
    for act, sc, nu in EXTRA_SETTINGS:
        c1, c2 = 4 / 3, 5 / 3
        big = synthetic_row(act, sc, nu, 100_000, rng)
        t2, w2 = compress(big["r_sorted"], tail=0, f=lambda v: v * v)
        B_nl = np.sqrt(big["v_nl"] * free_edge([s_mp(c1), s_mp(c2), s_transform(t2, w2)]))
        B_lin = 0.0
        if act == "relu":
            ra, rw = compress(big["r_sorted"], tail=0)
            xs, wt = k_law(ra, rw, c1, 1e4)
            SK2 = s_transform(np.concatenate([xs**2, [0.0]]), np.concatenate([wt / c1, [1 - 1 / c1]]))
            B_lin = np.sqrt(free_edge([SK2, wdw_s(np.asarray(big["k_quantiles"]) ** 2, c1, c2)]))
        B = float(np.hypot(B_lin, B_nl))
        prev = None
        for n in EXTRA_N:
            th1, thsp = [], []
            for _ in range(draws):
                row = synthetic_row(act, sc, nu, n, rng)
                th1.append(np.abs(row["r_sorted"]).max() * np.sqrt(c1 * c2 * (row["v_nl"] + row["rms_k"] ** 2)))
                thsp.append(theta_pred(act, nu, n, row["d"], row["m"], row["rms_r"]))
            ent = dict(act=act, scaling=sc, nu=nu, n=n, draws=draws, B_inf=B, B_lin_inf=float(B_lin),
                       B_nl_inf=float(B_nl), theta_1=float(np.median(th1)), theta_sp=float(np.median(thsp)))
            ent["P_max"] = max(B, ent["theta_1"], ent["theta_sp"])
            gam = (5 * n / 3) ** (-0.5 if sc == "ntk" else -1.0)
            ent["P_E"] = ent["P_max"] * gam
            if prev is not None:
                ent["slope_pred"] = float(np.log(ent["P_E"] / prev["P_E"]) / np.log(n / prev["n"]))
            print(f"{act} {sc} nu={nu} n={n:8d} B_inf={B:.2f} (lin {B_lin:.2f} nl {B_nl:.2f}) "
                  f"theta_1={ent['theta_1']:.2f} theta_sp={ent['theta_sp']:.2f} -> |E|/g={ent['P_max']:.2f} "
                  f"slope {ent.get('slope_pred', float('nan')):+.3f}", flush=True)
            res.append(ent)
            prev = ent
    with open(out) as fh:
        saved = json.load(fh)
    saved["extrapolation"] = res
    with open(out, "w") as fh:
        json.dump(saved, fh)
