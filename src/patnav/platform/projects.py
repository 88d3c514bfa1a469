"""Navigation projects (专利导航项目): the loop 需求共提 → 项目共研 → 成果共享 → 效果跟踪.

A requester (a department, an enterprise, a bank …) submits a demand — industry, question,
keywords, deadline, depth preset — addressed to an office tenant: its own or one above it.
The office (an admin or analyst who writes the office tenant) accepts it into a plan (year,
batch) or declines it with a reason, assigns analysts and a spec (a skeleton from the
preset when none is given), records drafts, the review and the delivery (a finished report
job), and publishes it to the results catalogue. Afterwards the requester (or the office)
records how the results were used (:data:`USES`). Every step is one
:class:`~patnav.platform.models.NavProjectEvent` (who, when, from which state to which,
comment, details) and one audit event.

::

    submitted ─accept─► accepted ─assign─► in_progress ─draft─► draft ─review─► in_review
        │                                     ▲  assign           ▲  draft          │
        └─decline─► declined                  └───────────────────┴──────draft──────┤
                                                                                  deliver
                           usage (效果跟踪) ◄── published ◄─publish── delivered ◄────┘

Who sees a project: the office's users (admins and analysts seeing the office tenant, or
the requester's tenant) and the users of the requester's own tenant — no one else (a
project another tenant cannot see is *not found*). A step that the state does not allow is
refused with 400 and a message in Chinese and English naming the steps that are allowed;
a step the user's role may not take with 403.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from patnav.analyses.spec import parse_spec
from patnav.errors import AccessDeniedError, InvalidParameterError, NotFoundError
from patnav.platform import access, audit
from patnav.platform.access import Viewer
from patnav.platform.models import (
    NavProject,
    NavProjectEvent,
    NavProjectUsage,
    Publication,
    ReportJob,
    Spec,
    Tenant,
    User,
    utcnow,
)
from patnav.projects.presets import (
    INPUTS,
    Preset,
    get_preset,
    spec_skeleton,
    split_words,
)

STATES: tuple[str, ...] = (
    "submitted",
    "accepted",
    "declined",
    "in_progress",
    "draft",
    "in_review",
    "delivered",
    "published",
)
STATE_ZH: dict[str, str] = {
    "submitted": "已提交",
    "accepted": "已纳入计划",
    "declined": "未受理",
    "in_progress": "研究中",
    "draft": "初稿",
    "in_review": "评审中",
    "delivered": "已交付",
    "published": "已发布",
}
STATE_EN: dict[str, str] = {
    "submitted": "submitted",
    "accepted": "accepted",
    "declined": "declined",
    "in_progress": "in progress",
    "draft": "draft",
    "in_review": "in review",
    "delivered": "delivered",
    "published": "published",
}

TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "accept": (("submitted",), "accepted"),
    "decline": (("submitted",), "declined"),
    "assign": (("accepted", "in_progress"), "in_progress"),
    "draft": (("in_progress", "draft", "in_review"), "draft"),
    "review": (("draft",), "in_review"),
    "deliver": (("in_review",), "delivered"),
    "publish": (("delivered",), "published"),
    "usage": (("delivered", "published"), None),
}
"""action → (the states it may start from, the state it leads to; None: unchanged)."""

ACTION_ZH: dict[str, str] = {
    "submit": "提交需求",
    "accept": "纳入计划",
    "decline": "不予受理",
    "assign": "分派分析人员与方案",
    "draft": "提交初稿",
    "review": "送审",
    "deliver": "交付",
    "publish": "发布",
    "usage": "记录应用效果",
}

OFFICE_ROLES = access.OFFICE_ROLES
"""Roles that work on projects addressed to a tenant they see (the office)."""
REQUESTER_ACTIONS = frozenset({"usage"})
"""Steps the requester's own users may take (the office may too)."""

USES: dict[str, str] = {
    "investment": "招商引资",
    "rnd": "研发立项",
    "policy": "政策制定",
    "pledge": "质押融资",
    "talent": "人才引进",
    "layout": "专利布局",
    "risk": "风险防控",
    "other": "其他",
}
"""How delivered results were used (效果跟踪): id → Chinese."""

