"""Navigation specs: listing, validating with each problem on its line, saving new
versions (``routers/specs.py``, the API's ``/specs``); the quality of a node's search
strategy judged in the browser (a sample of its hits marked 相关/不相关, recorded in the
spec's ``quality:`` block as a new version)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select

from patnav.analyses.spec import NavigationSpec, node_query, parse_spec
from patnav.analyses.strategy_quality import Estimate, Recall, Sample
from patnav.errors import InvalidParameterError, NotFoundError, SpecError
from patnav.platform import access, audit
from patnav.platform.models import DataStore, Spec, SpecVersion, utcnow
from patnav.web.deps import Ctx
from patnav.web.features.common import handle_of
from patnav.web.specs import SpecProblem, check_spec


def spec_if_visible(ctx: Ctx, spec_id: int) -> Spec | None:
    """A spec the user may see, or None: a report made on a city's store from the
    province's spec belongs to the city, whose users do not see the province's specs."""
    try:
        return get_spec(ctx, spec_id)
    except NotFoundError:
        return None


def list_specs(ctx: Ctx) -> list[Spec]:
    """The specs the user sees."""
    statement = access.scoped(select(Spec), ctx.viewer, Spec)
    return list(ctx.db.scalars(statement.order_by(Spec.updated_at.desc())))


def get_spec(ctx: Ctx, spec_id: int) -> Spec:
    """A spec the user sees."""
    return access.visible(ctx.db, ctx.viewer, Spec, spec_id)


def validate_spec(text: str) -> tuple[NavigationSpec | None, list[SpecProblem]]:
    """A spec's problems with their lines (empty when valid), and the spec when valid."""
    return check_spec(text)


def save_spec(
    ctx: Ctx,
    text: str,
    *,
    spec_id: int | None = None,
    tenant_id: int | None = None,
    name: str | None = None,
    note: str | None = None,
) -> tuple[Spec | None, list[SpecProblem]]:
    """Validate and save a spec (new, or a new version of ``spec_id``), keeping the saved
    text as a version (``note``: how it came to be, e.g. restored). Nothing is saved when
    it has problems."""
    if spec_id is not None:
        row = access.writable(ctx.db, ctx.viewer, Spec, spec_id)
    else:
        access.require_write(ctx.db, ctx.viewer, tenant_id or ctx.viewer.tenant_id)
        row = None
    parsed, problems = check_spec(text)
    if parsed is None:
        return None, problems
    if row is None:
        row = Spec(
            tenant_id=tenant_id or ctx.viewer.tenant_id,
            name=(name or parsed.title).strip()[:200],
            title=parsed.title[:300],
            type=parsed.type,
            yaml_text=text,
            created_by=ctx.viewer.user_id,
            updated_by=ctx.viewer.user_id,
        )
        ctx.db.add(row)
    else:
        row.yaml_text, row.title, row.type = text, parsed.title[:300], parsed.type
        row.version += 1
        row.updated_by, row.updated_at = ctx.viewer.user_id, utcnow()
        if name:
            row.name = name.strip()[:200]
    ctx.db.flush()
    ctx.db.add(
        SpecVersion(
            spec_id=row.id,
            tenant_id=row.tenant_id,
            version=row.version,
            name=row.name,
            title=row.title,
            yaml_text=text,
            saved_by=ctx.viewer.user_id,
            saved_at=row.updated_at,
            note=note,
        )
    )
    audit.record(
        ctx.db,
        "spec.save",
        viewer=ctx.viewer,
        object_type="spec",
        object_id=row.id,
        ip=ctx.ip,
        detail={"title": parsed.title, "version": row.version},
    )
    ctx.db.commit()
    return row, []


EXAMPLE_SPEC = """\
title: 泰安市主导产业专利导航
type: industry            # region | industry | enterprise | rnd | talent | fto | micro
region: {province: 山东省, city: 泰安市}
compare: [national, global]
period: {from: 2005, to: 2015, by: application_date}
count_by: application     # family | application | document
scope:
  - node: 输变电装备
    query: TIAB=(变压器 OR 输电 OR 电缆) OR IPC=(H01F OR H02G)
    children:
      - {node: 变压器, query: "TIAB=变压器 OR IPC=H01F"}
      - {node: 电线电缆, query: "TIAB=(电缆 OR 导线) OR IPC=H01B"}
  - node: 矿山机械
    query: TIAB=(煤矿 OR 矿山 OR 采煤 OR 掘进) OR IPC=(E21C OR E21D)
  - node: 新材料
    query: TIAB=(玻璃纤维 OR 复合材料 OR 碳纤维) OR IPC=(C03C OR C08J5)
"""


# -- search-strategy quality (查准率 judged in the browser) ------------------------------

MAX_SAMPLE = 200


