#!/usr/bin/env bash
# make demo: the main job on real data, end to end — import the Tai'an city corpus, the Chinese
# database exports, the CCF corpus and the Lens and Derwent drone exports into a fresh store
# (unrelated corpora in one store, as an analyst's store is); enrich it; a first look (legal
# status and events by source file); an
# expert search; the drone industry chain; then two navigation reports (Tai'an industry in
# Chinese, drones) written from the shipped example specs. Each report covers only what its
# spec defines, and says so: the summary `patnav report` prints names every report's scope
# (definition, query) and its count. Then the finance side: patent value for the whole store
# (GB/T 42748), a bank's pre-valuation of two real patents of a PatSnap export with its
# 专利资产预评估报告, and the enterprise innovation capability ranking; the drone country
# barrier view, two monitors run once, abnormal filings and agency quality.
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
rm -rf "$STORE" "$STORE.wal" "$STORE.search" "$OUT/reports"
export PATNAV_DATA_DIR="$DATA"
patnav() { "$PY" -m patnav --store "$STORE" "$@"; }

echo "== patnav demo: store $STORE, data $DATA"
patnav init
echo
echo "== import: Tai'an corpus (placed in 山东省泰安市 by its mapping)"
patnav import "$DATA/corpora/cn-taian-7384" --mapping specs/taian-import.yaml
echo
echo "== import: Chinese database exports (CNIPA-style Excel; incoPat, Patentics, PatSnap with"
echo "   legal status, events, value and effects), CCF corpus, Lens and Derwent drone exports"
patnav import \
  "$DATA/formats/cn-excel" \
  "$DATA/formats/cn-db-exports" \
  "$DATA/corpora/cn-ccf-bdci-4097" \
  "$DATA/formats/lens-csv/lens_drones_5884.csv" \
  "$DATA/formats/derwent"
echo
echo "== enrich: names, party types, locations, entities, titles, industries, families, legal status,"
echo "   maintenance (fees paid, next due, grace)"
patnav enrich
echo
echo "== first look (with legal status and events by source file)"
patnav stats
echo
echo "== expert search (检索式)"
patnav search 'TIAB=(无人机 OR drone OR UAV) AND IPC=B64' --limit 5
echo
echo "== industry chain: drones, China against the world"
patnav analyze chain --spec specs/drones-industry.yaml --rows 10
echo
echo "== leading applicants of Tai'an's industries (the spec's scope, not the whole store)"
patnav analyze applicants --spec specs/taian-industry.yaml --rows 5
echo
echo "== navigation reports"
patnav report specs/taian-industry.yaml --format docx,pdf --out "$OUT/reports" --check
patnav report specs/drones-industry.yaml --format docx,pdf --out "$OUT/reports" --check
echo
echo "== patent value (GB/T 42748 法律/技术/经济, per use; missing indicators listed, never 0)"
patnav value score
patnav value show CN211259786U
echo
echo "== pre-valuation for a pledge loan (专利资产预评估; checks with evidence, value range)"
patnav prevalue --numbers CN211259786U,CN111720612A --borrower 宜昌勤业空调有限公司 \
  --amount 100 --revenue 200 --out "$OUT/reports" --format docx,pdf
echo
echo "== enterprise innovation capability (企业创新能力指数, percentiles among peers)"
patnav capability --top 10
echo
echo "== country barrier view (专利壁垒预警): drones in the US and China, rights in force by owner"
patnav barrier --query 'TIAB=(无人机 OR drone OR UAV) AND IPC=B64' --country US --country CN \
  --top 5 --out "$OUT/reports" --format docx
echo
echo "== monitors (动态监测): a loan's two pledged patents and the drone area, first run"
patnav monitor add 贷后组合 --numbers CN211259786U,CN111720612A --rule event \
  --rule annuity-due --days 365 --rule grace
patnav monitor add 无人机 --set 'TIAB=(无人机 OR drone OR UAV) AND IPC=B64' \
  --rule new-documents --rule expiry --months 12
patnav monitor run --json > "$OUT/monitor-run.json"
patnav monitor runs
echo
echo "== abnormal filings (非正常专利申请) among Tai'an applicants; patent agency quality"
patnav abnormal --applicant 泰安 --out "$OUT/reports/非正常专利申请.xlsx"
patnav agencies --top 5
echo
echo "== done: reports in $OUT/reports"
ls -1 "$OUT"/reports/* | sed 's/^/  /'
