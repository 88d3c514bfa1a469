"""patnav stats: legal status and events per source file, against the raw PatSnap file."""

from __future__ import annotations

from collections import Counter

from click.testing import CliRunner

from patnav.analyses.overview import store_overview
from patnav.cli import cli
from patnav.storage.store import PatentStore
from tests.patsnap import head_store, parts


def test_status_and_events_by_source_file(tmp_path, data_dir):
    frame, path = head_store(data_dir, tmp_path, 1500)
    with PatentStore.open(path, read_only=True) as store:
        (src,) = store_overview(store, legal=True).legal_by_source
    assert src.file.endswith("patsnap_head.csv") and src.documents == len(frame)
    # every document has a status here (the file's 简单法律状态 or its events): the
    # counts add up to the documents, and no unknown is turned into anything
    assert sum(c.count for c in src.statuses) == len(frame)
    raw_unknown = (
        frame["简单法律状态"].isin(["-", "未知"]) | frame["简单法律状态"].isna()
    )
    no_events = frame["法律状态事件"].map(parts).map(len) == 0
    unknown = dict((c.label, c.count) for c in src.statuses).get("unknown", 0)
    assert unknown <= int((raw_unknown & no_events).sum())
    # the events: as many as the raw cells name, none dated (the file gives no dates)
    raw = Counter(p for cell in frame["法律状态事件"] for p in parts(cell))
    assert src.event_total == sum(raw.values())
    assert src.dated_events == 0
    by_type = {c.label: c.count for c in src.events}
    assert by_type["pledge"] == raw["质押"]
    assert by_type["transfer"] == raw["权利转移"]
    assert by_type["grant"] == raw["授权"]

    result = CliRunner().invoke(cli, ["--store", str(path), "stats"])
    assert result.exit_code == 0, result.output
    assert "法律事件（按来源文件；其中" in result.output
    assert "质押" in result.output and "patsnap_head.csv" in result.output
    english = CliRunner().invoke(cli, ["--store", str(path), "stats", "--lang", "en"])
    assert "Legal events by source file" in english.output
