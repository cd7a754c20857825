r"""Exact identities of the gradient decomposition, as residuals with a derived float64 rounding bound.

Each check computes two routes to the same matrix (or number) and returns the
relative residual ||lhs - rhs||_F / ||reference||_F with a bound on what
float64 rounding alone can produce. The bound is the standard a-priori model
(Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., section 3.5):
a computed product or sum of depth k has error at most gamma_k |A||B| with
gamma_k = k u / (1 - k u), u = 2^-53. Here k = n + d + m + 10 (the longest chain
of dependent operations: forward product, output sum, gradient product, and a
few elementwise operations) and |A||B| is bounded by the absolute-value
magnitude (gamma/n) || (|X_B| + zeta |z||q|^T)^T ((|r||a|^T) o (|sigma'(H)| + |mu|)) ||_F.
Singular values and vectors add LAPACK's backward error, max(d, m) u ||A||_2.
A residual above its bound is a real discrepancy, not rounding.

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

from theory import InvalidArgument

from ._estimate import Estimate
from ._lowrank_setup import Problem, Setup
from ._reference import reference_decomposition

__all__ = ["IDENTITIES", "IdentityCheck", "ExactIdentity", "rounding_bound"]

U = np.finfo(float).eps / 2


def rounding_bound(depth: int, magnitude: float) -> float:
    """gamma_depth * magnitude, gamma_k = k u / (1 - k u)."""
    return depth * U / (1 - depth * U) * magnitude


def _magnitude(p: Problem, dec) -> float:
    d = p.data
    net = p.network
    H = d.X @ p.W.T
    D = np.outer(np.abs(dec.r), np.abs(p.a)) * (np.abs(net.dsigma(H)) + np.abs(dec.mu))
    X_abs = np.abs(d.X_B) + d.zeta * np.outer(np.abs(d.z), np.abs(d.q))
    return net.gamma / d.n * float(np.linalg.norm(X_abs.T @ D))


def _rel(lhs, rhs, ref) -> float:
    return float(np.linalg.norm(np.asarray(lhs) - np.asarray(rhs)) / np.linalg.norm(ref))


def _top(A: np.ndarray):
    U_, sv, Vt = np.linalg.svd(A, full_matrices=False)
    return U_[:, 0], sv, Vt[0]


class _Context:
    """Both routes for one problem, computed once."""

    def __init__(self, setup: Setup, values):
        self.p = setup.problem(values)
        self.fast = self.p.decomposition()
        d = self.p.data
        self.ref = reference_decomposition(d.X_B, d.z, d.q, d.zeta, self.p.W, self.p.a, self.p.y, self.fast.mu,
                                           activation=setup.activation, scaling=setup.scaling, loss=setup.loss,
                                           activation_params=dict(setup.activation_params))
        n_, d_, m_ = d.n, d.d, self.p.W.shape[0]
        self.depth = n_ + d_ + m_ + 10
        self.mag = _magnitude(self.p, self.fast)
        self.svd_error = max(d_, m_) * U

    def bound(self, ref_norm: float, factor: float = 2.0, extra: float = 0.0) -> float:
        return (factor * rounding_bound(self.depth, self.mag) + extra) / ref_norm


def _sum(c: _Context):
    r = c.ref
    return [(_rel(r.G, r.S1 + r.S12 + r.S2 + r.E, r.G), c.bound(np.linalg.norm(r.G), factor=6))]


def _fast(c: _Context):
    out = []
    for name in ("G", "S1", "S12", "S2", "E"):
        ref = getattr(c.ref, name)
        out.append((_rel(getattr(c.fast, name), ref, ref), c.bound(np.linalg.norm(ref), factor=4)))
    return out


def _rank(c: _Context):
    sv = np.linalg.svd(c.ref.S1 + c.ref.S12 + c.ref.S2, compute_uv=False)
    return [(float(sv[2] / sv[0]), c.bound(sv[0], factor=3, extra=c.svd_error * sv[0]))]


def _residue_full(c: _Context):
    p, r, g = c.p, c.ref, c.fast.gamma / c.p.data.n
    rhs = g * np.outer(p.data.X.T @ r.r, p.a * c.fast.mu)
    return [(_rel(r.S1 + r.S12, rhs, rhs), c.bound(np.linalg.norm(rhs), factor=4))]


def _spike_part(c: _Context):
    p, r, g, d = c.p, c.ref, c.fast.gamma, c.p.data
    D = np.outer(r.r, p.a) * p.network.dsigma(d.X @ p.W.T)
    rhs = (g * d.zeta / d.n) * np.outer(d.q, d.z @ D)
    return [(_rel(r.S12 + r.S2, rhs, rhs), c.bound(np.linalg.norm(rhs), factor=4))]


def _norms(c: _Context):
    p, r, d = c.p, c.ref, c.p.data
    g, mu = c.fast.gamma, c.fast.mu
    M = np.outer(r.r, p.a) * (p.network.dsigma(d.X @ p.W.T) - mu)
    closed = ((g / d.n) * np.linalg.norm(d.X_B.T @ r.r) * np.linalg.norm(mu),
              (g * d.zeta / d.n) * abs(d.z @ r.r) * np.linalg.norm(mu),
              (g * d.zeta / d.n) * np.linalg.norm(M.T @ d.z))
    out = []
    for S, value in zip((r.S1, r.S12, r.S2), closed):
        norm = np.linalg.norm(S, 2)
        out.append((abs(norm - value) / value, c.bound(value, factor=4, extra=c.svd_error * norm)))
    return out


def _vectors(c: _Context):
    r, fast, q = c.ref, c.fast, c.p.data.q
    u1, sv1, v1 = _top(r.S1)
    pairs = ((u1, fast.res), (v1, c.p.a * fast.mu / np.linalg.norm(fast.mu)), (_top(r.S12)[0], q), (_top(r.S2)[0], q))
    # A unit vector computed to relative accuracy e has |1 - |u.v|| <= 2e + e^2 (rounding of u, v and the product).
    e = c.svd_error + rounding_bound(c.depth, c.mag) / sv1[0]
    return [(1 - abs(float(x @ y)), 4 * e) for x, y in pairs]


def _linear(c: _Context):
    if c.p.setup.activation != "identity":
        raise InvalidArgument("activation", c.p.setup.activation, "'identity' for the linear special case")
    r, p, d = c.ref, c.p, c.p.data
    norm = np.linalg.norm(r.G)
    rhs = (c.fast.gamma / d.n) * np.outer(d.X.T @ r.r, p.a)
    b = c.bound(norm, factor=4)
    return [(float(np.linalg.norm(r.S2) / norm), b), (float(np.linalg.norm(r.E) / norm), b), (_rel(r.G, rhs, rhs), b)]


def _no_spike(c: _Context):
    if c.p.data.zeta != 0:
        raise InvalidArgument("zeta", c.p.data.zeta, "0 for the no-spike special case")
    r = c.ref
    norm = np.linalg.norm(r.G)
    b = c.bound(norm, factor=4)
    return [(float(np.linalg.norm(r.S12) / norm), b), (float(np.linalg.norm(r.S2) / norm), b),
            (_rel(r.G, r.S1 + r.E, r.G), b)]


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

    setup: Setup
    name: str

    def __post_init__(self) -> None:
        if self.name not in IDENTITIES:
            raise InvalidArgument("identity", self.name, f"one of {', '.join(IDENTITIES)}")

    def __call__(self, values, *, rng=None, n=None, dps=None) -> Estimate:
        pairs = IDENTITIES[self.name](_Context(self.setup, values))
        return Estimate(tuple(float(v) for v, _ in pairs), bound=tuple(float(b) for _, b in pairs),
                        method=f"float64 residuals of {self.name!r} ({self.setup.describe()}), a-priori rounding bound")


@dataclass(frozen=True)
class ExactIdentity:
    """Prediction callable: an identity's residuals are 0; ``statement`` is the identity in words."""

    components: int
    statement: str

    def __call__(self, values, *, dps: int) -> tuple:
        return (0,) * self.components

    def expression(self, values=None) -> str:
        return self.statement
