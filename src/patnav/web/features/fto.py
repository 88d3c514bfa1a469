"""FTO screenings (专利侵权风险排查) in the web: a product against a tenant's store in its
target countries, run in the background, kept with its report and an analyst's
corrections as files of the tenant (``routers/fto.py``, the API's ``/api/v1/fto``).

One screening takes 5–40 s (embedding the candidates' claim elements), so it never runs
in the request: the request checks the inputs (the product is read, the countries and the
date checked), writes the screening's file with status ``queued`` and puts the work on
the app's report worker (:meth:`StoreHub.submit_report`: one report or screening at a
time); the page polls the status. The job runner (:mod:`patnav.web.jobs`) keeps its jobs
as rows of the platform database, one table per kind; a screening is kept as files
instead, like a pre-valuation, so its status lives in its file. A screening still
queued or running when the server stopped is shown as failed (interrupted) — submit it
again.

Files in the tenant's ``reports`` folder, by screening id:

- ``<id>.fto.json``: the header (who, when, store, inputs, status, summary) and, when
  done, ``result`` = :meth:`FtoScreening.to_dict` — the machine's screening, never
  changed afterwards;
- ``<id>.fto.pickle``: the screening and the report's facts as Python objects, written by
  this server only, from which the corrected screening and its report are made again;
- ``<id>.fto.corrections.json``: the analyst's corrections, appended in order (who,
  when, the verdict before, the new verdict, the comment): the audit trail;
- ``<id>.docx`` / ``<id>.pdf``: the machine's report; ``<id>.r<n>.docx`` / ``.pdf``: the
  report with the first n corrections, written when first downloaded after them.

Only the tenants the user sees are searched, so another tenant's screening is *not
found*. Starting a screening and correcting a verdict need a role that writes
(:data:`FTO_ROLES`) in the store's tenant; the roles that see the tenant read it.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import re
import threading
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from patnav.errors import (
    AccessDeniedError,
    InputError,
    InvalidParameterError,
    NotFoundError,
    PatnavError,
    QuerySyntaxError,
    TooManyPendingError,
)
from patnav.models.fto.charts import VERDICT_ZH
from patnav.models.fto.corrections import (
    MAX_COMMENT,
    VerdictCorrection,
    apply_corrections,
    check_verdict,
    find_element,
    number_of,
)
from patnav.models.fto.product import Product, product_from_text, read_product
from patnav.models.fto.retrieval import prefilter_query
from patnav.models.fto.screening import FtoScreening
from patnav.platform import access, audit, files
from patnav.platform.db import Platform
from patnav.platform.models import DataStore, utcnow
from patnav.search.query import parse
from patnav.web.deps import Ctx
from patnav.web.features.common import newest_files, open_handle, tenant_report_file
from patnav.web.features.reports import tenant_report_download
from patnav.web.features.stores import get_store
from patnav.web.services import StoreHub

log = logging.getLogger("patnav.web")

FTO_ROLES = frozenset({"admin", "analyst", "enterprise"})
"""Roles that may start a screening and correct its verdicts: the platform's analysts
(agencies, service centres) and enterprises. Banks value pledges (``/prevalue``); the
department role only reads."""
PRODUCT_SUFFIXES = (".txt", ".md", ".docx", ".yaml", ".yml", ".json")
FORMATS = ("docx", "pdf")
MAX_TOP = 50
MAX_COUNTRIES = 20
SUFFIX = ".fto.json"
PICKLE = ".fto.pickle"
CORRECTIONS = ".fto.corrections.json"
PENDING = ("queued", "running")
INTERRUPTED = "排查因服务重启而中断，请重新提交。"

_ID = re.compile(r"[0-9a-f]{32}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_LIVE: set[str] = set()
"""The screenings queued or running in this process."""
_LOCK = threading.Lock()
"""Guards :data:`_LIVE` and every write of a screening's JSON files."""
_CORRECTING = threading.Lock()
"""One correction at a time (its record and the report written again with it)."""


