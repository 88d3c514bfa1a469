"""Supply–demand matching (专利技术供需对接) in the web (``routers/matching.py``, the API's
``/api/v1/match``): enterprises' technical needs and owners' listings kept per tenant, and
:func:`patnav.models.matching.match` run on a store the user sees, in both directions.

- **Demand side**: needs (typed in, or a needs file as ``patnav match --needs`` reads) →
  each need's supply patents, explained. The supply is :func:`supply` at the day asked
  for (university and institute patents in force never dealt, 存量专利盘活) plus the
  listings kept by the tenants the user sees; patents of unknown status are matched only
  when asked and shown apart, never as in force.
- **Supply side**: owners or patents picked (or every patent on offer) → the kept needs
  each patent matches (the inverted direction of the same scores).
- The 对接清单 (xlsx) of either: :func:`patnav.models.matching.write_match_list`, the
  writer of ``patnav match --out``, kept in the store's tenant's reports folder.

Needs and listings are kept as files of the tenant of the user who entered them (as FTO
keeps its screenings), one JSON file each in the tenant's ``reports`` folder:
``<id>.need.json`` and ``<id>.listing.json`` — who, when, and the need or listing. The
tenants above see them (an office sees its enterprises' needs); another tenant does not
(*not found*). Entering and removing them needs a role that writes (:data:`MATCH_ROLES`);
the department role only reads and matches.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from patnav.errors import (
    AccessDeniedError,
    FieldValueError,
    InputError,
    InvalidParameterError,
    NotFoundError,
)
from patnav.models.matching import (
    LICENCE_TYPES,
    Listing,
    Matching,
    Need,
    Supply,
    match,
    read_listings,
    read_needs,
    supply,
    write_match_list,
)
from patnav.platform import access, audit, files
from patnav.platform.models import utcnow
from patnav.schema.numbers import parse_pub_number
from patnav.search.values import read_city, read_province
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of, newest_files, tenant_report_file
from patnav.web.features.reports import CONTENT_TYPES
from patnav.web.features.stores import get_store

MATCH_ROLES = frozenset({"admin", "analyst", "enterprise"})
"""Roles that may enter and remove needs and listings: the platform's analysts (the
office, service centres), enterprises (their needs) and administrators. The department
role reads and matches only; banks have no part in it."""
NEED_SUFFIX = ".need.json"
LISTING_SUFFIX = ".listing.json"
FILE_SUFFIXES = (".csv", ".xlsx", ".jsonl", ".json")
MAX_TOP = 50
MAX_NEEDS = 200
"""Needs matched in one request (a file may hold more: they are kept, and matched in
turns of this many)."""
MAX_KEPT = 2000
"""Needs (and listings) read back per request, newest first."""
MAX_TEXT = 5000
TITLE = "对接清单"

_ID = re.compile(r"[0-9a-f]{32}")
_LOCK = threading.Lock()
_SUPPLY: OrderedDict[tuple[Any, ...], Supply] = OrderedDict()
_KEEP = 8
"""Supplies kept (per store, data version, day and listings): reading every owner of a
store takes seconds on a large one (3.7 s on the 74,163-document demo store)."""


@dataclass(frozen=True, slots=True)
class NeedRecord:
    """A kept need: whose, who entered it, when."""

    id: str
    tenant_id: int
    created_by: int
    created_by_name: str
    created_at: datetime
    need: Need

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tenant_id": self.tenant_id,
            "created_by": self.created_by,
            "created_by_name": self.created_by_name,
            "created_at": self.created_at.isoformat(),
            "need": self.need.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class ListingRecord:
    """A kept listing (开放许可, 转让 or 许可 of one patent)."""

    id: str
    tenant_id: int
    created_by: int
    created_by_name: str
    created_at: datetime
    listing: Listing

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tenant_id": self.tenant_id,
            "created_by": self.created_by,
            "created_by_name": self.created_by_name,
            "created_at": self.created_at.isoformat(),
            "pub_number": self.listing.pub_number,
            "licence_type": self.listing.licence_type,
            "terms": self.listing.terms,
        }


@dataclass(frozen=True, slots=True)
class MatchRun:
    """One matching on a store: the supply at ``as_of`` and the matches."""

    store_id: int
    store_name: str
    direction: str
    """``demand`` (needs → patents) or ``supply`` (patents → needs)."""
    goods: Supply
    matching: Matching
    include_unknown: bool
    needs: tuple[Need, ...]

    def to_dict(self) -> dict[str, Any]:
        """The keys of ``patnav match --json`` (``supply`` the counts, ``as_of``, the
        matching), with the store, the direction and whether unknown status was
        matched."""
        return {
            "store_id": self.store_id,
            "store_name": self.store_name,
            "direction": self.direction,
            "include_unknown": self.include_unknown,
            "supply": self.goods.to_dict()["counts"],
            **self.matching.to_dict(),
            "as_of": self.goods.as_of.isoformat(),
        }


# -- inputs ------------------------------------------------------------------------------


def _require_role(ctx: Ctx) -> None:
    if ctx.viewer.role not in MATCH_ROLES:
        raise AccessDeniedError(
            "技术需求与挂牌专利需由企业用户、分析人员或管理员录入（entering needs and "
            "listings needs the enterprise, analyst or admin role）。"
        )


def _clean(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def check_region(region: str | None) -> str | None:
    """A need's region as given, when it is a province or city name (InputError in
    Chinese otherwise: the matching would refuse it later)."""
    text = _clean(region)
    if text is None:
        return None
    try:
        read_province(text)
    except FieldValueError:
        try:
            read_city(text)
        except FieldValueError:
            raise InvalidParameterError(
                f"地区应为省份（湖北、湖北省）或城市（武汉），实为 {text!r}。"
            ) from None
    return text


def need_of(
    text: str,
    *,
    need_id: str | None = None,
    enterprise: str | None = None,
    ipc: Sequence[str] = (),
    industry: str | None = None,
    region: str | None = None,
) -> Need:
    """One need from a form or the API, checked."""
    body = (text or "").strip()
    if not body:
        raise InvalidParameterError("请填写技术需求（文字）。")
    if len(body) > MAX_TEXT:
        raise InvalidParameterError(
            f"技术需求最多 {MAX_TEXT} 字，实为 {len(body)} 字。"
        )
    classes = tuple(
        c.strip().replace(" ", "").upper()
        for part in ipc
        for c in re.split(r"[;,；，、\s]+", part)
        if c.strip()
    )
    return Need(
        need_id=_clean(need_id) or "",
        text=body,
        enterprise=_clean(enterprise),
        ipc=classes,
        industry=_clean(industry),
        region=check_region(region),
    )


def listing_of(pub_number: str, licence_type: str, terms: str | None = None) -> Listing:
    """One listing from a form or the API, checked."""
    number = (pub_number or "").strip()
    try:
        parse_pub_number(number)
    except InputError:
        raise InvalidParameterError(
            f"公开号 {number!r} 无法识别，请写作 CN112345678A。"
        ) from None
    kind = (licence_type or "").strip()
    if kind not in LICENCE_TYPES:
        raise InvalidParameterError(
            f"许可类型应为 {'、'.join(LICENCE_TYPES)} 之一，实为 {kind!r}。"
        )
    return Listing(number, kind, _clean(terms), 1)


def _read_upload(
    ctx: Ctx, name: str | None, file: BinaryIO, reader: Any, what: str
) -> Any:
    """An uploaded needs or listings file read by the CLI's reader (written to the
    tenant's uploads folder under a generated name, read, removed)."""
    shown = files.display_name(name, fallback=f"{what}.csv")
    suffix = next((s for s in FILE_SUFFIXES if shown.lower().endswith(s)), None)
    if suffix is None:
        raise InputError(f"{what}文件应为 .csv、.xlsx 或 .jsonl，实为 {shown}。")
    path, _ = files.new_file(ctx.platform.root, ctx.viewer.tenant_id, "uploads", suffix)
    try:
        with files.create_private(path) as out:
            while chunk := file.read(1 << 20):
                out.write(chunk)
        return reader(path)
    finally:
        path.unlink(missing_ok=True)


