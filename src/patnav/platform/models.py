"""The platform's tables, as SQLAlchemy 2 declarative models.

Every object a user creates belongs to a tenant (``tenant_id``): stores, patent sets,
specs, import jobs, report jobs and publications. Tenants form a tree — province → city →
park or base → organisation — kept as a materialised path (``/1/4/9/``) so "this tenant and
everything beneath it" is one indexed ``LIKE`` query. Who may see what is decided in
:mod:`patnav.platform.access`, never here.

Times are naive UTC. The schema changes only through the Alembic migrations in
``patnav/platform/migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

LEVELS: tuple[str, ...] = ("province", "city", "park", "org")
"""Tenant levels, top down: 省级 province, 市级 city, 园区/基地 park or base, 单位 organisation
(an enterprise's or a bank's own tenant)."""

ROLES: tuple[str, ...] = ("admin", "analyst", "department", "enterprise", "bank")
"""User roles; :mod:`patnav.platform.access` says what each may do."""

VISIBILITIES: tuple[str, ...] = ("tenant", "subtree", "public")
"""Who sees a publication: its tenant; its tenant and the tenants beneath; every user."""

JOB_STATES: tuple[str, ...] = ("queued", "running", "done", "failed")

REPORT_FORMATS: tuple[str, ...] = ("docx", "html", "pdf")


def utcnow() -> datetime:
    """The current time, naive UTC (how every timestamp is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """The declarative base of every platform table."""


class Tenant(Base):
    """A node of the three-level network (plus organisations): who owns what."""

    __tablename__ = "tenants"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_tenant_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("tenants.id"), index=True, default=None
    )
    path: Mapped[str] = mapped_column(String(500), index=True, default="")
    region: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class User(Base):
    """A person who signs in: one role, one tenant."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200), default=None)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


TOKEN_SCOPES: tuple[str, ...] = ("read", "write", "admin")
"""What an API token may do, within its user's role: ``read`` (GET), ``write`` (create,
change, delete, import, generate), ``admin`` (the audit log, other users' tokens)."""


class ApiToken(Base):
    """A bearer token for the REST API; only its SHA-256 is stored. It always expires,
    and does only what its ``scopes`` (comma-separated :data:`TOKEN_SCOPES`) allow."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    scopes: Mapped[str] = mapped_column(
        String(100), default="read,write", server_default="read,write"
    )

    @property
    def scope_set(self) -> frozenset[str]:
        """The token's scopes as a set."""
        return frozenset(s for s in self.scopes.split(",") if s)


class WebSession(Base):
    """A browser sign-in; the cookie carries the signed token, the table its SHA-256."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ip: Mapped[str | None] = mapped_column(String(64), default=None)
    user_agent: Mapped[str | None] = mapped_column(String(300), default=None)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginThrottle(Base):
    """Failed sign-ins of one user name from one address, and the lock they caused."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class DataStore(Base):
    """A patnav store (DuckDB file under the data root) registered to a tenant."""

    __tablename__ = "stores"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_store_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    filename: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PatentSetLink(Base):
    """A patent set saved in a store (``patent_sets`` there), owned by a tenant here."""

    __tablename__ = "patent_sets"
    __table_args__ = (UniqueConstraint("store_id", "name", name="uq_set_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(20), default="boolean")
    description: Mapped[str | None] = mapped_column(Text, default=None)
    last_count: Mapped[int | None] = mapped_column(BigInteger, default=None)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Spec(Base):
    """A navigation spec (导航方案): YAML text, validated with ``parse_spec`` on save."""

    __tablename__ = "specs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(20))
    yaml_text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SpecVersion(Base):
    """A saved version of a spec (every save keeps one): its YAML text as saved, who saved
    it and when. The spec row holds the newest; restoring an old version saves it again
    as a new one."""

    __tablename__ = "spec_versions"
    __table_args__ = (UniqueConstraint("spec_id", "version", name="uq_spec_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    spec_id: Mapped[int] = mapped_column(
        ForeignKey("specs.id", ondelete="CASCADE"), index=True
    )
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    yaml_text: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(String(300), default=None)
    """How the version came to be when not an edit (``restored from 3``)."""


class ImportJob(Base):
    """An uploaded file being (or having been) imported into a store."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    filename: Mapped[str] = mapped_column(String(500))
    original_name: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    done: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int | None] = mapped_column(BigInteger, default=None)
    current: Mapped[str | None] = mapped_column(String(300), default=None)
    mapping: Mapped[str | None] = mapped_column(Text, default=None)
    enrich: Mapped[bool] = mapped_column(Boolean, default=False)
    report_json: Mapped[str | None] = mapped_column(Text, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class ReportJob(Base):
    """A report generated from a spec and a store: the job and, when done, its file."""

    __tablename__ = "report_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    spec_id: Mapped[int] = mapped_column(ForeignKey("specs.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    fmt: Mapped[str] = mapped_column(String(10))
    lang: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    error: Mapped[str | None] = mapped_column(Text, default=None)
    filename: Mapped[str | None] = mapped_column(String(500), default=None)
    size: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    changes_since: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    """None: the spec's report; a moment (naive UTC): the 专利导航动态更新报告 of what
    changed in the spec's data since then (documents imported after it)."""


class Publication(Base):
    """An entry of the results catalogue (成果发布): a report file with its metadata."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_jobs.id"), default=None
    )
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text, default=None)
    tags: Mapped[str] = mapped_column(String(500), default="")
    type: Mapped[str] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(200), default=None)
    visibility: Mapped[str] = mapped_column(String(20), default="tenant")
    filename: Mapped[str] = mapped_column(String(500))
    download_name: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    downloads: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    series_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    """The id of the first publication of its series (None: it starts its own)."""
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """Its number in the series: 1 for the first, 2 for the next version …"""

    @property
    def series(self) -> int:
        """The series the publication belongs to (its own id when it starts one)."""
        return self.series_id if self.series_id is not None else self.id


class AuditEvent(Base):
    """One line of the audit log: who, when, what, on which object, from where."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    username: Mapped[str | None] = mapped_column(String(100), default=None)
    tenant_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    action: Mapped[str] = mapped_column(String(50), index=True)
    object_type: Mapped[str | None] = mapped_column(String(50), default=None)
    object_id: Mapped[str | None] = mapped_column(String(200), default=None)
    ip: Mapped[str | None] = mapped_column(String(64), default=None)
    success: Mapped[bool] = mapped_column(Boolean, default=True)
    detail: Mapped[str | None] = mapped_column(Text, default=None)


# -- notifications (patnav.notify) ------------------------------------------------------

CHANNELS: tuple[str, ...] = ("inbox", "email", "webhook")
"""Where an alert is delivered: the in-app inbox, an e-mail address, a webhook URL."""

DIGEST_PERIODS: tuple[str, ...] = ("none", "daily", "weekly")
"""How an e-mail subscription receives alerts: each at once, or in a daily or weekly
digest."""

DELIVERY_STATES: tuple[str, ...] = ("sent", "queued", "sending", "failed")
"""A delivery was sent; is waiting for its digest; is being sent (claimed at
``claimed_at`` by one dispatch, so no other sends it too); or failed (tried again next
time)."""


class NotifyAlert(Base):
    """A monitor's alert as the platform received it for a tenant: what the inbox shows
    and digests collect. ``alert_id`` is the monitor's own id, unique within its
    ``source`` (``store:<id>``: the store the monitors ran on — each store numbers its
    alerts from 1) and tenant. ``pub_number`` is unset for an alert on no single patent
    (a new applicant)."""

    __tablename__ = "notify_alerts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "source", "alert_id", name="uq_notify_alert"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(200), default="")
    alert_id: Mapped[str] = mapped_column(String(200))
    monitor: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(50))
    pub_number: Mapped[str | None] = mapped_column(String(50), default=None)
    message: Mapped[str] = mapped_column(Text)
    evidence_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class InboxItem(Base):
    """One alert in one user's inbox: unread until read, open until acknowledged."""

    __tablename__ = "notify_inbox"
    __table_args__ = (UniqueConstraint("user_id", "alert_pk", name="uq_inbox_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    alert_pk: Mapped[int] = mapped_column(
        ForeignKey("notify_alerts.id", ondelete="CASCADE"), index=True
    )
    delivered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class Subscription(Base):
    """Who receives a tenant's alerts by e-mail or webhook, and how.

    ``user_id`` is the subscriber (unset: the tenant's own, e.g. a shared mailbox or a
    system's webhook). ``address`` is the e-mail address or the webhook URL; ``secret``
    signs a webhook's body (never logged or shown again); ``digest`` is one of
    :data:`DIGEST_PERIODS` (e-mail only); ``monitors`` limits it to some monitors
    (comma-separated names; empty: every monitor).
    """

    __tablename__ = "notify_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, default=None
    )
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(200), default=None)
    digest: Mapped[str] = mapped_column(String(20), default="none")
    monitors: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(5), default="zh")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Delivery(Base):
    """One alert delivered (or queued for a digest, or failed) on one channel to one
    recipient: ``user:<id>`` for the inbox, the address for e-mail, the URL for a
    webhook. The key makes dispatching idempotent: an alert reaches a recipient on a
    channel once, however often it is dispatched."""

    __tablename__ = "notify_deliveries"
    __table_args__ = (
        UniqueConstraint("alert_pk", "channel", "recipient", name="uq_notify_delivery"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_pk: Mapped[int] = mapped_column(
        ForeignKey("notify_alerts.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(500))
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("notify_subscriptions.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class EnterpriseLink(Base):
    """An enterprise user tied to one enterprise of a store's register, for one
    province's SME cultivation library (培育库): the user sees that enterprise's own
    application and status, and may apply (申报) for it — nothing else of the store.
    Made by the office (an admin or analyst writing the store's tenant)."""

    __tablename__ = "enterprise_links"
    __table_args__ = (
        UniqueConstraint("user_id", "store_id", "province", name="uq_enterprise_link"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    store_id: Mapped[int] = mapped_column(
        ForeignKey("stores.id", ondelete="CASCADE"), index=True
    )
    province: Mapped[str] = mapped_column(String(50))
    enterprise_id: Mapped[str] = mapped_column(String(200))
    """The register's id of the enterprise (its 统一社会信用代码 where it has one)."""
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# -- navigation projects (patnav.platform.projects) -------------------------------------


class NavProject(Base):
    """A navigation project (专利导航项目): a demand a requester's tenant addressed to an
    office tenant (``tenant_id``), and where it stands in the loop 需求共提 → 项目共研 →
    成果共享 → 效果跟踪 (``state``, one of :data:`patnav.platform.projects.STATES`)."""

    __tablename__ = "nav_projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    """The office the demand is addressed to (who accepts and works on it)."""
    requester_tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id"), index=True
    )
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    requester_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    industry: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    keywords: Mapped[str] = mapped_column(Text, default="")
    province: Mapped[str | None] = mapped_column(String(50), default=None)
    city: Mapped[str | None] = mapped_column(String(50), default=None)
    deadline: Mapped[date | None] = mapped_column(Date, default=None)
    preset: Mapped[str] = mapped_column(String(20))
    inputs_json: Mapped[str] = mapped_column(Text, default="{}")
    """The preset's other inputs (product, features, countries, breakdown …): a JSON
    object of input id → text."""
    state: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    plan_year: Mapped[int | None] = mapped_column(Integer, default=None)
    plan_batch: Mapped[str | None] = mapped_column(String(100), default=None)
    decline_reason: Mapped[str | None] = mapped_column(Text, default=None)
    analysts: Mapped[str] = mapped_column(String(500), default="")
    """The assigned analysts' user names, comma-separated."""
    spec_id: Mapped[int | None] = mapped_column(
        ForeignKey("specs.id", ondelete="SET NULL"), default=None
    )
    reviewer: Mapped[str | None] = mapped_column(String(100), default=None)
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_jobs.id", ondelete="SET NULL"), default=None
    )
    fto_id: Mapped[str | None] = mapped_column(String(64), default=None)
    """The FTO screening delivered (侵权分析导航; kept as files of the office, by id)."""
    publication_id: Mapped[int | None] = mapped_column(
        ForeignKey("publications.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class NavProjectEvent(Base):
    """One step of a project's trail: who did what when, from which state to which,
    with their comment and the step's details (JSON)."""

    __tablename__ = "nav_project_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("nav_projects.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(Integer, default=None)
    username: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20), default=None)
    to_state: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    detail_json: Mapped[str] = mapped_column(Text, default="{}")


class NavProjectUsage(Base):
    """How a delivered project's results were used (效果跟踪): by whom, for what
    (:data:`patnav.platform.projects.USES`), with what outcome, on which day."""

    __tablename__ = "nav_project_usages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("nav_projects.id", ondelete="CASCADE"), index=True
    )
    used_by: Mapped[str] = mapped_column(String(200))
    use: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(Text, default=None)
    used_on: Mapped[date | None] = mapped_column(Date, default=None)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
