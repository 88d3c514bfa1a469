"""Navigation projects (专利导航项目, ``/projects`` and ``/api/v1/projects``): the list by
state, the demand form, a project's page with its trail and the steps the user may take,
and the JSON the API returns (``routers/projects.py``).

The loop and its rules live in :mod:`patnav.platform.projects`; this module loads the
depth presets (the shipped ones, or ``project_presets`` over them), publishes a delivered
report to the results catalogue when the office publishes without naming an existing
publication, and tells the requester's tenant of the steps it follows (accepted,
declined, delivered, published) through the notifications' inbox (:mod:`patnav.notify`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from patnav.errors import InvalidParameterError, PatnavError
from patnav.notify import Channels, dispatch
from patnav.platform import access
from patnav.platform import projects as core
from patnav.platform.models import (
    NavProject,
    NavProjectEvent,
    NavProjectUsage,
    Publication,
    ReportJob,
    Spec,
    Tenant,
    User,
)
from patnav.projects.presets import Preset, load_presets
from patnav.web.deps import Ctx
from patnav.web.features.catalogue import PublicationForm, publish
from patnav.web.features.fto import FtoRecord, get_fto, list_ftos

log = logging.getLogger(__name__)


def presets(ctx: Ctx) -> dict[str, Preset]:
    """The depth presets: shipped, with the ``project_presets`` file over them."""
    return load_presets(ctx.settings.project_presets)


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """A project in the list, with the names the list shows."""

    project: NavProject
    office: str
    requester_tenant: str


def _tenant_names(ctx: Ctx, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        t.id: t.name
        for t in ctx.db.scalars(select(Tenant).where(Tenant.id.in_(sorted(ids))))
    }


def list_projects(
    ctx: Ctx,
    *,
    state: str | None = None,
    preset: str | None = None,
    plan_year: int | None = None,
    text: str | None = None,
) -> list[ProjectRow]:
    """The projects the user sees, filtered."""
    found = core.list_projects(
        ctx.db,
        ctx.viewer,
        state=state or None,
        preset=preset or None,
        plan_year=plan_year,
        text=text,
    )
    names = _tenant_names(
        ctx, {p.tenant_id for p in found} | {p.requester_tenant_id for p in found}
    )
    return [
        ProjectRow(p, names.get(p.tenant_id, ""), names.get(p.requester_tenant_id, ""))
        for p in found
    ]


def state_counts(ctx: Ctx) -> dict[str, int]:
    """How many projects the user sees in each state."""
    return core.state_counts(ctx.db, ctx.viewer)


def offices(ctx: Ctx) -> list[Tenant]:
    """The tenants the user may address a demand to."""
    return core.offices_for(ctx.db, ctx.viewer)


def submit(ctx: Ctx, demand: core.Demand) -> NavProject:
    """Record the user's demand."""
    return core.submit(ctx.db, ctx.viewer, demand, presets(ctx), ip=ctx.ip)


@dataclass(frozen=True, slots=True)
class ProjectView:
    """A project's page: the project, its trail, how it was used, the steps the user
    may take, and what the forms offer (analysts, specs, finished reports)."""

    project: NavProject
    preset: Preset | None
    office: str
    requester_tenant: str
    inputs: dict[str, str]
    events: list[NavProjectEvent]
    usages: list[NavProjectUsage]
    actions: list[str]
    spec: Spec | None
    report: ReportJob | None
    publication: Publication | None
    analysts: list[User]
    specs: list[Spec]
    reports: list[ReportJob]
    ftos: list[FtoRecord]
    fto: FtoRecord | None


def _visible_or_none(ctx: Ctx, model: Any, object_id: int | None) -> Any:
    if object_id is None:
        return None
    try:
        return access.visible(ctx.db, ctx.viewer, model, object_id)
    except PatnavError:
        return None