@dataclass(frozen=True, slots=True)
class QualityRow:
    """A node of the quality page: its label, depth and stored measures."""

    label: str
    name: str
    depth: int
    precision: Mapping[str, Any] | None
    precision_status: str
    recall: Mapping[str, Any] | None
    recall_status: str
    units: int | None = None
    """The node's units in the chosen store (None: no store chosen)."""
    overlap_share: float | None = None


def spec_quality(
    ctx: Ctx, spec_id: int, store_id: int | None = None
) -> tuple[Spec, list[QualityRow], int | None]:
    """A spec the user sees, its nodes' stored precision and recall, and with a store
    the live counts of every node in it (units and overlap with siblings), with the
    scope's units."""
    from patnav.analyses.node_counts import breakdown_counts
    from patnav.analyses.strategy_quality import load_quality

    row = get_spec(ctx, spec_id)
    parsed = parse_spec(row.yaml_text, source=f"spec {row.id}")
    quality = load_quality(parsed)
    counts: dict[tuple[str, ...], Any] = {}
    scope_units = None
    if store_id is not None:
        store = access.visible(ctx.db, ctx.viewer, DataStore, store_id)
        with handle_of(ctx, store).reader() as cursor:
            result = breakdown_counts(cursor, parsed)
        counts = {n.path: n for n in result.nodes}
        scope_units = result.scope_units
    return (
        row,
        [
            QualityRow(
                " / ".join(n.path),
                n.path[-1],
                len(n.path) - 1,
                n.precision,
                n.status("precision"),
                n.recall,
                n.status("recall"),
                counts[n.path].units if n.path in counts else None,
                counts[n.path].overlap_share if n.path in counts else None,
            )
            for n in quality.nodes
        ],
        scope_units,
    )


def draw_node_sample(
    ctx: Ctx, spec_id: int, node: str, store_id: int, size: int, seed: int | None
) -> tuple[Spec, Sample]:
    """A random sample of a node's hits in a store the user sees, to judge in the page.

    Raises:
        InvalidParameterError: the size is outside 1…200.
    """
    from patnav.analyses.strategy_quality import draw_sample, find_node

    if not 1 <= size <= MAX_SAMPLE:
        raise InvalidParameterError(
            f"样本量应在 1 到 {MAX_SAMPLE} 之间。The sample size is 1 to {MAX_SAMPLE}."
        )
    row = access.writable(ctx.db, ctx.viewer, Spec, spec_id)
    parsed = parse_spec(row.yaml_text, source=f"spec {row.id}")
    target = find_node(parsed, node)
    store = access.visible(ctx.db, ctx.viewer, DataStore, store_id)
    with handle_of(ctx, store).reader() as cursor:
        return row, draw_sample(cursor, parsed, target, size, seed=seed)


def record_precision(
    ctx: Ctx,
    spec_id: int,
    *,
    node: str,
    store_id: int,
    seed: int,
    hits: int,
    sampled_on: str,
    query: str,
    doc_ids: Sequence[str],
    numbers: Sequence[str],
    verdicts: Sequence[str],
) -> tuple[Spec, Estimate]:
    """Record the analyst's judgements of a sample as the node's precision: the same
    computation as ``patnav spec judge``, stored in the spec's ``quality:`` block as a
    new version of the spec.

    Raises:
        InvalidParameterError: the query changed since the sample was drawn, a document
            is not a hit of the node, a verdict is unknown, or nothing was judged.
    """
    from patnav.analyses.strategy_quality import (
        Judgements,
        find_node,
        node_hits,
        parse_verdict,
        precision_record,
        store_fingerprint,
        with_quality,
    )

    row = access.writable(ctx.db, ctx.viewer, Spec, spec_id)
    parsed = parse_spec(row.yaml_text, source=f"spec {row.id}")
    target = find_node(parsed, node)
    if query != node_query(target):
        raise InvalidParameterError(
            "样本抽取后该环节的检索式已修改，请重新抽样。The node's query changed since "
            "the sample was drawn: draw a new one."
        )
    if not (len(doc_ids) == len(numbers) == len(verdicts)) or len(doc_ids) > MAX_SAMPLE:
        raise InvalidParameterError(
            "判断表单不完整，请重新抽样。The form is incomplete."
        )
    try:
        judged = tuple(
            (d, n, parse_verdict(v))
            for d, n, v in zip(doc_ids, numbers, verdicts, strict=True)
        )
    except ValueError as exc:
        raise InvalidParameterError(
            f"“{exc}”不是判断结果，请选择相关或不相关。Choose 相关 or 不相关."
        ) from None
    store = access.visible(ctx.db, ctx.viewer, DataStore, store_id)
    with handle_of(ctx, store).reader() as cursor:
        found = set(node_hits(cursor, parsed, target))
        fingerprint = store_fingerprint(cursor)
    if not set(doc_ids) <= found:
        raise InvalidParameterError(
            "样本中有文献不是该环节在此数据库中的命中文献，请重新抽样。A sampled document "
            "is not a hit of the node in this store: draw a new sample."
        )
    info = {
        "环节": " / ".join(target.path),
        "检索式": query,
        "命中文献数": str(hits),
        "随机种子": str(seed),
        "抽样日期": sampled_on,
    }
    judgements = Judgements(f"网页判断（{store.name}）", info, judged)
    estimate = judgements.precision()
    record = precision_record(
        judgements, target, estimate, judge=ctx.viewer.username, store=fingerprint
    )
    text = with_quality(row.yaml_text, parsed, target, precision=record)
    saved, problems = save_spec(ctx, text, spec_id=spec_id)
    if saved is None:  # the block is generated: a problem here is a bug, said plainly
        raise InvalidParameterError("; ".join(p.message for p in problems))
    return saved, estimate


