"""Patent-office XML readers: records/s, MB/s and peak memory, against bare lxml.

Part 1, per format: the real files of each format, repeated into a file of some tens of
MB (resampled: the output says so), read by patnav's reader alone, in a fresh process
per run (peak memory is the run's own), median of several runs. The baseline reads the
same bytes with bare lxml: ``etree.iterparse`` over each document (the same byte
scanner cuts the concatenated documents apart: iterparse cannot read a stream of several
documents), in recovery mode and without DTDs or entities — the physical floor of parsing
these bytes, with no field extraction at all. For DOCDB the baseline is one iterparse
over the whole bulk file, as the format is one huge document.

Part 2, the multi-GB weekly file: real USPTO weekly grant files repeated with fresh
publication numbers into one file of ``PATNAV_BENCH_XML_GB`` GB (default 2), read by the
reader alone and imported in full (``patnav import``: detect, parse, normalise, write to
DuckDB in one transaction), each in its own process, once (they take minutes). Peak RSS
shows whether memory stays flat while gigabytes stream through.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from bench.common import DATA_DIR, median_runs, print_table, save

REPEAT = 3
FORMAT_MB = 24
BIG_GB = float(os.environ.get("PATNAV_BENCH_XML_GB", "2"))

READER = """
from pathlib import Path
from patnav.ingest import READERS
from patnav.ingest.base import Read, ReadOptions, Rejected, file_source
reader = READERS[{fmt!r}]
t0 = time.perf_counter()
n = bad = 0
for item in reader.read(file_source(Path({path!r})), ReadOptions()):
    n += isinstance(item, Read)
    bad += isinstance(item, Rejected)
__result["seconds"] = time.perf_counter() - t0
__result["records"] = n
__result["rejected"] = bad
"""

BASELINE_SPLIT = """
import io
from lxml import etree
from patnav.ingest.xml.safe import split_documents
t0 = time.perf_counter()
n = 0
with open({path!r}, "rb") as f:
    for piece in split_documents(f):
        for _, el in etree.iterparse(
            io.BytesIO(piece.data), events=("end",), recover=True,
            resolve_entities=False, no_network=True, load_dtd=False,
        ):
            el.clear()
        n += 1
__result["seconds"] = time.perf_counter() - t0
__result["records"] = n
"""

BASELINE_BULK = """
from lxml import etree
t0 = time.perf_counter()
n = 0
for _, el in etree.iterparse(
    {path!r}, events=("end",), tag="{{http://www.epo.org/exchange}}exchange-document",
    recover=True, resolve_entities=False, no_network=True, load_dtd=False,
):
    n += 1
    el.clear()
    while el.getprevious() is not None:
        del el.getparent()[0]
__result["seconds"] = time.perf_counter() - t0
__result["records"] = n
"""

IMPORT = """
from pathlib import Path
from patnav.ingest.pipeline import import_paths
from patnav.storage.store import PatentStore
store = PatentStore.open(Path({store!r}))
t0 = time.perf_counter()
report = import_paths(store, [Path({path!r})])
__result["seconds"] = time.perf_counter() - t0
__result["records"] = report.totals["read"]
__result["new"] = report.totals["new"]
__result["quarantined"] = report.totals["quarantined"]
store.close()
"""

_DECL = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _repeat(parts: list[bytes], target: Path, megabytes: float) -> Path:
    """``parts`` written again and again until the file has ``megabytes`` MB."""
    chunk = b"".join(parts)
    copies = max(1, round(megabytes * 1e6 / len(chunk)))
    with target.open("wb") as out:
        for _ in range(copies):
            out.write(chunk)
    return target


def _with_declaration(data: bytes) -> bytes:
    """EPO files saved without an XML declaration get one, so that they can be
    concatenated (the publication server ships them one per file, in zips)."""
    head = data.lstrip(b"\xef\xbb\xbf \r\n\t")
    return data if head.startswith(b"<?xml") else _DECL + data


def _docdb_bulk(target: Path, megabytes: float) -> Path:
    """The DOCDB backfile's records repeated inside one exchange-documents container."""
    text = (DATA_DIR / "formats/epo-docdb/DE-backfile.xml").read_bytes()
    start = text.index(b"<exch:exchange-document ")
    end = text.rindex(b"</exch:exchange-documents>")
    head, records, tail = text[:start], text[start:end], text[end:]
    copies = max(1, round(megabytes * 1e6 / len(records)))
    with target.open("wb") as out:
        out.write(head)
        for _ in range(copies):
            out.write(records)
        out.write(tail)
    return target


def _format_files(folder: Path) -> list[tuple[str, str, Path, str]]:
    """(label, format, file, baseline) for each format, resampled from the real files."""
    cn = sorted((DATA_DIR / "formats/cnipa-xml").glob("*.[xX][mM][lL]"))
    weekly = sorted((DATA_DIR / "formats/uspto-xml/patentsview-weekly").glob("*.xml"))
    epo = sorted((DATA_DIR / "formats/epo-xml").glob("*.xml"))
    return [
        (
            "CNIPA XML (6 real documents, both standards)",
            "cnipa-xml",
            _repeat([p.read_bytes() for p in cn], folder / "cn.xml", FORMAT_MB),
            BASELINE_SPLIT,
        ),
        (
            "USPTO weekly grants and applications (13 real files)",
            "uspto-xml",
            _repeat([p.read_bytes() for p in weekly], folder / "us.xml", FORMAT_MB),
            BASELINE_SPLIT,
        ),
        (
            "EPO publication XML (18 real documents, v1.0–v1.5.1)",
            "epo-xml",
            _repeat(
                [_with_declaration(p.read_bytes()) for p in epo],
                folder / "ep.xml",
                FORMAT_MB,
            ),
            BASELINE_SPLIT,
        ),
        (
            "DOCDB bulk exchange file (DE backfile records)",
            "epo-docdb",
            _docdb_bulk(folder / "docdb.xml", FORMAT_MB),
            BASELINE_BULK,
        ),
    ]


