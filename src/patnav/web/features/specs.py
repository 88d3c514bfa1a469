"""Navigation specs: listing, validating with each problem on its line, saving new
versions (``routers/specs.py``, the API's ``/specs``)."""

from __future__ import annotations

from sqlalchemy import select

from patnav.analyses.spec import NavigationSpec
from patnav.errors import NotFoundError
from patnav.platform import access, audit
from patnav.platform.models import Spec, utcnow
from patnav.web.deps import Ctx
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
) -> tuple[Spec | None, list[SpecProblem]]:
    """Validate and save a spec (new, or a new version of ``spec_id``). Nothing is saved
    when it has problems."""
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
