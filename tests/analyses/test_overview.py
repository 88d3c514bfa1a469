"""The first-look overview against an independent count over the raw files."""

from __future__ import annotations

import csv
import json
from collections import Counter

import openpyxl

from patnav.analyses.overview import store_overview


def _sheet(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    wb.close()
    return rows[0], rows[1:]


def test_overview_counts_match_the_raw_files(loaded_store, data_dir):
    o = store_overview(loaded_store, top=5)
    assert o.documents == loaded_store.count("patents") == 7384 + 232 + 4097 + 5884

    # filing years, counted independently in every demo input (the CCF corpus has no dates)
    years: Counter[str] = Counter()
    _, taian = _sheet(data_dir / "corpora/cn-taian-7384/taian_patents.xlsx")
    years.update(r[3][:4] for r in taian)
    head, cnipa = _sheet(data_dir / "formats/cn-excel/cnipa_export_199.xlsx")
    years.update(r[head.index("申请日")][:4] for r in cnipa)
    head, cnki = _sheet(data_dir / "formats/cn-excel/cnki_export_33.xlsx")
    years.update(r[head.index("sql")][:4] for r in cnki)
    with (data_dir / "formats/lens-csv/lens_drones_5884.csv").open(
        encoding="utf-8"
    ) as f:
        years.update(r["Application Date"][:4] for r in csv.DictReader(f))
    missing = years.pop("", 0)  # Lens rows without an application date are not counted
    assert missing == 3
    assert {c.label: c.count for c in o.by_year} == dict(years)

    # applicants: the top one, counted the same way (documents naming it among applicants)
    applicants: Counter[str] = Counter(r[2] for r in taian)
    for r in cnipa:
        applicants.update(set(r[10].split(";")))
    applicants.update(r[2] for r in cnki)
    with (data_dir / "corpora/cn-ccf-bdci-4097/expand_train_1.json").open(
        encoding="utf-8"
    ) as f:
        applicants.update(json.loads(line)["assignee"] for line in f)
    name, n = applicants.most_common(1)[0]
    assert (o.top_applicants[0].label, o.top_applicants[0].count) == (name, n)

    assert o.last_filing is not None and o.incomplete_years[-1] == str(
        o.last_filing.year
    )
    frame = o.to_frame()
    assert set(frame["dimension"]) == {
        "by_office",
        "by_type",
        "by_year",
        "top_applicants",
        "by_source",
    }


def test_overview_of_an_empty_store(store):
    o = store_overview(store)
    assert o.documents == 0 and o.by_year == () and o.incomplete_years == ()
    assert o.to_dict()["first_filing"] is None