@dataclass(frozen=True, slots=True)
class FtoInput:
    """What the form or the API gives: the product (text, or an uploaded file) and the
    screening's scope."""

    countries: tuple[str, ...]
    text: str | None = None
    file_name: str | None = None
    file: BinaryIO | None = None
    as_of: str | None = None
    ipc: tuple[str, ...] = ()
    applicants: tuple[str, ...] = ()
    query: str | None = None
    top: int = 10
    semantic: bool = True
    formats: tuple[str, ...] = ("docx",)


@dataclass(frozen=True, slots=True)
class FtoRecord:
    """A kept screening: where it is, who started it, its inputs, status and summary."""

    id: str
    tenant_id: int
    store_id: int
    store_name: str
    created_by: int
    created_at: datetime
    status: str
    error: str | None
    finished_at: datetime | None
    inputs: dict[str, Any]
    formats: tuple[str, ...]
    summary: dict[str, Any]

    @property
    def label(self) -> str:
        """The product as the history names it: its file, else its first feature."""
        name = self.inputs.get("product_name")
        first = (self.inputs.get("features") or [""])[0]
        return str(name or (first[:40] + ("…" if len(first) > 40 else "")))

    def header(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tenant_id": self.tenant_id,
            "store_id": self.store_id,
            "store_name": self.store_name,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "status": self.status,
            "error": self.error,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "label": self.label,
            "inputs": self.inputs,
            "formats": list(self.formats),
            "summary": self.summary,
        }


def _record(data: dict[str, Any]) -> FtoRecord:
    status, error = data["status"], data.get("error")
    with _LOCK:
        live = data["id"] in _LIVE
    if status in PENDING and not live:
        status, error = "failed", INTERRUPTED
    finished = data.get("finished_at")
    return FtoRecord(
        data["id"],
        int(data["tenant_id"]),
        int(data["store_id"]),
        data["store_name"],
        int(data["created_by"]),
        datetime.fromisoformat(data["created_at"]),
        status,
        error,
        datetime.fromisoformat(finished) if finished else None,
        data.get("inputs") or {},
        tuple(data.get("formats") or ()),
        data.get("summary") or {},
    )


# -- inputs ------------------------------------------------------------------------------


def _countries(given: tuple[str, ...]) -> tuple[str, ...]:
    out = tuple(
        dict.fromkeys(
            c.strip().upper() for g in given for c in re.split(r"[\s,，、;；]+", g)
        )
    )
    out = tuple(c for c in out if c)
    if not out:
        raise InvalidParameterError(
            "请给出至少一个目标国家/地区（两位代码，如 CN、US、DE）。"
        )
    bad = [c for c in out if not _COUNTRY.fullmatch(c)]
    if bad:
        raise InvalidParameterError(
            f"目标国家/地区应为两位字母代码（如 CN、US、DE），实为 {'、'.join(bad)}。"
        )
    if len(out) > MAX_COUNTRIES:
        raise InvalidParameterError(
            f"一次排查最多 {MAX_COUNTRIES} 个目标国家/地区，实为 {len(out)} 个。"
        )
    return out


def _day(value: str | None) -> date:
    text = (value or "").strip()
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidParameterError(
            f"判断日应为日期 YYYY-MM-DD，实为 {text!r}。"
        ) from None


def _product(ctx: Ctx, tenant_id: int, given: FtoInput) -> Product:
    """The product from the text or the uploaded file (never a path on this server:
    text is read as text)."""
    text = (given.text or "").strip()
    if bool(text) == (given.file is not None):
        raise InvalidParameterError(
            "请给出且只给出一种产品说明：文字，或上传文件（.txt/.md/.docx/.yaml/.json）。"
        )
    if given.file is None:
        return product_from_text(text)
    name = files.display_name(given.file_name, fallback="产品说明.txt")
    suffix = next((s for s in PRODUCT_SUFFIXES if name.lower().endswith(s)), None)
    if suffix is None:
        raise InputError(
            f"产品说明文件应为 .txt、.md、.docx、.yaml 或 .json，实为 {name}。"
        )
    path, _ = files.new_file(ctx.platform.root, tenant_id, "uploads", suffix)
    try:
        with files.create_private(path) as out:
            while chunk := given.file.read(1 << 20):
                out.write(chunk)
        product = read_product(path)
    finally:
        path.unlink(missing_ok=True)  # the features are kept in the result
    return replace(product, name=name)


