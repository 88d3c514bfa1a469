"""Pre-valuations (专利资产预评估) for the bank role: a portfolio (numbers or an uploaded
sheet, a saved set, an enterprise) with loan terms, checked and valued on a store, kept
with its report as files of the tenant (``routers/prevalue.py``, the API's
``/api/v1/prevalue``).

A pre-valuation of a loan's portfolio takes well under a second, so it runs in the request;
its result (JSON) and report (DOCX, and PDF on request) are written under the tenant's
``reports`` folder as ``<id>.pv.json`` and ``<id>.<fmt>``, where the tenant's history is
read back from. Only the tenants the user sees are searched, so another tenant's
pre-valuation is *not found*.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from patnav.errors import InputError, InvalidParameterError, NotFoundError
from patnav.models.prevalue import LoanTerms, ValuationInputs, prevalue
from patnav.models.prevalue.portfolio import (
    Borrower,
    Portfolio,
    from_enterprise,
    from_numbers,
    from_set,
    from_sheet,
    split_numbers,
)
from patnav.platform import access, audit, files
from patnav.platform.models import DataStore, utcnow
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of, newest_files, tenant_report_file
from patnav.web.features.reports import tenant_report_download
from patnav.web.features.stores import get_store

SHEET_SUFFIXES = (".xlsx", ".csv")
FORMATS = ("docx", "pdf")
MAX_NUMBERS = 2000
"""Patents one pre-valuation takes (a loan's portfolio, not a landscape)."""

_ID = re.compile(r"[0-9a-f]{32}")
SUFFIX = ".pv.json"


@dataclass(frozen=True, slots=True)
class PortfolioInput:
    """What the form or the API gives as the portfolio: exactly one of them."""

    numbers: str | None = None
    set_name: str | None = None
    enterprise: str | None = None
    sheet_name: str | None = None
    sheet: BinaryIO | None = None


@dataclass(frozen=True, slots=True)
class PreValuationRecord:
    """A kept pre-valuation: where it is, what it covers, its headline figures."""

    id: str
    tenant_id: int
    store_id: int
    store_name: str
    created_by: int
    created_at: datetime
    label: str
    borrower: str | None
    formats: tuple[str, ...]
    summary: dict[str, Any]

    def header(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tenant_id": self.tenant_id,
            "store_id": self.store_id,
            "store_name": self.store_name,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "label": self.label,
            "borrower": self.borrower,
            "formats": list(self.formats),
            "summary": self.summary,
        }


def _portfolio(
    ctx: Ctx, store: Any, given: PortfolioInput
) -> tuple[Portfolio, Borrower | None]:
    chosen = [
        x
        for x in (given.numbers, given.set_name, given.enterprise, given.sheet)
        if x is not None and x != ""
    ]
    if len(chosen) != 1:
        raise InvalidParameterError(
            "请给出且只给出一种评估对象：专利号、专利清单（.xlsx/.csv）、专利集或企业。"
        )
    if given.numbers:
        numbers = split_numbers(given.numbers)
        if len(numbers) > MAX_NUMBERS:
            raise InvalidParameterError(
                f"一次预评估最多 {MAX_NUMBERS} 件专利，实为 {len(numbers)} 件。"
            )
        return from_numbers(store, numbers), None
    if given.set_name:
        return from_set(store, given.set_name), None
    if given.enterprise:
        return from_enterprise(store, given.enterprise)
    assert given.sheet is not None
    name = files.display_name(given.sheet_name, fallback="清单.xlsx")
    suffix = next((s for s in SHEET_SUFFIXES if name.lower().endswith(s)), None)
    if suffix is None:
        raise InputError(f"专利清单应为 .xlsx 或 .csv 文件，实为 {name}。")
    path, _ = files.new_file(ctx.platform.root, ctx.viewer.tenant_id, "uploads", suffix)
    try:
        with files.create_private(path) as out:
            while chunk := given.sheet.read(1 << 20):
                out.write(chunk)
        portfolio = from_sheet(store, path)
    finally:
        path.unlink(missing_ok=True)  # the numbers are kept in the result
    if len(portfolio.items) > MAX_NUMBERS:
        raise InvalidParameterError(
            f"一次预评估最多 {MAX_NUMBERS} 件专利，清单有 {len(portfolio.items)} 件。"
        )
    return replace(portfolio, label=f"清单 {name}"), None


def run_prevalue(
    ctx: Ctx,
    store_id: int,
    given: PortfolioInput,
    loan: LoanTerms,
    inputs: ValuationInputs,
    *,
    formats: tuple[str, ...] = ("docx",),
) -> PreValuationRecord:
    """Check and value a portfolio on a store the user may write to; keep the result and
    its report. The borrower is ``loan.borrower``, else the enterprise given."""
    store = get_store(ctx, store_id)
    access.require_write(ctx.db, ctx.viewer, store.tenant_id)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise InvalidParameterError(
            f"报告格式应为 {' / '.join(FORMATS)}，实为 {', '.join(bad) or '空'}。"
        )
    loan.validate()
    inputs.validate()
    handle = handle_of(ctx, store)
    with handle.reader() as cursor:
        portfolio, owner = _portfolio(ctx, cursor, given)
        who = None  # prevalue() identifies loan.borrower itself
        if owner is not None and not loan.borrower:
            loan, who = replace(loan, borrower=owner.name), owner
        result = prevalue(cursor, portfolio, loan, inputs, borrower=who)
    return _keep(ctx, store, result, formats)


def _keep(
    ctx: Ctx, store: DataStore, result: Any, formats: tuple[str, ...]
) -> PreValuationRecord:
    from patnav.reports import render_report
    from patnav.reports.prevalue import build_prevalue_report

    folder = files.tenant_folder(ctx.platform.root, store.tenant_id, "reports")
    pid = uuid.uuid4().hex
    data = result.to_dict()
    val = result.valuation
    summary = {
        "patents": len(result.checks.patents),
        "found": len(result.checks.found),
        "not_found": len(result.checks.portfolio.not_found),
        "blocked": sum(1 for p in result.checks.found if p.blocked),
        "value_low_wan": val.value_low_wan,
        "value_high_wan": val.value_high_wan,
        "value_basis": val.value_basis,
        "ratio_low": val.ratio_low,
        "ratio_high": val.ratio_high,
        "data_cutoff": data["data_cutoff"],
    }
    record = PreValuationRecord(
        pid,
        store.tenant_id,
        store.id,
        store.name,
        ctx.viewer.user_id,
        utcnow(),
        result.checks.portfolio.label,
        result.checks.loan.borrower,
        formats,
        summary,
    )
    written: list[Path] = []
    try:
        report = build_prevalue_report(result)
        for fmt in formats:
            path = folder / f"{pid}.{fmt}"
            written.append(path)
            render_report(report, fmt, path)
        path = folder / f"{pid}{SUFFIX}"
        written.append(path)
        with files.create_private(path) as out:
            text = json.dumps(
                {**record.header(), "result": data}, ensure_ascii=False, default=str
            )
            out.write(text.encode("utf-8"))
    except BaseException:  # nothing half-written is left behind
        for path in written:
            path.unlink(missing_ok=True)
        raise
    audit.record(
        ctx.db,
        "report",
        viewer=ctx.viewer,
        object_type="prevalue",
        object_id=pid,
        ip=ctx.ip,
        detail={
            "store": store.name,
            "portfolio": record.label,
            "patents": summary["patents"],
        },
    )
    ctx.db.commit()
    return record


def _record(data: dict[str, Any]) -> PreValuationRecord:
    return PreValuationRecord(
        data["id"],
        int(data["tenant_id"]),
        int(data["store_id"]),
        data["store_name"],
        int(data["created_by"]),
        datetime.fromisoformat(data["created_at"]),
        data["label"],
        data.get("borrower"),
        tuple(data.get("formats") or ()),
        data.get("summary") or {},
    )


def list_prevalues(ctx: Ctx, *, limit: int = 100) -> list[PreValuationRecord]:
    """The pre-valuations of the tenants the user sees, newest first."""
    paths = newest_files(ctx, SUFFIX, limit)
    out = []
    for path in paths:
        try:
            out.append(_record(json.loads(path.read_text("utf-8"))))
        except (OSError, ValueError, KeyError):
            continue  # a file being written, or not one of ours
    return out


def _path(ctx: Ctx, pid: str, suffix: str) -> Path:
    if not _ID.fullmatch(pid):
        raise NotFoundError(f"No pre-valuation {pid!r}.")
    return tenant_report_file(ctx, f"{pid}{suffix}", f"No pre-valuation {pid!r}.")


def get_prevalue(ctx: Ctx, pid: str) -> tuple[PreValuationRecord, dict[str, Any]]:
    """A pre-valuation the user sees: its record and its full result."""
    data = json.loads(_path(ctx, pid, SUFFIX).read_text("utf-8"))
    return _record(data), data["result"]


def prevalue_file(ctx: Ctx, pid: str, fmt: str) -> tuple[Path, str, str]:
    """A pre-valuation's report file, download name and content type (audited)."""
    record, _ = get_prevalue(ctx, pid)
    if fmt not in record.formats:
        raise NotFoundError(f"This pre-valuation has no {fmt} report.")
    path = _path(ctx, pid, f".{fmt}")
    return tenant_report_download(
        ctx,
        path,
        object_type="prevalue",
        object_id=pid,
        title="专利资产预评估报告",
        day=record.created_at.date().isoformat(),
        fmt=fmt,
    )


def loan_terms(
    start: str | None, term_months: int, borrower: str | None, amount: float | None
) -> LoanTerms:
    """Loan terms from form or JSON values (start: YYYY-MM-DD, default today)."""
    try:
        day = date.fromisoformat(start) if start else date.today()
    except ValueError:
        raise InvalidParameterError(
            f"贷款起始日应为日期 YYYY-MM-DD，实为 {start!r}。"
        ) from None
    return LoanTerms(
        day, term_months, (borrower or "").strip() or None, amount
    ).validate()