# -- the breakdown table (技术分解表) in and out ----------------------------------------


def breakdown_file(ctx: Ctx, spec_id: int) -> tuple[Path, str]:
    """A spec's technology tree as a breakdown table (a temporary ``.xlsx`` the caller
    removes) and its download name."""
    from patnav.analyses.breakdown import write_breakdown

    row = get_spec(ctx, spec_id)
    parsed = parse_spec(row.yaml_text, source=f"spec {row.id}")
    fd, name = tempfile.mkstemp(suffix=".xlsx", prefix="patnav-breakdown-")
    os.close(fd)
    path = write_breakdown(parsed, name)
    return path, f"{row.name}-技术分解表.xlsx"


def import_breakdown(
    ctx: Ctx,
    upload: BinaryIO,
    *,
    file_name: str,
    title: str | None = None,
    nav_type: str | None = None,
    province: str | None = None,
    city: str | None = None,
    tenant_id: int | None = None,
) -> tuple[Spec | None, list[SpecProblem]]:
    """A new spec from an uploaded breakdown table; nothing is saved when the table or
    the spec it makes is wrong (the problem says the sheet, row and column).

    Raises:
        InvalidParameterError: the upload is larger than a breakdown table can be.
    """
    from patnav.analyses.breakdown import MAX_BYTES, spec_from_breakdown

    access.require_write(ctx.db, ctx.viewer, tenant_id or ctx.viewer.tenant_id)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidParameterError(
            f"文件超过 {MAX_BYTES // 1024 // 1024} MB，不像技术分解表。The file is too large."
        )
    overrides: dict[str, Any] = {"title": title, "type": nav_type}
    region = {k: v for k, v in (("province", province), ("city", city)) if v}
    if region:
        overrides["region"] = region
    with tempfile.TemporaryDirectory(prefix="patnav-breakdown-") as folder:
        path = Path(folder) / (Path(file_name).name or "table.xlsx")
        path.write_bytes(data)
        try:
            _, text = spec_from_breakdown(path, overrides=overrides, source=path.name)
        except SpecError as exc:
            return None, [SpecProblem(str(exc).replace(folder + "/", ""))]
    return save_spec(ctx, text, tenant_id=tenant_id)


def record_recall(
    ctx: Ctx,
    spec_id: int,
    *,
    node: str,
    store_id: int,
    upload: BinaryIO,
    file_name: str,
) -> tuple[Spec, Recall]:
    """Record a node's recall on an uploaded verified-relevant list (numbers, one a
    line; a CSV with a 公开号/申请号 column; or a judged sample's 相关 rows): the same
    computation as ``patnav spec judge --relevant``, stored in the spec's ``quality:``
    block as a new version.

    Raises:
        InvalidParameterError: the upload is too large.
        InputError: the list cannot be read or holds no number.
    """
    from patnav.analyses.breakdown import MAX_BYTES
    from patnav.analyses.strategy_quality import (
        find_node,
        measure_recall,
        read_relevant,
        recall_record,
        store_fingerprint,
        with_quality,
    )

    row = access.writable(ctx.db, ctx.viewer, Spec, spec_id)
    parsed = parse_spec(row.yaml_text, source=f"spec {row.id}")
    target = find_node(parsed, node)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidParameterError(
            f"文件超过 {MAX_BYTES // 1024 // 1024} MB。The file is too large."
        )
    suffix = Path(file_name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="patnav-relevant-") as folder:
        path = (
            Path(folder)
            / f"relevant{suffix if suffix in ('.csv', '.xlsx') else '.txt'}"
        )
        path.write_bytes(data)
        numbers = read_relevant(path)
    store = access.visible(ctx.db, ctx.viewer, DataStore, store_id)
    with handle_of(ctx, store).reader() as cursor:
        result = measure_recall(cursor, parsed, target, numbers)
        fingerprint = store_fingerprint(cursor)
    record = recall_record(
        result,
        target,
        relevant_file=Path(file_name).name or "relevant.txt",
        judge=ctx.viewer.username,
        store=fingerprint,
    )
    text = with_quality(row.yaml_text, parsed, target, recall=record)
    saved, problems = save_spec(ctx, text, spec_id=spec_id)
    if saved is None:
        raise InvalidParameterError("; ".join(p.message for p in problems))
    return saved, result