def _require_role(ctx: Ctx) -> None:
    if ctx.viewer.role not in FTO_ROLES:
        raise AccessDeniedError(
            "侵权风险排查需由分析人员、企业用户或管理员发起与修正（FTO screening and its "
            "corrections need the analyst, enterprise or admin role）。"
        )


# -- starting and running ----------------------------------------------------------------


def start_fto(ctx: Ctx, store_id: int, given: FtoInput) -> FtoRecord:
    """Check the inputs, keep the screening as queued and put it on the report worker.

    Raises:
        NotFoundError: the store is not one the user sees.
        AccessDeniedError: the user's role does not write, or may not screen.
        InvalidParameterError / InputError: the product, countries, date, top or
            formats are not usable (said in Chinese).
        TooManyPendingError: the user has as many screenings pending as allowed.
    """
    store = get_store(ctx, store_id)
    access.require_write(ctx.db, ctx.viewer, store.tenant_id)
    _require_role(ctx)
    countries = _countries(given.countries)
    day = _day(given.as_of)
    if not 1 <= given.top <= MAX_TOP:
        raise InvalidParameterError(
            f"候选专利数应在 1 到 {MAX_TOP} 之间，实为 {given.top}。"
        )
    bad = [f for f in given.formats if f not in FORMATS]
    if bad or not given.formats:
        raise InvalidParameterError(
            f"报告格式应为 {' / '.join(FORMATS)}，实为 {', '.join(bad) or '空'}。"
        )
    ipc = tuple(x.strip() for x in given.ipc if x.strip())
    applicants = tuple(x.strip() for x in given.applicants if x.strip())
    query = (given.query or "").strip() or None
    narrowing = prefilter_query(ipc, applicants, query)
    if narrowing is not None:
        parse(narrowing)  # a syntax error is said now, with its column
    _admit(ctx)
    product = _product(ctx, store.tenant_id, given)
    fid = uuid.uuid4().hex
    inputs = {
        "product_name": product.name,
        "features": [f.text for f in product.features],
        "countries": list(countries),
        "as_of": day.isoformat(),
        "ipc": list(ipc),
        "applicants": list(applicants),
        "query": query,
        "top": given.top,
        "semantic": given.semantic,
    }
    data = {
        "id": fid,
        "tenant_id": store.tenant_id,
        "store_id": store.id,
        "store_name": store.name,
        "created_by": ctx.viewer.user_id,
        "created_by_name": ctx.viewer.username,
        "created_at": utcnow().isoformat(),
        "status": "queued",
        "error": None,
        "finished_at": None,
        "inputs": inputs,
        "formats": list(dict.fromkeys(given.formats)),
        "summary": {},
    }
    folder = files.tenant_folder(ctx.platform.root, store.tenant_id, "reports")
    with _LOCK:
        _write(folder / f"{fid}{SUFFIX}", data)
        _LIVE.add(fid)
    audit.record(
        ctx.db,
        "report",
        viewer=ctx.viewer,
        object_type="fto",
        object_id=fid,
        ip=ctx.ip,
        detail={
            "store": store.name,
            "countries": list(countries),
            "features": len(product.features),
        },
    )
    ctx.db.commit()
    platform, hub = ctx.platform, ctx.hub
    try:
        hub.submit_report(lambda: _run(platform, hub, folder, fid, product))
    except BaseException:
        with _LOCK:
            _LIVE.discard(fid)
        raise
    return _record(data)


def _admit(ctx: Ctx) -> None:
    limit = ctx.settings.max_pending_jobs
    mine = 0
    for record in list_ftos(ctx):
        if record.created_by == ctx.viewer.user_id and record.status in PENDING:
            mine += 1
    if mine >= limit:
        refused = TooManyPendingError(
            "fto", limit
        )  # the page's text: error.pending_fto
        refused.args = (  # the API's, in Chinese and English
            f"您已有 {limit} 个侵权排查在排队或进行中，请等其中一个完成后再提交（you have "
            f"{limit} FTO screenings queued or running: wait until one finishes）。",
        )
        raise refused


