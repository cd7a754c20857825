r"""Exact identities of the gradient decomposition, as residuals with a derived float64 rounding bound.

Each check computes two routes to the same matrix (or number) and returns the
relative residual ||lhs - rhs||_F / ||reference||_F with a bound on what
float64 rounding alone can produce. The bound is the standard a-priori model
(Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., section 3.5):
a computed product or sum of depth k has error at most gamma_k |A||B| with
gamma_k = k u / (1 - k u), u = 2^-53. Here k = n + d + m + 10 (the longest chain
of dependent operations: forward product, output sum, gradient product, and a
few elementwise operations); the errors of the inputs of each product (H, r,
sigma'(H), mu) are propagated to first order (:func:`term_bound`). An identity's
bound is the number of computed terms on its two sides times one term's bound;
singular values and vectors add LAPACK's backward error, max(d, m) u ||A||_2.
A residual above its bound is a real discrepancy, not rounding.

The two routes are independent where it matters: the reference
(:mod:`numerics.lowrank._reference`) builds every term from its definition, with its own
H = X W^T from the literal X and its own mu (the literal sample mean, or theory's
mpmath value at scales from the dense Sigma_hat); the identities below test the
fast path's terms against closed forms built from the reference's r and mu.

The identities (our note, section 2.3; all **derived** from the [S] definitions):

* ``sum``: G = S1 + S12 + S2 + E (both sides from their definitions);
* ``fast``: the fast decomposition equals the appendix's reference, term by term;
* ``rank``: sigma_3(S1 + S12 + S2) = 0 (rank at most 2);
* ``residue_full``: S1 + S12 = (gamma/n) X^T r (a o mu)^T;
* ``spike_part``: S12 + S2 = (gamma zeta/n) q z^T[(r a^T) o sigma'(X W^T)];
* ``norms``: ||S1|| = (gamma/n)||X_B^T r|| ||mu||, ||S12|| = (gamma zeta/n)|z^T r| ||mu||,
  ||S2|| = (gamma zeta/n)||M^T z||;
* ``vectors``: S1's left/right singular vectors are +-res and +-(a o mu)/||mu||; S12's and S2's left are +-q;
* ``linear``: for sigma(x) = x, S2 = E = 0 and G = (gamma/n) X^T r a^T;
* ``no_spike``: for zeta = 0, S12 = S2 = 0 and G = S1 + E;
* ``top_svd``: the top-3 singular values of the fast path equal a full SVD's.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from theory import InvalidArgument, gaussian_moment_value

from .._estimate import Estimate
from ._setup import Problem, Setup
from ._reference import reference_decomposition
from .._rounding import U, gamma_k

__all__ = ["IDENTITIES", "IdentityCheck", "term_bound"]


def term_bound(p: Problem, r: np.ndarray, mu: np.ndarray, mu_error: float | None, depth: int) -> float:
    """Bound on the float64 error of any one computed d x m term (gamma/n) X^T[...] of the decomposition.

    First-order propagation (Higham, section 3.5) through every computed input:
    dH = gamma_k (|X_B||W|^T + zeta |z||Wq|^T);
    dr = gamma |sigma'(H)| dH |a| + gamma_k (gamma |sigma(H)||a| + |y| + |r|)
    (|l''| <= 1 for both losses); d sigma' = |sigma''(H)| dH; d mu = its sample mean (empirical) or
    ``mu_error`` + gamma_k |mu| (population). The term's error is at most
    (gamma/n) || X_abs^T [gamma_k D_abs + dD] ||_F with D_abs = |r||a|^T o (|sigma'(H)| + |mu|) and
    dD = dr |a|^T o (|sigma'| + |mu|) + |r||a|^T o (d sigma' + d mu), X_abs = |X_B| + zeta |z||q|^T.
    """
    d, net = p.data, p.network
    g = gamma_k
    H = d.X @ p.W.T
    A = np.abs(p.a)
    dH = g(d.d + 2) * (np.abs(d.X_B) @ np.abs(p.W).T + d.zeta * np.outer(np.abs(d.z), np.abs(p.W @ d.q)))
    d1 = np.abs(net.dsigma(H))
    dr = net.gamma * ((d1 * dH) @ A) + g(net.m + 4) * (net.gamma * (np.abs(net.sigma(H)) @ A) + np.abs(p.y) + np.abs(r))
    dsig = np.abs(net.derivative(2)(H)) * dH
    dmu = dsig.mean(axis=0) if mu_error is None else mu_error + g(4) * np.abs(mu)
    D_abs = np.outer(np.abs(r), A) * (d1 + np.abs(mu))
    dD = np.outer(dr, A) * (d1 + np.abs(mu)) + np.outer(np.abs(r), A) * (dsig + dmu)
    X_abs = np.abs(d.X_B) + d.zeta * np.outer(np.abs(d.z), np.abs(d.q))
    return net.gamma / d.n * float(np.linalg.norm(X_abs.T @ (g(depth) * D_abs + dD)))


def _rel(lhs, rhs, ref) -> float:
    return float(np.linalg.norm(np.asarray(lhs) - np.asarray(rhs)) / np.linalg.norm(ref))


def _top(A: np.ndarray):
    U_, sv, Vt = np.linalg.svd(A, full_matrices=False)
    return U_[:, 0], sv, Vt[0]


def _reference_mu(p: Problem) -> np.ndarray:
    """mu computed independently of the fast path: the literal sample mean, or theory's mpmath value per neuron."""
    s, d = p.setup, p.data
    if s.mu == "empirical":
        return p.network.dsigma(d.X @ p.W.T).mean(axis=0)
    scales = np.sqrt(np.einsum("jk,kl,jl->j", p.W, d.bulk.matrix(), p.W) + d.zeta**2 * (p.W @ d.q) ** 2)
    return np.array([float(gaussian_moment_value(s.activation, "mean_derivative", scale=float(v), dps=20,
                                                 **dict(s.activation_params)).value) for v in scales])


class _Context:
    """Both routes for one problem, computed once: the fast path, and the definitions with their own mu."""

    def __init__(self, setup: Setup, values):
        self.p = setup.problem(values)
        self.fast = self.p.decomposition()
        d = self.p.data
        self.ref = reference_decomposition(d.X_B, d.z, d.q, d.zeta, self.p.W, self.p.a, self.p.y,
                                           _reference_mu(self.p), activation=setup.activation,
                                           scaling=setup.scaling, loss=setup.loss,
                                           activation_params=dict(setup.activation_params))
        n_, d_, m_ = d.n, d.d, self.p.W.shape[0]
        # Longest chain of dependent operations: forward product (d), output sum (m), gradient product (n).
        self.depth = n_ + d_ + m_ + 10
        self.term = term_bound(self.p, self.fast.r, self.fast.mu, self.fast.mu_error, self.depth)
        self.svd_error = max(d_, m_) * U

    def bound(self, ref_norm: float, terms: int, extra: float = 0.0) -> float:
        """(terms computed on both sides) x (one term's bound), plus ``extra``, relative to ``ref_norm``."""
        return (terms * self.term + extra) / ref_norm


def _sum(c: _Context):
    r = c.ref
    return [(_rel(r.G, r.S1 + r.S12 + r.S2 + r.E, r.G), c.bound(np.linalg.norm(r.G), terms=5))]


def _fast(c: _Context):
    out = []
    for name in ("G", "S1", "S12", "S2", "E"):
        ref = getattr(c.ref, name)
        # the fast term is built from at most two computed pieces (E = B - S1, G = B + outer), the reference from one
        out.append((_rel(getattr(c.fast, name), ref, ref), c.bound(np.linalg.norm(ref), terms=3)))
    return out


def _rank(c: _Context):
    f = c.fast
    sv = np.linalg.svd(f.S1 + f.S12 + f.S2, compute_uv=False)
    # sigma_3 of the computed sum is at most the error of its 3 terms plus LAPACK's backward error.
    return [(float(sv[2] / sv[0]), c.bound(sv[0], terms=3, extra=c.svd_error * sv[0]))]


def _residue_full(c: _Context):
    """The fast path's S1 + S12 against the closed form from the literal X and the reference's own r and mu."""
    p, r, g = c.p, c.ref, c.fast.gamma / c.p.data.n
    rhs = g * np.outer(p.data.X.T @ r.r, p.a * r.mu)
    return [(_rel(c.fast.S1 + c.fast.S12, rhs, rhs), c.bound(np.linalg.norm(rhs), terms=3))]


def _spike_part(c: _Context):
    p, r, g, d = c.p, c.ref, c.fast.gamma, c.p.data
    D = np.outer(r.r, p.a) * p.network.dsigma(d.X @ p.W.T)
    rhs = (g * d.zeta / d.n) * np.outer(d.q, d.z @ D)
    return [(_rel(c.fast.S12 + c.fast.S2, rhs, rhs), c.bound(np.linalg.norm(rhs), terms=3))]


def _norms(c: _Context):
    """Spectral norms of the fast path's rank-one terms against the closed forms of the note (section 2.3 item 4).

    ||a o mu|| is used as written for any a; it equals ||mu|| for a in {+1, -1}^m.
    """
    p, r, d, f = c.p, c.ref, c.p.data, c.fast
    g, am = f.gamma, p.a * r.mu
    M = np.outer(r.r, p.a) * (p.network.dsigma(d.X @ p.W.T) - r.mu)
    closed = ((g / d.n) * np.linalg.norm(d.X_B.T @ r.r) * np.linalg.norm(am),
              (g * d.zeta / d.n) * abs(d.z @ r.r) * np.linalg.norm(am),
              (g * d.zeta / d.n) * np.linalg.norm(M.T @ d.z))
    out = []
    for S, value in zip((f.S1, f.S12, f.S2), closed):
        norm = np.linalg.norm(S, 2)
        out.append((abs(norm - value) / value, c.bound(value, terms=3, extra=c.svd_error * norm)))
    return out


def _vectors(c: _Context):
    """Singular vectors of the fast path's terms against the directions the note names.

    The residual is min(||u - v||, ||u + v||), linear in the angle between the two lines; a true
    identity leaves at most 2e, e the accuracy of the computed vector: LAPACK's backward error
    max(d, m) u plus, for S1, (3 terms' bound) / ||S1|| (its factors carry the propagated errors of
    r and mu), and for S12 and S2, 4u (they are formed as outer(c q, v): every entry of the left
    factor is c q_i to 2u, so the computed matrix is exactly rank one along q to 2u, whatever c is).
    """
    f, r, q = c.fast, c.ref, c.p.data.q
    res = c.p.data.X_B.T @ r.r
    res = res / np.linalg.norm(res)
    am = c.p.a * r.mu
    pairs = []
    for S, v, side in ((f.S1, res, 0), (f.S1, am / np.linalg.norm(am), 1), (f.S12, q, 0), (f.S2, q, 0)):
        U_, sv, Vt = np.linalg.svd(S, full_matrices=False)
        x = U_[:, 0] if side == 0 else Vt[0]
        e = c.svd_error + (3 * c.term / sv[0] if S is f.S1 else 4 * U)
        pairs.append((float(min(np.linalg.norm(x - v), np.linalg.norm(x + v))), 2 * e))
    return pairs


def _linear(c: _Context):
    if c.p.setup.activation != "identity":
        raise InvalidArgument("activation", c.p.setup.activation, "'identity' for the linear special case")
    f, r, p, d = c.fast, c.ref, c.p, c.p.data
    norm = np.linalg.norm(r.G)
    rhs = (f.gamma / d.n) * np.outer(d.X.T @ r.r, p.a)
    b = c.bound(norm, terms=3)
    return [(float(np.linalg.norm(f.S2) / norm), b), (float(np.linalg.norm(f.E) / norm), b), (_rel(f.G, rhs, rhs), b)]


def _no_spike(c: _Context):
    if c.p.data.zeta != 0:
        raise InvalidArgument("zeta", c.p.data.zeta, "0 for the no-spike special case")
    f, r = c.fast, c.ref
    norm = np.linalg.norm(r.G)
    b = c.bound(norm, terms=3)
    return [(float(np.linalg.norm(f.S12) / norm), b), (float(np.linalg.norm(f.S2) / norm), b),
            (_rel(f.G, r.S1 + r.E, r.G), b)]


def _top_svd(c: _Context):
    full = np.linalg.svd(c.fast.G, compute_uv=False)[:3]
    # Both routes are backward stable: each singular value is within max(d, m) u ||G|| of the exact one.
    return [(abs(f - s) / s, 2 * c.svd_error * full[0] / s) for f, s in zip(c.fast.singular_values, full)]


IDENTITIES = {"sum": _sum, "fast": _fast, "rank": _rank, "residue_full": _residue_full, "spike_part": _spike_part,
              "norms": _norms, "vectors": _vectors, "linear": _linear, "no_spike": _no_spike, "top_svd": _top_svd}
COMPONENTS = {"sum": 1, "fast": 5, "rank": 1, "residue_full": 1, "spike_part": 1, "norms": 3, "vectors": 4,
              "linear": 3, "no_spike": 3, "top_svd": 3}


@dataclass(frozen=True)
class IdentityCheck:
    """Estimator callable: the residuals of identity ``name`` on the problem ``setup`` draws from the claim's values."""

    route = "identity"  # decompositions that hold by construction

    setup: Setup
    name: str

    def __post_init__(self) -> None:
        if self.name not in IDENTITIES:
            raise InvalidArgument("identity", self.name, f"one of {', '.join(IDENTITIES)}")

    @property
    def components(self) -> int:
        """How many residuals the identity returns."""
        return COMPONENTS[self.name]

    def __call__(self, values, *, rng=None, n=None, dps=None) -> Estimate:
        pairs = IDENTITIES[self.name](_Context(self.setup, values))
        return Estimate(tuple(float(v) for v, _ in pairs), bound=tuple(float(b) for _, b in pairs),
                        method=f"float64 residuals of {self.name!r} ({self.setup.describe()}), a-priori rounding bound")
