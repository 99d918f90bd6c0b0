#!/usr/bin/python3
"""match_scipy.py - helper of bench/match.sh: makes the score matrices and
times SciPy's linear_sum_assignment on them.

    match_scipy.py gen N SEED PREFIX   writes PREFIX.csv (for natverk) and
                                       PREFIX.npy (the same doubles, for SciPy)
    match_scipy.py time PREFIX.npy     prints "MS TOTAL": the milliseconds of one
                                       linear_sum_assignment(maximize=True) call
                                       (loading excluded) and the optimal total

Scores are uniform in [0, 1), written with repr() so both programs read
exactly the same numbers.  Run with Debian's /usr/bin/python3
(python3-scipy).
"""
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment


def gen(n, seed, prefix):
    a = np.random.default_rng(seed).random((n, n))
    np.save(prefix + ".npy", a)
    with open(prefix + ".csv", "w") as f:
        f.write("," + ",".join(f"International {j}" for j in range(n)) + "\n")
        for i in range(n):
            f.write(f"Swedish {i}," + ",".join(map(repr, a[i].tolist())) + "\n")


def timed(path):
    a = np.load(path)
    t0 = time.perf_counter()
    rows, cols = linear_sum_assignment(a, maximize=True)
    t1 = time.perf_counter()
    print(f"{(t1 - t0) * 1e3:.3f} {float(a[rows, cols].sum())!r}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 3 and sys.argv[1] == "time":
        timed(sys.argv[2])
    else:
        sys.exit(__doc__)