def _write(path: Path, data: Any) -> None:
    """Write JSON whole, in place of the old file (a reader never sees half of it)."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with files.create_private(tmp) as out:
        out.write(json.dumps(data, ensure_ascii=False, default=str).encode("utf-8"))
    os.replace(tmp, path)


def _update(path: Path, **values: Any) -> dict[str, Any]:
    with _LOCK:
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
        data.update(values)
        _write(path, data)
    return data


def _run(
    platform: Platform, hub: StoreHub, folder: Path, fid: str, product: Product
) -> None:
    """The screening, on the report worker: run it, keep its result, objects and report,
    and record done or failed (with the message) in its file."""
    path = folder / f"{fid}{SUFFIX}"
    written: list[Path] = []
    try:
        data = _update(path, status="running", started_at=utcnow().isoformat())
        inputs = data["inputs"]
        with platform.session() as db:
            store_row = db.get(DataStore, int(data["store_id"]))
            if store_row is None:
                raise NotFoundError("该数据库已被删除（the store was deleted）。")
            handle = open_handle(store_row, hub, platform.root)
        result, facts = _screen(handle, product, inputs, platform)
        pickled = folder / f"{fid}{PICKLE}"
        written.append(pickled)
        with files.create_private(pickled) as out:
            pickle.dump((result, facts, inputs["top"]), out)
        formats = tuple(data.get("formats") or ("docx",))
        written.extend(_render(folder, fid, result, facts, inputs["top"], [], formats))
        _update(
            path,
            status="done",
            finished_at=utcnow().isoformat(),
            summary=_summary(result),
            result=result.to_dict(),
        )
    except Exception as exc:  # recorded on the screening: the user sees why
        for p in written:
            p.unlink(missing_ok=True)
        if isinstance(exc, QuerySyntaxError):
            message = exc.localized("zh")
        elif isinstance(exc, PatnavError):  # says why in its own words
            message = str(exc)
        else:
            log.exception("fto screening %s failed", fid)
            message = f"{type(exc).__name__}: {exc}"
        _update(
            path,
            status="failed",
            finished_at=utcnow().isoformat(),
            error=message[:2000],
        )
    finally:
        with _LOCK:
            _LIVE.discard(fid)


def _screen(
    handle: Any, product: Product, inputs: dict[str, Any], platform: Platform
) -> tuple[FtoScreening, Any]:
    from patnav.models.fto import screen
    from patnav.reports.fto import report_facts

    semantic = bool(inputs["semantic"])
    # the store's shared index and embedder, under its search lock (other searches of
    # this store wait meanwhile)
    with handle.indexed() as index:
        result = screen(
            index.store,
            product,
            inputs["countries"],
            date.fromisoformat(inputs["as_of"]),
            top=int(inputs["top"]),
            ipc=inputs["ipc"],
            applicants=inputs["applicants"],
            query=inputs["query"],
            index=index,
            embedder=handle.embedder if semantic else None,
            semantic=semantic,
            data_dir=platform.settings.data_dir,
        )
        facts = report_facts(index.store, result)
    return result, facts


def _summary(result: FtoScreening) -> dict[str, Any]:
    risks: dict[str, int] = {}
    for c in result.candidates:
        risks[c.risk] = risks.get(c.risk, 0) + 1
    return {
        "candidates": len(result.candidates),
        "risks": risks,
        "to_watch": len(result.of("pending")),
        "free_to_use": len(result.of("free")),
        "unknown_status": len(result.of("unknown")),
        "method": result.method,
        "retrieval": result.retrieval.method,
        "seconds": round(result.seconds, 3),
    }


def _report_name(fid: str, corrections: int, fmt: str) -> str:
    """The report's file: ``<id>.<fmt>`` the machine's, ``<id>.r<n>.<fmt>`` with the
    first n corrections (written when first downloaded)."""
    return f"{fid}.{fmt}" if corrections == 0 else f"{fid}.r{corrections}.{fmt}"


def _render(
    folder: Path,
    fid: str,
    result: FtoScreening,
    facts: Any,
    top: int,
    corrections: list[VerdictCorrection],
    formats: tuple[str, ...],
) -> list[Path]:
    """Write the report with the corrections in each format."""
    from patnav.reports import render_report
    from patnav.reports.fto import build_fto_report

    report = build_fto_report(result, facts, top=top, corrections=corrections)
    out = []
    for fmt in formats:
        final = folder / _report_name(fid, len(corrections), fmt)
        tmp = folder / f".{fid}.{uuid.uuid4().hex}.{fmt}"
        try:
            written = Path(render_report(report, fmt, tmp))
            os.replace(written, final)
        finally:
            tmp.unlink(missing_ok=True)
        out.append(final)
    return out


# -- reading -----------------------------------------------------------------------------


def list_ftos(ctx: Ctx, *, limit: int = 100) -> list[FtoRecord]:
    """The screenings of the tenants the user sees, newest first."""
    paths = newest_files(ctx, SUFFIX, limit)
    out = []
    for path in paths:
        if not _ID.fullmatch(path.name[: -len(SUFFIX)]):
            continue
        try:
            out.append(_record(json.loads(path.read_text("utf-8"))))
        except (OSError, ValueError, KeyError):
            continue  # not one of ours
    out.sort(key=lambda r: r.created_at, reverse=True)
    return out


def _path(ctx: Ctx, fid: str, suffix: str) -> Path:
    if not _ID.fullmatch(fid):
        raise NotFoundError(f"No FTO screening {fid!r}.")
    return tenant_report_file(ctx, f"{fid}{suffix}", f"No FTO screening {fid!r}.")


def _corrections(path: Path) -> list[VerdictCorrection]:
    if not path.is_file():
        return []
    return [VerdictCorrection.from_dict(x) for x in json.loads(path.read_text("utf-8"))]


def _objects(json_path: Path) -> tuple[FtoScreening, Any, int]:
    # written by this server only (never an upload): the screening and report facts
    with (json_path.parent / json_path.name.replace(SUFFIX, PICKLE)).open("rb") as f:
        result, facts, top = pickle.load(f)
    return result, facts, int(top)


def get_fto(
    ctx: Ctx, fid: str
) -> tuple[FtoRecord, dict[str, Any] | None, list[VerdictCorrection]]:
    """A screening the user sees: its record, its result with the corrections applied
    (None until it is done) and the corrections in the order made.

    The result is :meth:`FtoScreening.to_dict` of the corrected screening (the keys of
    ``patnav fto --json``), each element with ``machine_verdict`` (and its label),
    ``corrected`` and, when corrected, ``comment``; each candidate with
    ``machine_risk``/``machine_verdict``; and ``corrections``, the list.
    """
    path = _path(ctx, fid, SUFFIX)
    data = json.loads(path.read_text("utf-8"))
    record = _record(data)
    if record.status != "done":
        return record, None, []
    corrections = _corrections(path.with_name(f"{fid}{CORRECTIONS}"))
    if not corrections:
        result = dict(data["result"])
        _annotate(result, data["result"], [])
    else:
        machine, _, _ = _objects(path)
        result = apply_corrections(machine, corrections).to_dict()
        _annotate(result, data["result"], corrections)
    return record, result, corrections


def _annotate(
    result: dict[str, Any],
    machine: dict[str, Any],
    corrections: list[VerdictCorrection],
) -> None:
    latest = {(x.pub_number.upper(), x.claim, x.element): x for x in corrections}
    machine_of = {c["doc_id"]: c for c in machine["candidates"]}
    for cand in result["candidates"]:
        was = machine_of.get(cand["doc_id"], {})
        verdicts = {
            (ch["claim"], e["index"]): e["verdict"]
            for ch in (*was.get("claims", ()), *was.get("fallbacks", ()))
            for e in ch["elements"]
        }
        key = (cand["pub_number"] or cand["doc_id"]).upper()
        cand["machine_risk"] = was.get("risk", cand["risk"])
        cand["machine_verdict"] = was.get("verdict", cand["verdict"])
        charts = [*cand["claims"], *cand["fallbacks"]]
        best = next((ch for ch in cand["claims"] if ch["claim"] == cand["claim"]), None)
        for ch in charts:
            for e in ch["elements"]:
                m = verdicts.get((ch["claim"], e["index"]), e["verdict"])
                fix = latest.get((key, ch["claim"], e["index"]))
                e["machine_verdict"] = m
                e["machine_verdict_label"] = VERDICT_ZH[m]
                e["corrected"] = fix is not None
                e["comment"] = fix.comment if fix else None
        if best is not None:
            cand["elements"] = best["elements"]
    result["corrections"] = [x.to_dict() for x in corrections]


def fto_file(ctx: Ctx, fid: str, fmt: str) -> tuple[Path, str, str]:
    """A screening's report file with the corrections made so far, download name and
    content type (audited). The report with corrections is written when first asked for
    after a correction (a PDF takes seconds, so a correction does not wait for it)."""
    json_path = _path(ctx, fid, SUFFIX)
    record = _record(json.loads(json_path.read_text("utf-8")))
    if record.status != "done":
        raise InputError(
            "排查尚未完成，完成后方可下载报告（the screening is not done yet）。"
        )
    if fmt not in record.formats:
        raise NotFoundError(f"This screening has no {fmt} report.")
    folder = json_path.parent
    with _CORRECTING:
        corrections = _corrections(folder / f"{fid}{CORRECTIONS}")
        path = folder / _report_name(fid, len(corrections), fmt)
        if not path.is_file():
            machine, facts, top = _objects(json_path)
            _render(folder, fid, machine, facts, top, corrections, (fmt,))
            for old in folder.glob(f"{fid}.r*.{fmt}"):
                if old != path:
                    old.unlink(missing_ok=True)
    return tenant_report_download(
        ctx,
        path,
        object_type="fto",
        object_id=fid,
        title="专利侵权风险排查报告",
        day=record.created_at.date().isoformat(),
        fmt=fmt,
    )


# -- corrections -------------------------------------------------------------------------


def correct_verdict(
    ctx: Ctx,
    fid: str,
    pub_number: str,
    claim: int | None,
    element: int,
    verdict: str,
    comment: str | None = None,
) -> VerdictCorrection:
    """Record an analyst's correction of one element's verdict (the report with it is
    written when next downloaded).

    Raises:
        NotFoundError: not a screening the user sees.
        AccessDeniedError: the user may not correct it (role, or tenant not writable).
        InvalidParameterError: a verdict not among met / possibly_met / not_met /
            unclear, or no such candidate, claim chart or element; the screening is not
            done.
    """
    path = _path(ctx, fid, SUFFIX)
    record = _record(json.loads(path.read_text("utf-8")))
    access.require_write(ctx.db, ctx.viewer, record.tenant_id)
    _require_role(ctx)
    check_verdict(verdict)
    if record.status != "done":
        raise InvalidParameterError(
            "排查尚未完成，完成后方可修正结论（the screening is not done yet）。"
        )
    text = (comment or "").strip() or None
    if text is not None and len(text) > MAX_COMMENT:
        raise InvalidParameterError(f"说明最多 {MAX_COMMENT} 字，实为 {len(text)} 字。")
    machine, _, _ = _objects(path)
    store_path = path.with_name(f"{fid}{CORRECTIONS}")
    with _CORRECTING:
        corrections = _corrections(store_path)
        current = apply_corrections(machine, corrections)
        cand, _, match = find_element(current, pub_number, claim, element)
        fix = VerdictCorrection(
            number_of(cand),
            claim,
            element,
            match.verdict,
            verdict,
            text,
            ctx.viewer.username,
            utcnow(),
        )
        corrections.append(fix)
        with _LOCK:
            _write(store_path, [x.to_dict() for x in corrections])
    audit.record(
        ctx.db,
        "report",
        viewer=ctx.viewer,
        object_type="fto",
        object_id=fid,
        ip=ctx.ip,
        detail={
            "correction": True,
            "pub_number": fix.pub_number,
            "claim": claim,
            "element": element,
            "old": fix.old_verdict,
            "new": verdict,
        },
    )
    ctx.db.commit()
    return fix