NOTIFY_ACTIONS = frozenset({"accept", "decline", "deliver", "publish"})
"""Steps the requester's tenant is told of in its inbox."""


@dataclass(frozen=True, slots=True)
class Demand:
    """What a requester submits (需求共提)."""

    title: str
    industry: str
    question: str
    preset: str
    keywords: Sequence[str] = ()
    deadline: date | None = None
    province: str | None = None
    city: str | None = None
    office_tenant_id: int | None = None
    """The office addressed: the requester's own tenant (default) or one above it."""
    inputs: Mapping[str, str] = field(default_factory=dict)
    """The preset's other inputs (:data:`EXTRA_INPUTS`: product, features, countries,
    breakdown …), input id → text."""


BASE_INPUTS = frozenset({"industry", "question", "keywords", "region"})
"""Inputs a demand has fields of its own for; the others go in ``inputs``."""
EXTRA_INPUTS: tuple[str, ...] = tuple(i for i in INPUTS if i not in BASE_INPUTS)


@dataclass(frozen=True, slots=True)
class Step:
    """One step's inputs; which are needed depends on the action."""

    comment: str | None = None
    plan_year: int | None = None
    plan_batch: str | None = None
    reason: str | None = None
    analysts: Sequence[str] = ()
    spec_id: int | None = None
    reviewer: str | None = None
    report_id: int | None = None
    fto_id: str | None = None
    """deliver: a finished FTO screening — the caller has checked that the user sees it
    and that it is done (screenings are files of the web app, not rows here)."""
    publication_id: int | None = None
    used_by: str | None = None
    use: str | None = None
    outcome: str | None = None
    used_on: date | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


# -- access ----------------------------------------------------------------------------


def get_project(session: Session, viewer: Viewer, project_id: int) -> NavProject:
    """A project the viewer sees.

    Raises:
        NotFoundError: no such project, or not one the viewer sees.
    """
    found = (
        session.scalar(
            select(NavProject).where(
                NavProject.id == project_id, access.project_condition(viewer)
            )
        )
        if access.is_valid_id(project_id)
        else None
    )
    if found is None:
        raise NotFoundError(
            f"没有您可见的导航项目 {project_id}（no project {project_id} that you can "
            "see）。"
        )
    return found


def is_office(session: Session, viewer: Viewer, project: NavProject) -> bool:
    """Whether the viewer works for the project's office (an admin or analyst who sees
    — and so writes — the office tenant)."""
    return access.works_for_office(session, viewer, project.tenant_id)


def allowed_actions(session: Session, viewer: Viewer, project: NavProject) -> list[str]:
    """The steps the viewer may take on the project now."""
    office = is_office(session, viewer, project)
    requester = project.requester_tenant_id == viewer.tenant_id
    return [
        action
        for action, (starts, _) in TRANSITIONS.items()
        if project.state in starts
        and (office or (requester and action in REQUESTER_ACTIONS))
    ]


def list_projects(
    session: Session,
    viewer: Viewer,
    *,
    state: str | None = None,
    preset: str | None = None,
    plan_year: int | None = None,
    text: str | None = None,
    limit: int = 500,
) -> list[NavProject]:
    """The projects the viewer sees, newest first, filtered by state, preset, plan year
    and a text in the title, industry or question.

    Raises:
        InvalidParameterError: an unknown state.
    """
    statement = select(NavProject).where(access.project_condition(viewer))
    if state:
        if state not in STATES:
            raise InvalidParameterError(
                f"未知状态 {state!r}（unknown state）；可选：{'、'.join(STATES)}。"
            )
        statement = statement.where(NavProject.state == state)
    if preset:
        statement = statement.where(NavProject.preset == preset)
    if plan_year is not None:
        statement = statement.where(NavProject.plan_year == plan_year)
    if text and text.strip():
        like = f"%{text.strip()}%"
        statement = statement.where(
            or_(
                NavProject.title.like(like),
                NavProject.industry.like(like),
                NavProject.question.like(like),
            )
        )
    return list(session.scalars(statement.order_by(NavProject.id.desc()).limit(limit)))


