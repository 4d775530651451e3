#!/usr/bin/env bash
# Final figures with the real engine's `faqbot eval` (one process per set), JSON per set.
#   research2/final_eval.sh OUT_DIR [SRC_DIR]
# SRC_DIR: the engine's src/ (default: this worktree's); its bundled index/ is used for NM.
# NM without sidecars = the .txt copied alone; transit has no sidecars. Halves: research2/split.py.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$1; SRC=${2:-$ROOT/src}
BASE=$(dirname "$SRC")
PY=$ROOT/.venv/bin/python
mkdir -p "$OUT" /tmp/r2final/nm0
cp "$BASE/corpus/new-mexico-benefits-data-ice.txt" /tmp/r2final/nm0/
W=$ROOT/research2/_work; D=$ROOT/tests/data
run() {  # name cases [corpus index]
  local name=$1 cases=$2; shift 2
  (cd "$BASE" && PYTHONPATH=$SRC HF_HUB_OFFLINE=1 $PY -m faqbot eval "$cases" --json "$@") > "$OUT/$name.json"
  echo "$name done"
}
for s in nm_tuning nm_heldout nm_heldout2 nm_heldout3; do run "$s" "$D/$s.jsonl"; done
run nm_dev4_A "$W/nm_dev4_A.jsonl"; run nm_dev4_B "$W/nm_dev4_B.jsonl"
run conv1 "$D/conversations.jsonl"; run conv2 "$D/conversations_dev2.jsonl"
NM0=(--corpus /tmp/r2final/nm0/new-mexico-benefits-data-ice.txt --index "$OUT/nm0.index")
run nm0_heldout3 "$D/nm_heldout3.jsonl" "${NM0[@]}"
run nm0_dev4_A "$W/nm_dev4_A.jsonl" "${NM0[@]}"; run nm0_dev4_B "$W/nm_dev4_B.jsonl" "${NM0[@]}"
TR=(--corpus "$D/faqs/transit.txt" --index "$OUT/transit.index")
run transit_A "$W/transit_A.jsonl" "${TR[@]}"; run transit_B "$W/transit_B.jsonl" "${TR[@]}"