def _big_weekly(target: Path, gigabytes: float) -> tuple[Path, int]:
    """Real weekly grant files repeated, each copy with fresh publication numbers."""
    weekly = b"".join(
        p.read_bytes()
        for p in sorted(
            (DATA_DIR / "formats/uspto-xml/patentsview-weekly").glob("ipg*.xml")
        )
    )
    pub = re.compile(
        rb"(<publication-reference>\s*<document-id>\s*<country>US</country>\s*"
        rb"<doc-number>)([A-Z]*)\d+(</doc-number>)"
    )
    counter = 0

    def renumber(m: re.Match[bytes]) -> bytes:
        nonlocal counter
        counter += 1
        prefix = m.group(2)
        digits = 7 if prefix else 8
        number = str(10**digits // 2 + counter)[-digits:]
        return m.group(1) + prefix + number.encode() + m.group(3)

    written = 0
    with target.open("wb") as out:
        while written < gigabytes * 1e9:
            chunk = pub.sub(renumber, weekly)
            out.write(chunk)
            written += len(chunk)
    return target, counter


def main() -> None:
    rows, payload = [], {}
    with tempfile.TemporaryDirectory(prefix="patnav-bench-") as tmp:
        folder = Path(tmp)
        for label, fmt, path, baseline in _format_files(folder):
            size = path.stat().st_size / 1e6
            t, mem, res = median_runs(READER.format(fmt=fmt, path=str(path)), REPEAT)
            bt, bmem, _ = median_runs(baseline.format(path=str(path)), REPEAT)
            assert res["rejected"] == 0, (label, res)
            rate = res["records"] / t
            rows.append(
                [
                    fmt,
                    f"{res['records']:,}",
                    f"{size:.0f}",
                    f"{rate:,.0f}",
                    f"{size / t:.1f}",
                    f"{mem:.0f}",
                    f"{size / bt:.1f}",
                    f"{bmem:.0f}",
                    f"{t / bt:.1f}x",
                ]
            )
            payload[fmt] = {
                "label": label,
                "records": res["records"],
                "file_mb": size,
                "seconds": t,
                "records_per_s": rate,
                "mb_per_s": size / t,
                "peak_mb": mem,
                "lxml_seconds": bt,
                "lxml_peak_mb": bmem,
                "ratio": t / bt,
            }
            print(f"  {fmt}: {label}, resampled to {size:.0f} MB")
        print_table(
            f"XML readers alone (median of {REPEAT} runs, each a fresh process; files "
            "resampled from the real ones by repetition)",
            [
                "format",
                "records",
                "MB",
                "records/s",
                "MB/s",
                "peak MB",
                "lxml MB/s",
                "lxml MB",
                "patnav/lxml",
            ],
            rows,
        )
        print(
            "  baseline: bare lxml iterparse over the same bytes (documents cut apart by "
            "the same scanner; DOCDB: one iterparse over the bulk file), no fields read"
        )
        print(
            "  budget: >= 2,000 records/s for bibliographic formats (DOCDB); the others "
            "carry full text (descriptions, every claim)"
        )

        big, docs = _big_weekly(folder / "weekly-big.xml", BIG_GB)
        size = big.stat().st_size / 1e6
        print(
            f"\n  built {size / 1e3:.2f} GB of USPTO weekly grants: the 11 real ipg files "
            f"repeated with fresh publication numbers ({docs:,} grants)"
        )
        big_rows = []
        for label, code in (
            ("lxml iterparse (baseline)", BASELINE_SPLIT.format(path=str(big))),
            ("patnav reader alone", READER.format(fmt="uspto-xml", path=str(big))),
            (
                "patnav import (into DuckDB)",
                IMPORT.format(store=str(folder / "big.duckdb"), path=str(big)),
            ),
        ):
            t, mem, res = median_runs(code, 1)
            big_rows.append(
                [
                    label,
                    f"{res['records']:,}",
                    f"{t:.0f}",
                    f"{res['records'] / t:,.0f}",
                    f"{size / t:.1f}",
                    f"{mem:.0f}",
                ]
            )
            payload[f"weekly {size / 1e3:.1f} GB: {label}"] = {
                "records": res["records"],
                "file_mb": size,
                "seconds": t,
                "records_per_s": res["records"] / t,
                "mb_per_s": size / t,
                "peak_mb": mem,
            }
        base_t = payload[f"weekly {size / 1e3:.1f} GB: lxml iterparse (baseline)"][
            "seconds"
        ]
        for row, key in zip(
            big_rows[1:],
            ("patnav reader alone", "patnav import (into DuckDB)"),
            strict=True,
        ):
            t = payload[f"weekly {size / 1e3:.1f} GB: {key}"]["seconds"]
            row.append(f"{t / base_t:.1f}x")
        big_rows[0].append("1.0x")
        print_table(
            f"multi-GB weekly file ({size / 1e3:.2f} GB, one run each, fresh processes)",
            ["run", "records", "s", "records/s", "MB/s", "peak MB", "vs lxml"],
            big_rows,
        )
    save("xml", payload)


if __name__ == "__main__":
    main()
