"""Regenerates the pilot behind the regime claims' design (verify/packs/lowrank/_regime_claims.py): BAND, LADDER
and SLOPE_DRAWS.

For every registered regime, 32 draws (seeds 2000-2031, streams no claim uses) of the per-draw log-slopes along
two ladders, n = 150..1200 and n = 100..800 (d = 4n/3, m = 5n/3), at the claim's nu: the mean against the derived
exponents, the standard error and the seed-to-seed spread, and the seconds per ladder. The 2026-12-03 pilot found
offsets of at most 0.035 (0.009-0.035 on n = 100..800) and spreads of 0.03-0.11 on both ladders, with the smaller
ladder about 2.4 times cheaper; a first look of 160 draws then resolves the band of 0.08 in one look when the
offset is below about 0.035 (t-radius about 5.6 x 0.1 / sqrt(160) = 0.044).

    python bench/pilot_regimes.py        # about 4 minutes on one core
"""

import time

import numpy as np

from verify.packs.lowrank._regime_claims import claims

LADDERS = ((150, 300, 600, 1200), (100, 200, 400, 800))
DRAWS = 32


def main() -> None:
    for claim in claims():
        derived = [(lo + hi) / 2 for lo, hi in claim.prediction(claim.values, dps=15)]
        for ladder in LADDERS:
            values = {**claim.values, "ladder": ladder}
            start = time.perf_counter()
            slopes = np.array([claim.estimator.slopes(values, 2000 + k) for k in range(DRAWS)])
            seconds = time.perf_counter() - start
            mean, sd = slopes.mean(0), slopes.std(0, ddof=1)
            print(f"{claim.id} ladder {ladder}: derived {np.round(derived, 3)}, mean {mean.round(3)}, "
                  f"offset {(mean - derived).round(3)}, se {(sd / np.sqrt(DRAWS)).round(4)}, spread {sd.round(3)}, "
                  f"{seconds / DRAWS:.2f} s per draw", flush=True)


if __name__ == "__main__":
    main()