def project_view(ctx: Ctx, project_id: int) -> ProjectView:
    """A project the user sees, as its page shows it."""
    project = core.get_project(ctx.db, ctx.viewer, project_id)
    actions = core.allowed_actions(ctx.db, ctx.viewer, project)
    office = core.is_office(ctx.db, ctx.viewer, project)
    names = _tenant_names(ctx, {project.tenant_id, project.requester_tenant_id})
    analysts: list[User] = []
    specs: list[Spec] = []
    reports: list[ReportJob] = []
    ftos: list[FtoRecord] = []
    if office:
        ftos = [r for r in list_ftos(ctx) if r.status == "done"]
        analysts = list(
            ctx.db.scalars(
                select(User)
                .where(
                    User.role.in_(sorted(core.OFFICE_ROLES)),
                    User.is_active,
                    access.tenant_condition(ctx.viewer, User.tenant_id),
                )
                .order_by(User.username)
            )
        )
        specs = list(
            ctx.db.scalars(
                access.scoped(select(Spec), ctx.viewer, Spec)
                .order_by(Spec.updated_at.desc())
                .limit(200)
            )
        )
        reports = list(
            ctx.db.scalars(
                access.scoped(select(ReportJob), ctx.viewer, ReportJob)
                .where(ReportJob.status == "done")
                .order_by(ReportJob.id.desc())
                .limit(200)
            )
        )
    return ProjectView(
        project=project,
        preset=presets(ctx).get(project.preset),
        office=names.get(project.tenant_id, ""),
        requester_tenant=names.get(project.requester_tenant_id, ""),
        inputs=json.loads(project.inputs_json or "{}"),
        events=core.events_of(ctx.db, project.id),
        usages=core.usages_of(ctx.db, project.id),
        actions=actions,
        spec=_visible_or_none(ctx, Spec, project.spec_id),
        report=_visible_or_none(ctx, ReportJob, project.report_id),
        publication=_visible_or_none(ctx, Publication, project.publication_id),
        analysts=analysts,
        specs=specs,
        reports=reports,
        ftos=ftos,
        fto=_fto_or_none(ctx, project.fto_id),
    )


def _fto_or_none(ctx: Ctx, fid: str | None) -> FtoRecord | None:
    if not fid:
        return None
    try:
        return get_fto(ctx, fid)[0]
    except PatnavError:
        return None


def take_step(
    ctx: Ctx,
    project_id: int,
    action: str,
    step: core.Step,
    *,
    visibility: str = "subtree",
) -> NavProjectEvent:
    """Take one step on a project. ``publish`` without a ``publication_id`` publishes
    the project's delivered report to the results catalogue first (with
    ``visibility``: by default the office's tenant and those beneath it, so a requester
    beneath the office sees it). ``deliver`` with an ``fto_id`` delivers that FTO
    screening (one the user sees, done). The requester's tenant is told of the steps it
    follows in its inbox."""
    chosen = presets(ctx)
    if action == "deliver" and step.fto_id:
        record, _, _ = get_fto(ctx, step.fto_id)  # not found: another tenant's
        if record.status != "done":
            raise InvalidParameterError(
                f"侵权风险排查 {step.fto_id} 尚未完成（{record.status}），完成后再交付"
                f"（FTO screening {step.fto_id} is {record.status}: deliver it once it "
                "is done）。"
            )
    if action == "publish" and step.publication_id is None:
        project = core.get_project(ctx.db, ctx.viewer, project_id)
        core.check_allowed(ctx.db, ctx.viewer, project, action)
        if project.report_id is None:
            raise InvalidParameterError(
                "项目没有可发布的报告（the project has no report to publish）。"
            )
        preset = chosen.get(project.preset)
        region = "".join(p for p in (project.province, project.city) if p) or None
        publication = publish(
            ctx,
            PublicationForm(
                report_id=project.report_id,
                title=project.title,
                summary=project.question,
                tags=[project.industry, *([preset.name] if preset else [])],
                region=region,
                visibility=visibility,
            ),
        )
        step = core.Step(
            comment=step.comment,
            publication_id=publication.id,
            detail={"published_now": True, "visibility": visibility},
        )
    event = core.transition(
        ctx.db, ctx.viewer, project_id, action, step, chosen, ip=ctx.ip
    )
    _notify(ctx, event)
    return event


def _notify(ctx: Ctx, event: NavProjectEvent) -> None:
    project = ctx.db.get(NavProject, event.project_id)
    if project is None:
        return
    alert = core.notice_of(project, event)
    if alert is None:
        return
    try:
        dispatch(
            ctx.db,
            [alert],
            tenant_id=project.requester_tenant_id,
            channels=Channels.from_settings(ctx.settings),
            source=f"project:{project.id}",
        )
    except PatnavError:  # the step stands; the notice is logged as not delivered
        log.exception("project %s: notice of %s not delivered", project.id, event.id)


def project_json(
    ctx: Ctx, project: NavProject, *, trail: bool = True
) -> dict[str, Any]:
    """A project as the API returns it."""
    return core.project_dict(ctx.db, ctx.viewer, project, presets(ctx), trail=trail)


def get_project(ctx: Ctx, project_id: int) -> NavProject:
    """A project the user sees."""
    return core.get_project(ctx.db, ctx.viewer, project_id)
