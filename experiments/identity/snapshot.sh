#!/usr/bin/env bash
# Save every output of the shipped scenarios at fixed seeds into $1, to show a restructuring changes no
# number: run it on the old commit and on the new one, then compare with compare_snapshots.py.
# with the environment active (or NEGSIM=.venv/bin/negsim in front):
#   bash experiments/identity/snapshot.sh /tmp/before   (on the old commit)
#   bash experiments/identity/snapshot.sh /tmp/after    (on the new commit)
#   python experiments/identity/compare_snapshots.py /tmp/before /tmp/after
set -euo pipefail
OUT=$1; NEGSIM=${NEGSIM:-negsim}
rm -rf "$OUT"; mkdir -p "$OUT"
for f in scenarios/*.yaml scenarios/teaching/*.yaml; do
  n=$(basename "$f" .yaml)
  $NEGSIM run "$f" --worlds 3000 --seed 11 --chunk-size 2000 --quiet --out "$OUT/run/$n" > "$OUT/run_$n.txt"
done
$NEGSIM compare scenarios/baseline.yaml scenarios/[a-z]*.yaml --worlds 2000 --seed 5 --json > "$OUT/compare.json"
$NEGSIM sweep scenarios/baseline.yaml --param actors.us.levers.sanctions=0:1:3 --param actors.russia.patience=0.95,0.97 --worlds 500 --workers 1 --quiet --out "$OUT/sweep_vec" > "$OUT/sweep_vec.txt"
$NEGSIM sweep scenarios/baseline.yaml --param negotiation.proposal_grid=5,9 --worlds 400 --workers 2 --quiet --out "$OUT/sweep_sep" > "$OUT/sweep_sep.txt"
$NEGSIM backtest --worlds 3000 --seed 3 > "$OUT/backtest.txt"
$NEGSIM calibrate --worlds 4000 --seed 2 --out "$OUT/cal" > "$OUT/calibrate.txt"
$NEGSIM explain scenarios/baseline.yaml --world 17 --months 12 > "$OUT/explain.txt"
$NEGSIM explain scenarios/maximum_pressure.yaml --world 3 --months 12 > "$OUT/explain_max.txt"
$NEGSIM run scenarios/baseline.yaml --variants --worlds 1000 --seed 6 --out "$OUT/variants" > "$OUT/variants.txt"
$NEGSIM bargain scenarios/baseline.yaml --issues territory sanctions_relief --month 4 --world 2 --out "$OUT/bargain.png" > "$OUT/bargain.txt"
$NEGSIM run scenarios/baseline.yaml --worlds 2000 --seed 4 --quiet --posterior "$OUT/cal/posterior.npz" --out "$OUT/run_post" > "$OUT/run_post.txt"
echo done