def state_counts(session: Session, viewer: Viewer) -> dict[str, int]:
    """How many projects the viewer sees in each state (every state, zero included)."""
    rows = session.execute(
        select(NavProject.state, func.count())
        .where(access.project_condition(viewer))
        .group_by(NavProject.state)
    ).all()
    found = {str(state): int(n) for state, n in rows}
    return {state: found.get(state, 0) for state in STATES}


def offices_for(session: Session, viewer: Viewer) -> list[Tenant]:
    """The tenants a viewer may address a demand to: their own and those above it,
    nearest first."""
    ids = viewer.ancestor_ids[::-1]
    rows = {t.id: t for t in session.scalars(select(Tenant).where(Tenant.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


# -- steps ----------------------------------------------------------------------------


def _text(value: str | None, what: str, *, limit: int) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise InvalidParameterError(f"请填写{what}（{what} is required）。")
    return cleaned[:limit]


def _event(
    session: Session,
    viewer: Viewer,
    project: NavProject,
    action: str,
    from_state: str | None,
    comment: str | None,
    detail: Mapping[str, Any],
    ip: str | None,
) -> NavProjectEvent:
    event = NavProjectEvent(
        project_id=project.id,
        user_id=viewer.user_id,
        username=viewer.username,
        action=action,
        from_state=from_state,
        to_state=project.state,
        comment=(comment or "").strip() or None,
        detail_json=json.dumps(dict(detail), ensure_ascii=False, default=str),
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        "project.submit" if action == "submit" else "project.transition",
        viewer=viewer,
        object_type="project",
        object_id=project.id,
        ip=ip,
        detail={"action": action, "from": from_state, "to": project.state, **detail},
    )
    return event


def submit(
    session: Session,
    viewer: Viewer,
    demand: Demand,
    presets: Mapping[str, Preset],
    *,
    ip: str | None = None,
) -> NavProject:
    """Record a demand of the viewer's tenant (state ``submitted``); commits.

    Raises:
        InvalidParameterError: a required field is empty, the preset is unknown, or the
            office is not the viewer's tenant or one above it.
    """
    preset = get_preset(presets, demand.preset)
    inputs = _inputs(demand, preset)
    office = demand.office_tenant_id or viewer.tenant_id
    if office not in viewer.ancestor_ids:
        raise InvalidParameterError(
            f"需求只能提交给本单位或上级单位（a demand goes to your own tenant or one "
            f"above it），不能提交给 {office}。"
        )
    project = NavProject(
        tenant_id=office,
        requester_tenant_id=viewer.tenant_id,
        requester_id=viewer.user_id,
        requester_name=viewer.username,
        title=_text(demand.title, "项目名称", limit=300),
        industry=_text(demand.industry, "产业或技术领域", limit=200),
        question=_text(demand.question, "导航问题", limit=5000),
        keywords=",".join(demand.keywords),
        province=(demand.province or "").strip() or None,
        city=(demand.city or "").strip() or None,
        deadline=demand.deadline,
        preset=preset.id,
        inputs_json=json.dumps(inputs, ensure_ascii=False),
        state="submitted",
    )
    session.add(project)
    session.flush()
    _event(
        session,
        viewer,
        project,
        "submit",
        None,
        None,
        {"preset": preset.id, "office": office},
        ip,
    )
    session.commit()
    return project


def _inputs(demand: Demand, preset: Preset) -> dict[str, str]:
    unknown = sorted(set(demand.inputs) - set(EXTRA_INPUTS))
    if unknown:
        raise InvalidParameterError(
            f"未知输入 {'、'.join(unknown)}（unknown inputs）；可用："
            f"{'、'.join(EXTRA_INPUTS)}。"
        )
    given = {k: v.strip() for k, v in demand.inputs.items() if v and v.strip()}
    present = {
        "industry": bool(demand.industry.strip()),
        "question": bool(demand.question.strip()),
        "keywords": bool(demand.keywords),
        "region": bool(demand.province or demand.city),
    }
    missing = [i for i in preset.required if not present.get(i, i in given)]
    if missing:
        raise InvalidParameterError(
            f"“{preset.name}”需要填写："
            + "、".join(INPUTS[i][0] for i in missing)
            + f"（the {preset.id} preset needs: "
            + ", ".join(INPUTS[i][1] for i in missing)
            + "）。"
        )
    return {k: v[:5000] for k, v in given.items()}


def _refuse(project: NavProject, action: str, allowed: list[str]) -> None:
    if action not in TRANSITIONS:
        raise InvalidParameterError(
            f"未知操作 {action!r}（unknown action）；可选：{'、'.join(TRANSITIONS)}。"
        )
    now = ", ".join(allowed) or "none"
    now_zh = "、".join(ACTION_ZH[a] for a in allowed) or "无"
    raise InvalidParameterError(
        f"项目 {project.id} 当前为“{STATE_ZH[project.state]}”，不能“{ACTION_ZH[action]}”；"
        f"当前可执行：{now_zh}。Project {project.id} is {STATE_EN[project.state]}: "
        f"'{action}' is not allowed now (allowed: {now})."
    )


def _analysts(session: Session, viewer: Viewer, names: Sequence[str]) -> list[str]:
    if not names:
        raise InvalidParameterError(
            "请指定至少一名分析人员（name at least one analyst by user name）。"
        )
    found = {
        u.username: u
        for u in session.scalars(select(User).where(User.username.in_(list(names))))
    }
    out: list[str] = []
    for name in names:
        user = found.get(name)
        if (
            user is None
            or user.role not in OFFICE_ROLES
            or not access.can_see_tenant(session, viewer, user.tenant_id)
        ):
            raise InvalidParameterError(
                f"{name!r} 不是您所在单位（或下级单位）的分析人员或管理员（not an analyst "
                "or admin of your tenant or beneath it）。"
            )
        if name not in out:
            out.append(name)
    return out


def _skeleton_spec(
    session: Session,
    viewer: Viewer,
    project: NavProject,
    presets: Mapping[str, Preset],
    ip: str | None,
) -> Spec:
    preset = get_preset(presets, project.preset)
    text = spec_skeleton(
        preset,
        title=project.title,
        industry=project.industry,
        question=project.question,
        keywords=split_words(project.keywords),
        province=project.province,
        city=project.city,
        children=split_words(json.loads(project.inputs_json or "{}").get("breakdown")),
    )
    parsed = parse_spec(text, source=f"project {project.id}")
    spec = Spec(
        tenant_id=project.tenant_id,
        name=f"{project.title}（{preset.name}）"[:200],
        title=parsed.title[:300],
        type=parsed.type,
        yaml_text=text,
        created_by=viewer.user_id,
        updated_by=viewer.user_id,
    )
    session.add(spec)
    session.flush()
    audit.record(
        session,
        "spec.save",
        viewer=viewer,
        object_type="spec",
        object_id=spec.id,
        ip=ip,
        detail={"title": parsed.title, "version": 1, "project": project.id},
    )
    return spec


def _done_report(session: Session, viewer: Viewer, report_id: int) -> ReportJob:
    job = access.visible(session, viewer, ReportJob, report_id)
    if job.status != "done" or not job.filename:
        raise InvalidParameterError(
            f"报告 {report_id} 尚未生成完成（{job.status}），完成后再交付（report "
            f"{report_id} is {job.status}: deliver it once it is done）。"
        )
    return job


def check_allowed(
    session: Session, viewer: Viewer, project: NavProject, action: str
) -> None:
    """Whether the viewer may take ``action`` on the project now.

    Raises:
        AccessDeniedError: the viewer's role may not take this step.
        InvalidParameterError: the step is unknown or not allowed in the project's
            state (the message names the steps that are).
    """
    if action not in TRANSITIONS:
        _refuse(project, action, [])
    office = is_office(session, viewer, project)
    requester = project.requester_tenant_id == viewer.tenant_id
    if not (office or (requester and action in REQUESTER_ACTIONS)):
        raise AccessDeniedError(
            f"“{ACTION_ZH[action]}”由项目承接单位的分析人员或管理员办理（'{action}' is "
            "for the office's analysts and admins）"
            + (
                "；需求方可记录应用效果（the requester may record usage）。"
                if requester
                else "。"
            )
        )
    if project.state not in TRANSITIONS[action][0]:
        _refuse(project, action, allowed_actions(session, viewer, project))


def transition(
    session: Session,
    viewer: Viewer,
    project_id: int,
    action: str,
    step: Step,
    presets: Mapping[str, Preset],
    *,
    ip: str | None = None,
) -> NavProjectEvent:
    """Take one step on a project (and record it in its trail and the audit log);
    commits.

    Raises:
        NotFoundError: the viewer does not see the project (or a report, spec or
            publication named).
        AccessDeniedError: the viewer's role may not take this step.
        InvalidParameterError: the step is unknown or not allowed in the project's state,
            or an input it needs is missing or wrong.
    """
    project = get_project(session, viewer, project_id)
    check_allowed(session, viewer, project, action)
    target = TRANSITIONS[action][1]
    before = project.state
    detail: dict[str, Any] = dict(step.detail)
    if action == "accept":
        year = step.plan_year
        if year is None or not 2000 <= year <= 2100:
            raise InvalidParameterError(
                f"请填写计划年度（2000–2100），实为 {year!r}（the plan year is "
                "required）。"
            )
        project.plan_year = year
        project.plan_batch = (step.plan_batch or "").strip()[:100] or None
        detail.update(plan_year=year, plan_batch=project.plan_batch)
    elif action == "decline":
        project.decline_reason = _text(step.reason, "不予受理的理由", limit=5000)
        detail["reason"] = project.decline_reason
    elif action == "assign":
        names = _analysts(session, viewer, step.analysts)
        if step.spec_id is not None:
            spec = access.visible(session, viewer, Spec, step.spec_id)
        elif project.spec_id is not None:
            spec = access.visible(session, viewer, Spec, project.spec_id)
        else:
            spec = _skeleton_spec(session, viewer, project, presets, ip)
            detail["spec_from_preset"] = project.preset
        project.analysts = ",".join(names)
        project.spec_id = spec.id
        detail.update(analysts=names, spec_id=spec.id)
    elif action == "draft":
        if step.report_id is not None:
            job = access.visible(session, viewer, ReportJob, step.report_id)
            project.report_id = job.id
            detail["report_id"] = job.id
    elif action == "review":
        project.reviewer = (step.reviewer or "").strip()[:100] or viewer.username
        detail["reviewer"] = project.reviewer
    elif action == "deliver":
        if step.fto_id:
            project.fto_id = step.fto_id[:64]
            detail["fto_id"] = project.fto_id
        report_id = step.report_id or project.report_id
        if report_id is None and not step.fto_id:
            raise InvalidParameterError(
                "交付需指定已完成的报告或侵权风险排查（deliver needs a finished report "
                "or FTO screening: give report_id or fto_id）。"
            )
        if report_id is not None:
            project.report_id = _done_report(session, viewer, report_id).id
            detail["report_id"] = project.report_id
    elif action == "publish":
        if step.publication_id is None:
            raise InvalidParameterError(
                "发布需指定成果目录中的发布条目（publish needs a publication_id）。"
            )
        publication = access.visible(session, viewer, Publication, step.publication_id)
        project.publication_id = publication.id
        detail["publication_id"] = publication.id
    elif action == "usage":
        use = step.use or ""
        if use not in USES:
            raise InvalidParameterError(
                f"应用方式 {use!r} 未知（unknown use）；可选："
                + "、".join(f"{k}（{v}）" for k, v in USES.items())
                + "。"
            )
        usage = NavProjectUsage(
            project_id=project.id,
            used_by=_text(step.used_by, "应用单位或人员", limit=200),
            use=use,
            outcome=(step.outcome or "").strip() or None,
            used_on=step.used_on,
            recorded_by=viewer.username,
        )
        session.add(usage)
        detail.update(
            used_by=usage.used_by,
            use=use,
            outcome=usage.outcome,
            used_on=step.used_on.isoformat() if step.used_on else None,
        )
    if target is not None:
        project.state = target
    project.updated_at = utcnow()
    event = _event(session, viewer, project, action, before, step.comment, detail, ip)
    session.commit()
    return event


# -- reading --------------------------------------------------------------------------


def events_of(session: Session, project_id: int) -> list[NavProjectEvent]:
    """A project's trail, oldest first."""
    return list(
        session.scalars(
            select(NavProjectEvent)
            .where(NavProjectEvent.project_id == project_id)
            .order_by(NavProjectEvent.id)
        )
    )


def usages_of(session: Session, project_id: int) -> list[NavProjectUsage]:
    """How a project's results were used, in the order recorded."""
    return list(
        session.scalars(
            select(NavProjectUsage)
            .where(NavProjectUsage.project_id == project_id)
            .order_by(NavProjectUsage.id)
        )
    )


def event_dict(event: NavProjectEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "user": event.username,
        "action": event.action,
        "action_label": ACTION_ZH.get(event.action, event.action),
        "from_state": event.from_state,
        "to_state": event.to_state,
        "comment": event.comment,
        "detail": json.loads(event.detail_json or "{}"),
    }


def usage_dict(usage: NavProjectUsage) -> dict[str, Any]:
    return {
        "used_by": usage.used_by,
        "use": usage.use,
        "use_label": USES.get(usage.use, usage.use),
        "outcome": usage.outcome,
        "used_on": usage.used_on.isoformat() if usage.used_on else None,
        "recorded_by": usage.recorded_by,
        "recorded_at": usage.recorded_at.isoformat(),
    }


def project_dict(
    session: Session,
    viewer: Viewer,
    project: NavProject,
    presets: Mapping[str, Preset],
    *,
    trail: bool = True,
) -> dict[str, Any]:
    """A project as the API returns it (with its trail and usage records unless
    ``trail`` is false). Unknown values are null."""
    preset = presets.get(project.preset)
    out: dict[str, Any] = {
        "id": project.id,
        "title": project.title,
        "industry": project.industry,
        "question": project.question,
        "keywords": split_words(project.keywords),
        "region": {"province": project.province, "city": project.city},
        "deadline": project.deadline.isoformat() if project.deadline else None,
        "preset": project.preset,
        "preset_name": preset.name if preset else None,
        "inputs": json.loads(project.inputs_json or "{}"),
        "state": project.state,
        "state_label": STATE_ZH.get(project.state, project.state),
        "office_tenant_id": project.tenant_id,
        "requester_tenant_id": project.requester_tenant_id,
        "requester": project.requester_name,
        "plan": {"year": project.plan_year, "batch": project.plan_batch},
        "decline_reason": project.decline_reason,
        "analysts": [a for a in project.analysts.split(",") if a],
        "spec_id": project.spec_id,
        "reviewer": project.reviewer,
        "report_id": project.report_id,
        "fto_id": project.fto_id,
        "publication_id": project.publication_id,
        "created_at": project.created_at.isoformat(),
        "updated_at": project.updated_at.isoformat(),
        "actions": allowed_actions(session, viewer, project),
    }
    if trail:
        out["events"] = [event_dict(e) for e in events_of(session, project.id)]
        out["usages"] = [usage_dict(u) for u in usages_of(session, project.id)]
    return out


def notice_of(project: NavProject, event: NavProjectEvent) -> dict[str, Any] | None:
    """The inbox alert (the shape :func:`patnav.notify.dispatch` takes) telling the
    requester's tenant of a step, or None for a step they are not told of."""
    if event.action not in NOTIFY_ACTIONS:
        return None
    state = STATE_ZH[project.state]
    message = f"导航项目“{project.title}”{state}（{ACTION_ZH[event.action]}）"
    if event.action == "decline" and project.decline_reason:
        message += f"：{project.decline_reason}"
    elif event.action == "accept" and project.plan_year is not None:
        message += f"：列入 {project.plan_year} 年度计划" + (
            f"（{project.plan_batch}）" if project.plan_batch else ""
        )
    return {
        "alert_id": f"project-{project.id}-{event.id}",
        "monitor": "导航项目",
        "rule": state,
        "pub_number": None,
        "message": message + "。",
        "evidence": {
            "project_id": project.id,
            "action": event.action,
            "url": f"/projects/{project.id}",
        },
        "created_at": event.at.isoformat(),
    }
