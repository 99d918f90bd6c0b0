#!/bin/sh
# test_match_scipy.sh - `natverk match --scores` against SciPy's
# linear_sum_assignment on random matrices: the same optimal total.
#
#   tests/domain/test_match_scipy.sh BUILD_DIR
#
# Generates random score files (300 x 300 and 2000 x 2000 uniform, plus a
# few 300-sized variants: negative scores, integer scores with many ties,
# more rows than columns and more columns than rows), runs
# BUILD_DIR/natverk match --scores F --json on each and compares its total
# with scipy.optimize.linear_sum_assignment(maximize=True) on the same
# numbers (relative tolerance 1e-9).  It also checks that the JSON is one
# object of the documented shape, that the pairs are one-to-one, that each
# pair's score is the matrix cell and that they add up to the total.
#
# Uses Debian's /usr/bin/python3 (python3-scipy): another python3 may come
# first on PATH without SciPy.  Prints "ok - ..." / "not ok - ..." per case
# and a final "match-scipy: N passed, M failed"; without SciPy it prints
# "match-scipy: skipped (why)" and exits 77.  Temporary files go to a
# folder under $TMPDIR that is removed at the end.
set -u
build=${1:?usage: test_match_scipy.sh BUILD_DIR}
py=/usr/bin/python3
bin="$build/natverk"
if [ ! -x "$py" ]; then
	echo "match-scipy: skipped (no /usr/bin/python3)"
	exit 77
fi
if ! "$py" -c 'import numpy, scipy.optimize' 2>/dev/null; then
	echo "match-scipy: skipped (no SciPy for /usr/bin/python3: apt install python3-scipy)"
	exit 77
fi
if [ ! -x "$bin" ]; then
	echo "not ok - $bin is missing"
	echo "match-scipy: 0 passed, 1 failed"
	exit 1
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/natverk-match-scipy-XXXXXX")
trap 'rm -rf "$dir"' EXIT

"$py" - "$bin" "$dir" <<'EOF'
import json
import math
import subprocess
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment

binary, folder = sys.argv[1], sys.argv[2]
passed = failed = 0


def report(ok, name, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"not ok - {name}: {detail}")
    sys.stdout.flush()


def write_csv(path, a):
    # repr() gives the shortest text that reads back as the same double,
    # so natverk and SciPy see identical numbers.
    with open(path, "w") as f:
        f.write("," + ",".join(f"International {j}" for j in range(a.shape[1])) + "\n")
        for i in range(a.shape[0]):
            f.write(f"Swedish {i}," + ",".join(map(repr, a[i].tolist())) + "\n")


def check(name, a):
    path = f"{folder}/{name}.csv"
    write_csv(path, a)
    run = subprocess.run([binary, "match", "--scores", path, "--json"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        report(False, name, f"exit {run.returncode}: {run.stderr.strip()[-300:]}")
        return
    try:
        out = json.loads(run.stdout)
    except ValueError as e:
        report(False, name, f"not JSON: {e}")
        return
    if not isinstance(out, dict) or sorted(out) != ["pairs", "total", "unmatched"]:
        report(False, name, f"unexpected keys {sorted(out) if isinstance(out, dict) else out!r}")
        return
    rows, cols = linear_sum_assignment(a, maximize=True)
    best = float(a[rows, cols].sum())
    total = out["total"]
    if not math.isclose(total, best, rel_tol=1e-9, abs_tol=1e-9):
        report(False, name, f"total {total!r}, SciPy {best!r}")
        return
    seen_s, seen_i, cell_sum = set(), set(), 0.0
    for p in out["pairs"]:
        i = int(p["swedish"].split()[1])
        j = int(p["international"].split()[1])
        if i in seen_s or j in seen_i:
            report(False, name, f"{p} reuses a party")
            return
        seen_s.add(i)
        seen_i.add(j)
        if p["score"] != a[i, j]:
            report(False, name, f"{p} is not the matrix cell {a[i, j]!r}")
            return
        cell_sum += p["score"]
    want_pairs = min(a.shape)
    unmatched = a.shape[0] - want_pairs
    if len(out["pairs"]) != want_pairs or len(out["unmatched"]) != unmatched:
        report(False, name, f"{len(out['pairs'])} pairs, {len(out['unmatched'])} unmatched")
        return
    if not math.isclose(cell_sum, total, rel_tol=1e-9, abs_tol=1e-9):
        report(False, name, f"pairs add up to {cell_sum!r}, total {total!r}")
        return
    report(True, f"{name}: total {total!r} = SciPy {best!r}")


rng = np.random.default_rng(20240601)
check("uniform-300x300", rng.random((300, 300)))
check("negative-300x300", rng.normal(-5, 10, (300, 300)))
check("integer-ties-300x300", rng.integers(-3, 4, (300, 300)).astype(float))
check("more-rows-300x200", rng.random((300, 200)))
check("more-columns-200x300", rng.random((200, 300)) * 100)
check("uniform-2000x2000", rng.random((2000, 2000)))
print(f"match-scipy: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOF
