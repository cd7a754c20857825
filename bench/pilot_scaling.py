"""Regenerates the pilot behind the scaling-law claims' band (verify/packs/lowrank/_regimes.py, BAND).

For each setting, 12 draws (seeds 0-11) along n = 150, 300, 600, 1200 (d = 4n/3, m = 5n/3, ReLU,
isotropic W, nu = 0.4): the mean and seed-to-seed spread of the log-slopes of ||S2||/||S1|| and
||S1||/(gamma sqrt m), against the exponents derived in theory (2 nu - 1/2 and 0).

    python bench/pilot_scaling.py        # about a minute on 2 cores
"""

import time

import numpy as np

from numerics.lowrank import ScalingSlope, Setup
from theory.lowrank import ExponentBand, Regime

QUANTITIES = ("S2/S1", "S1/(gamma sqrt(m))")
SETTINGS = (("ntk", 2.0), ("mf", 1.0))


def main() -> None:
    for scaling, mean in SETTINGS:
        values = {"ladder": (150, 300, 600, 1200), "d_over_n": 4 / 3, "m_over_n": 5 / 3, "nu": 0.4, "alpha": 0.0,
                  "target_mean": mean}
        start = time.perf_counter()
        estimator = ScalingSlope(Setup("relu", "sphere", scaling=scaling), QUANTITIES)
        slopes = np.array([estimator.slopes(values, seed) for seed in range(12)])
        band = ExponentBand(Regime(scaling, "relu", target_mean=True), QUANTITIES, 0.08)
        derived = [float(e) for e in band.exponents(values)]
        for k, q in enumerate(QUANTITIES):
            print(f"{scaling:3s} E[y]={mean:g} {q:20s} slope {slopes[:, k].mean():+.3f} (derived {derived[k]:+.3f}, "
                  f"offset {slopes[:, k].mean() - derived[k]:+.3f}), spread {slopes[:, k].std(ddof=1):.3f}")
        print(f"  {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