def needs_from_file(ctx: Ctx, name: str | None, file: BinaryIO) -> tuple[Need, ...]:
    """The needs of an uploaded file (CSV, XLSX or JSONL, as ``patnav match --needs``)."""
    needs: tuple[Need, ...] = _read_upload(ctx, name, file, read_needs, "需求")
    return tuple(replace(n, region=check_region(n.region)) for n in needs)


def listings_from_file(
    ctx: Ctx, name: str | None, file: BinaryIO
) -> tuple[Listing, ...]:
    """The listings of an uploaded file (CSV or XLSX, as ``--supply-file``)."""
    listings: tuple[Listing, ...] = _read_upload(ctx, name, file, read_listings, "挂牌")
    for x in listings:
        listing_of(x.pub_number, x.licence_type)  # the number said now, with its row
    return listings


# -- kept needs and listings -------------------------------------------------------------


def _write(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with files.create_private(tmp) as out:
        out.write(json.dumps(data, ensure_ascii=False, default=str).encode("utf-8"))
    os.replace(tmp, path)


def _keep(ctx: Ctx, suffix: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    tenant_id = ctx.viewer.tenant_id
    access.require_write(ctx.db, ctx.viewer, tenant_id)
    _require_role(ctx)
    folder = files.tenant_folder(ctx.platform.root, tenant_id, "reports")
    now = utcnow().isoformat()
    out = []
    with _LOCK:
        for item in items:
            data = {
                "id": uuid.uuid4().hex,
                "tenant_id": tenant_id,
                "created_by": ctx.viewer.user_id,
                "created_by_name": ctx.viewer.username,
                "created_at": now,
                **item,
            }
            _write(folder / f"{data['id']}{suffix}", data)
            out.append(data)
    audit.record(
        ctx.db,
        "match.save",
        viewer=ctx.viewer,
        object_type="need" if suffix == NEED_SUFFIX else "listing",
        object_id=out[0]["id"] if len(out) == 1 else None,
        ip=ctx.ip,
        detail={"count": len(out)},
    )
    ctx.db.commit()
    return out


def _need_record(data: dict[str, Any]) -> NeedRecord:
    n = data["need"]
    return NeedRecord(
        data["id"],
        int(data["tenant_id"]),
        int(data["created_by"]),
        str(data.get("created_by_name") or ""),
        datetime.fromisoformat(data["created_at"]),
        Need(
            need_id=str(n.get("id") or data["id"][:8]),
            text=str(n["text"]),
            enterprise=n.get("enterprise"),
            ipc=tuple(n.get("ipc") or ()),
            industry=n.get("industry"),
            region=n.get("region"),
        ),
    )


def _listing_record(data: dict[str, Any]) -> ListingRecord:
    return ListingRecord(
        data["id"],
        int(data["tenant_id"]),
        int(data["created_by"]),
        str(data.get("created_by_name") or ""),
        datetime.fromisoformat(data["created_at"]),
        Listing(
            str(data["pub_number"]),
            str(data["licence_type"]),
            data.get("terms"),
            1,
        ),
    )


def save_needs(ctx: Ctx, needs: Sequence[Need]) -> list[NeedRecord]:
    """Keep needs for the user's tenant.

    Raises:
        AccessDeniedError: the user's role does not write, or may not enter needs.
        InvalidParameterError: no need given.
    """
    if not needs:
        raise InvalidParameterError("没有可保存的技术需求。")
    kept = _keep(
        ctx,
        NEED_SUFFIX,
        [{"need": {**n.to_dict(), "id": n.need_id or None}} for n in needs],
    )
    return [_need_record(d) for d in kept]


def save_listings(ctx: Ctx, listings: Sequence[Listing]) -> list[ListingRecord]:
    """Keep listings for the user's tenant (same rights as needs)."""
    if not listings:
        raise InvalidParameterError("没有可保存的挂牌专利。")
    kept = _keep(
        ctx,
        LISTING_SUFFIX,
        [
            {
                "pub_number": x.pub_number,
                "licence_type": x.licence_type,
                "terms": x.terms,
            }
            for x in listings
        ],
    )
    return [_listing_record(d) for d in kept]


def _kept(ctx: Ctx, suffix: str) -> list[dict[str, Any]]:
    out = []
    for path in newest_files(ctx, suffix, MAX_KEPT):
        if not _ID.fullmatch(path.name[: -len(suffix)]):
            continue
        try:
            out.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError):
            continue
    out.sort(key=lambda d: str(d.get("created_at")), reverse=True)
    return out


def list_needs(ctx: Ctx) -> list[NeedRecord]:
    """The needs kept by the tenants the user sees, newest first."""
    out = []
    for data in _kept(ctx, NEED_SUFFIX):
        try:
            out.append(_need_record(data))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def list_listings(ctx: Ctx) -> list[ListingRecord]:
    """The listings kept by the tenants the user sees, newest first."""
    out = []
    for data in _kept(ctx, LISTING_SUFFIX):
        try:
            out.append(_listing_record(data))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def delete(ctx: Ctx, kind: str, item_id: str) -> None:
    """Remove a kept need (``kind="need"``) or listing.

    Raises:
        NotFoundError: none the user sees.
        AccessDeniedError: the user may not remove it.
    """
    suffix = NEED_SUFFIX if kind == "need" else LISTING_SUFFIX
    missing = f"No {kind} {item_id!r}."
    if not _ID.fullmatch(item_id):
        raise NotFoundError(missing)
    path = tenant_report_file(ctx, f"{item_id}{suffix}", missing)
    data = json.loads(path.read_text("utf-8"))
    access.require_write(ctx.db, ctx.viewer, int(data["tenant_id"]))
    _require_role(ctx)
    with _LOCK:
        path.unlink(missing_ok=True)
    audit.record(
        ctx.db,
        "match.delete",
        viewer=ctx.viewer,
        object_type=kind,
        object_id=item_id,
        ip=ctx.ip,
    )
    ctx.db.commit()


def pick_needs(ctx: Ctx, ids: Sequence[str]) -> tuple[Need, ...]:
    """Kept needs by id (every kept need when ``ids`` is empty), at most
    :data:`MAX_NEEDS`, each with an identifier of its own."""
    kept = list_needs(ctx)
    if ids:
        wanted = set(ids)
        kept = [r for r in kept if r.id in wanted]
        if len(kept) < len(wanted):
            raise NotFoundError("No such need (其中有看不到或已删除的需求).")
    return unique_ids([r.need for r in kept][:MAX_NEEDS])


def unique_ids(needs: Sequence[Need]) -> tuple[Need, ...]:
    """The needs with their identifiers made unique (the row number when none is given;
    a repeated one gets ``-2``, ``-3`` …): matches and the 对接清单 are keyed by them."""
    seen: dict[str, int] = {}
    out = []
    for i, n in enumerate(needs, 1):
        base = n.need_id or str(i)
        seen[base] = seen.get(base, 0) + 1
        out.append(
            replace(n, need_id=base if seen[base] == 1 else f"{base}-{seen[base]}")
        )
    return tuple(out)


# -- running ----------------------------------------------------------------------------


def _day(value: str | date | None) -> date:
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidParameterError(
            f"判断日应为日期 YYYY-MM-DD，实为 {text!r}。"
        ) from None


def _check_top(top: int) -> None:
    if not 1 <= top <= MAX_TOP:
        raise InvalidParameterError(f"列出条数应在 1 到 {MAX_TOP} 之间，实为 {top}。")


def _run(
    ctx: Ctx,
    store_id: int,
    direction: str,
    needs: Sequence[Need],
    *,
    pick: Any = None,
    include_unknown: bool,
    top: int,
    as_of: str | date | None,
) -> MatchRun:
    _check_top(top)
    day = _day(as_of)
    needs = unique_ids(needs)
    if len(needs) > MAX_NEEDS:
        raise InvalidParameterError(
            f"一次最多匹配 {MAX_NEEDS} 条需求，实为 {len(needs)} 条：请分批匹配。"
        )
    store = get_store(ctx, store_id)
    listings = [r.listing for r in list_listings(ctx)]
    handle = handle_of(ctx, store)
    key = (store.id, handle.version(), day, tuple(listings))
    with handle.indexed() as index:
        with _LOCK:
            goods = _SUPPLY.get(key)
            if goods is not None:
                _SUPPLY.move_to_end(key)
        if goods is None:
            goods = supply(index.store, day, listings)
            with _LOCK:
                _SUPPLY[key] = goods
                while len(_SUPPLY) > _KEEP:
                    _SUPPLY.popitem(last=False)
        pool = goods.doc_ids(include_unknown=include_unknown)
        if pick is not None:
            pool = pick(index.store, goods, pool)
        result = match(
            index.store,
            needs,
            pool,
            top=top,
            supply_items=goods.by_doc(),
            index=index,
            embedder=handle.embedder,
            data_dir=ctx.settings.data_dir,
        )
    return MatchRun(
        store.id, store.name, direction, goods, result, include_unknown, tuple(needs)
    )


def run_demand(
    ctx: Ctx,
    store_id: int,
    needs: Sequence[Need],
    *,
    include_unknown: bool = False,
    top: int = 10,
    as_of: str | date | None = None,
) -> MatchRun:
    """Each need's best supply patents of a store the user sees, explained.

    Raises:
        NotFoundError: not a store the user sees.
        InvalidParameterError: no need, too many, a bad day, top out of range (Chinese).
    """
    if not needs:
        raise InvalidParameterError(
            "请给出技术需求：填写需求文字、上传需求文件，或选择已保存的需求。"
        )
    return _run(
        ctx,
        store_id,
        "demand",
        needs,
        include_unknown=include_unknown,
        top=top,
        as_of=as_of,
    )


def run_supply(
    ctx: Ctx,
    store_id: int,
    *,
    owners: Sequence[str] = (),
    numbers: Sequence[str] = (),
    include_unknown: bool = False,
    top: int = 10,
    as_of: str | date | None = None,
) -> MatchRun:
    """The kept needs each offered patent matches: the patents on offer of the owners
    named (a name's part: 河海大学) and the numbers given (every patent on offer when
    neither is given), against every need the user sees.

    Raises:
        NotFoundError: not a store the user sees.
        InvalidParameterError: no need kept, a number that is not one (Chinese).
    """
    owners = [o.strip() for o in owners if o.strip()]
    wanted = set()
    for n in numbers:
        if n.strip():
            listing_of(n, LICENCE_TYPES[0])  # a bad number is said now, in Chinese
            wanted.add(str(parse_pub_number(n.strip())))
    needs = pick_needs(ctx, ())
    if not needs:
        raise InvalidParameterError(
            "尚无已保存的技术需求：请先录入或上传企业需求，再按专利查找需求。"
        )

    def pick(store: Any, goods: Supply, pool: list[str]) -> list[str]:
        if not owners and not wanted:
            return pool
        allowed = set(pool)
        chosen = []
        for item in goods.items + (goods.unknown if include_unknown else ()):
            if item.doc_id not in allowed:
                continue
            by_owner = any(o in name for o in owners for name in item.owners)
            by_number = item.pub_number is not None and (
                str(parse_pub_number(item.pub_number)) in wanted
            )
            if by_owner or by_number:
                chosen.append(item.doc_id)
        return list(dict.fromkeys(chosen))

    return _run(
        ctx,
        store_id,
        "supply",
        needs,
        pick=pick,
        include_unknown=include_unknown,
        top=top,
        as_of=as_of,
    )


def match_list(ctx: Ctx, run: MatchRun) -> tuple[Path, str, str]:
    """The 对接清单 (xlsx) of a matching, written by the CLI's writer: a temporary file
    (removed by the caller once sent), its download name and content type (audited)."""
    fd, name = tempfile.mkstemp(suffix=".xlsx", prefix="patnav-match-")
    os.close(fd)
    path = Path(name)
    try:
        write_match_list(run.matching, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    audit.record(
        ctx.db,
        "export",
        viewer=ctx.viewer,
        object_type="match",
        object_id=run.store_id,
        ip=ctx.ip,
        detail={
            "store": run.store_name,
            "direction": run.direction,
            "needs": len(run.needs),
            "rows": sum(len(n.matches) for n in run.matching.needs),
        },
    )
    ctx.db.commit()
    return path, f"{TITLE}_{run.goods.as_of.isoformat()}.xlsx", CONTENT_TYPES[".xlsx"]
