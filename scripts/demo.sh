#!/usr/bin/env bash
# make demo: import the real Chinese exports, the Tai'an corpus, the CCF corpus and the Lens
# drone export into a fresh store, then print the first-look statistics.
set -euo pipefail
PY=${PY:-.venv/bin/python}
DATA=${PATNAV_DATA_DIR:-../shared/data}
OUT=${DEMO_DIR:-demo-output}
if [ ! -f "$DATA/SOURCES.md" ]; then
  echo "demo: real data not found at $DATA; set PATNAV_DATA_DIR" >&2
  exit 1
fi
mkdir -p "$OUT"
STORE="$OUT/demo.duckdb"
rm -f "$STORE" "$STORE.wal"
patnav() { "$PY" -m patnav --store "$STORE" "$@"; }

echo "== patnav demo: store $STORE, data $DATA"
patnav init
echo
echo "== import: Tai'an corpus, Chinese database exports, CCF corpus, Lens drones"
patnav import \
  "$DATA/corpora/cn-taian-7384" \
  "$DATA/formats/cn-excel" \
  "$DATA/corpora/cn-ccf-bdci-4097" \
  "$DATA/formats/lens-csv/lens_drones_5884.csv"
echo
echo "== enrich: names, party types, locations, entities, titles, industries, families, legal status"
PATNAV_DATA_DIR="$DATA" patnav enrich
echo
echo "== first look"
patnav stats
