"""Navigation projects (专利导航项目): the pages (``/projects``: the list by state with
filters and the demand form; ``/projects/{id}``: the trail and the steps the user may
take) and the API (``/api/v1/projects``: list, presets, get, create, transition)
(``features/projects.py``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from patnav.errors import InvalidParameterError
from patnav.platform import projects as core
from patnav.projects.presets import INPUTS, split_words
from patnav.web.deps import Ctx, api_ctx, page_ctx, verify_csrf
from patnav.web.features import projects as feature
from patnav.web.render import page

router = APIRouter(
    prefix="/projects", dependencies=[Depends(verify_csrf)], include_in_schema=False
)
api_router = APIRouter(
    prefix="/api/v1/projects", dependencies=[Depends(verify_csrf)], tags=["projects"]
)
Context = Annotated[Ctx, Depends(api_ctx)]
PageContext = Annotated[Ctx, Depends(page_ctx)]


def _day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidParameterError(
            f"{field} 应为日期 YYYY-MM-DD，实为 {value!r}（{field} must be a date "
            "YYYY-MM-DD）。"
        ) from None


def _int(value: str | None, field: str) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidParameterError(
            f"{field} 应为整数，实为 {value!r}（{field} must be a whole number）。"
        ) from None


# -- pages ----------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def projects_page(
    ctx: PageContext,
    state: Annotated[str | None, Query(max_length=20)] = None,
    preset: Annotated[str | None, Query(max_length=20)] = None,
    year: Annotated[str | None, Query(max_length=4)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    rows = feature.list_projects(
        ctx, state=state, preset=preset, plan_year=_int(year, "year"), text=q
    )
    return page(
        ctx,
        "projects.html",
        nav="projects",
        rows=rows,
        states=core.STATES,
        counts=feature.state_counts(ctx),
        state_zh=core.STATE_ZH,
        presets=feature.presets(ctx),
        offices=feature.offices(ctx),
        inputs=INPUTS,
        extra_inputs=core.EXTRA_INPUTS,
        chosen={"state": state or "", "preset": preset or "", "year": year or ""},
        q=q or "",
    )


@router.post("")
def submit_demand(
    ctx: PageContext,
    title: Annotated[str, Form(max_length=300)],
    industry: Annotated[str, Form(max_length=200)],
    question: Annotated[str, Form(max_length=5000)],
    preset: Annotated[str, Form(max_length=20)],
    keywords: Annotated[str, Form(max_length=2000)] = "",
    deadline: Annotated[str, Form(max_length=10)] = "",
    province: Annotated[str, Form(max_length=50)] = "",
    city: Annotated[str, Form(max_length=50)] = "",
    office: Annotated[str, Form(max_length=20)] = "",
    product: Annotated[str, Form(max_length=5000)] = "",
    features: Annotated[str, Form(max_length=5000)] = "",
    countries: Annotated[str, Form(max_length=500)] = "",
    breakdown: Annotated[str, Form(max_length=5000)] = "",
    compare: Annotated[str, Form(max_length=200)] = "",
    period: Annotated[str, Form(max_length=100)] = "",
    entities: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    given = {
        "product": product,
        "features": features,
        "countries": countries,
        "breakdown": breakdown,
        "compare": compare,
        "period": period,
        "entities": entities,
    }
    project = feature.submit(
        ctx,
        core.Demand(
            title=title,
            industry=industry,
            question=question,
            preset=preset,
            keywords=split_words(keywords),
            deadline=_day(deadline, "deadline"),
            province=province or None,
            city=city or None,
            office_tenant_id=_int(office, "office"),
            inputs={k: v for k, v in given.items() if v.strip()},
        ),
    )
    return RedirectResponse(f"/projects/{project.id}", status_code=303)


@router.get("/{project_id}", response_class=HTMLResponse)
def project_page(ctx: PageContext, project_id: int) -> Response:
    return page(
        ctx,
        "project.html",
        nav="projects",
        view=feature.project_view(ctx, project_id),
        state_zh=core.STATE_ZH,
        action_zh=core.ACTION_ZH,
        uses=core.USES,
        inputs=INPUTS,
    )


@router.post("/{project_id}/step")
def take_step(
    ctx: PageContext,
    project_id: int,
    action: Annotated[str, Form(max_length=20)],
    comment: Annotated[str, Form(max_length=5000)] = "",
    plan_year: Annotated[str, Form(max_length=4)] = "",
    plan_batch: Annotated[str, Form(max_length=100)] = "",
    reason: Annotated[str, Form(max_length=5000)] = "",
    analysts: Annotated[list[str] | None, Form()] = None,
    spec_id: Annotated[str, Form(max_length=20)] = "",
    reviewer: Annotated[str, Form(max_length=100)] = "",
    report_id: Annotated[str, Form(max_length=20)] = "",
    fto_id: Annotated[str, Form(max_length=64)] = "",
    publication_id: Annotated[str, Form(max_length=20)] = "",
    visibility: Annotated[str, Form(max_length=20)] = "subtree",
    used_by: Annotated[str, Form(max_length=200)] = "",
    use: Annotated[str, Form(max_length=20)] = "",
    outcome: Annotated[str, Form(max_length=5000)] = "",
    used_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    step = core.Step(
        comment=comment or None,
        plan_year=_int(plan_year, "plan_year"),
        plan_batch=plan_batch or None,
        reason=reason or None,
        analysts=[a for name in analysts or [] for a in split_words(name)],
        spec_id=_int(spec_id, "spec_id"),
        reviewer=reviewer or None,
        report_id=_int(report_id, "report_id"),
        fto_id=fto_id or None,
        publication_id=_int(publication_id, "publication_id"),
        used_by=used_by or None,
        use=use or None,
        outcome=outcome or None,
        used_on=_day(used_on, "used_on"),
    )
    feature.take_step(ctx, project_id, action, step, visibility=visibility)
    return RedirectResponse(f"/projects/{project_id}#trail", status_code=303)


# -- API ------------------------------------------------------------------------------


class DemandIn(BaseModel):
    title: str = Field(max_length=300, description="项目名称")
    industry: str = Field(max_length=200, description="产业或技术领域")
    question: str = Field(max_length=5000, description="导航问题")
    preset: str = Field(
        max_length=20, description="导航深度: micro | quick | strategic | fto"
    )
    keywords: list[str] = Field(default_factory=list, max_length=40)
    deadline: date | None = None
    province: str | None = Field(default=None, max_length=50)
    city: str | None = Field(default=None, max_length=50)
    office_tenant_id: int | None = Field(
        default=None, description="the office addressed: your tenant or one above it"
    )
    inputs: dict[str, str] = Field(
        default_factory=dict,
        description="the preset's other inputs: "
        + " | ".join(core.EXTRA_INPUTS)
        + " (e.g. product, features and countries for fto)",
    )


class StepIn(BaseModel):
    action: str = Field(
        max_length=20,
        description="accept | decline | assign | draft | review | deliver | publish | "
        "usage",
    )
    comment: str | None = Field(default=None, max_length=5000)
    plan_year: int | None = Field(default=None, description="accept: the plan year")
    plan_batch: str | None = Field(default=None, max_length=100)
    reason: str | None = Field(default=None, max_length=5000, description="decline")
    analysts: list[str] = Field(
        default_factory=list, max_length=20, description="assign: user names"
    )
    spec_id: int | None = Field(
        default=None, description="assign: a spec (none: a skeleton from the preset)"
    )
    reviewer: str | None = Field(default=None, max_length=100)
    report_id: int | None = Field(
        default=None, description="draft, deliver: a report job"
    )
    fto_id: str | None = Field(
        default=None,
        max_length=64,
        description="deliver: a finished FTO screening (侵权分析导航)",
    )
    publication_id: int | None = Field(
        default=None,
        description="publish: an existing publication (none: publish the report now)",
    )
    visibility: str = Field(default="subtree", max_length=20)
    used_by: str | None = Field(default=None, max_length=200)
    use: str | None = Field(
        default=None,
        max_length=20,
        description="usage: " + " | ".join(f"{k} ({v})" for k, v in core.USES.items()),
    )
    outcome: str | None = Field(default=None, max_length=5000)
    used_on: date | None = None


@api_router.get("", summary="Navigation projects you see, newest first")
def api_list(
    ctx: Context,
    state: Annotated[str | None, Query(max_length=20)] = None,
    preset: Annotated[str | None, Query(max_length=20)] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    rows = feature.list_projects(
        ctx, state=state, preset=preset, plan_year=year, text=q
    )
    return {
        "projects": [feature.project_json(ctx, r.project, trail=False) for r in rows]
    }


@api_router.get("/presets", summary="The navigation depth presets")
def api_presets(ctx: Context) -> dict[str, Any]:
    return {"presets": [p.to_dict() for p in feature.presets(ctx).values()]}


@api_router.get("/{project_id}", summary="A project with its trail and usage records")
def api_get(ctx: Context, project_id: int) -> dict[str, Any]:
    return feature.project_json(ctx, feature.get_project(ctx, project_id))


@api_router.post("", status_code=201, summary="Submit a demand (需求共提)")
def api_create(ctx: Context, body: DemandIn) -> dict[str, Any]:
    project = feature.submit(
        ctx,
        core.Demand(
            title=body.title,
            industry=body.industry,
            question=body.question,
            preset=body.preset,
            keywords=[k.strip() for k in body.keywords if k.strip()],
            deadline=body.deadline,
            province=body.province,
            city=body.city,
            office_tenant_id=body.office_tenant_id,
            inputs=body.inputs,
        ),
    )
    return feature.project_json(ctx, project)


@api_router.post(
    "/{project_id}/transition",
    summary="Take one step: accept, decline, assign, draft, review, deliver, publish, "
    "usage",
)
def api_transition(ctx: Context, project_id: int, body: StepIn) -> dict[str, Any]:
    step = core.Step(
        comment=body.comment,
        plan_year=body.plan_year,
        plan_batch=body.plan_batch,
        reason=body.reason,
        analysts=body.analysts,
        spec_id=body.spec_id,
        reviewer=body.reviewer,
        report_id=body.report_id,
        fto_id=body.fto_id,
        publication_id=body.publication_id,
        used_by=body.used_by,
        use=body.use,
        outcome=body.outcome,
        used_on=body.used_on,
    )
    feature.take_step(ctx, project_id, body.action, step, visibility=body.visibility)
    return feature.project_json(ctx, feature.get_project(ctx, project_id))
