"""Every option patnav has, with its default and help text.

Options are read from the environment with the prefix ``PATNAV_`` (``PATNAV_STORE``,
``PATNAV_DATA_DIR`` …). The CLI and the web app build one ``Settings`` and pass it down;
nothing imports a global instance.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """patnav's options. Each can be set by an environment variable ``PATNAV_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="PATNAV_", extra="ignore")

    store: Path = Field(
        default=Path("patnav.duckdb"),
        description="The DuckDB store file (``--store`` on the command line).",
    )
    data_dir: Path = Field(
        default=Path("../shared/data"),
        description="Where the real patent data lives: formats/, corpora/, reference/.",
    )
    cli_lang: Literal["zh", "en"] = Field(
        default="zh",
        description=(
            "Language of the command line's printed tables and messages: zh or en "
            "(``--lang`` overrides it; ``--json`` output is the same in both)."
        ),
    )
    batch_size: int = Field(
        default=5000,
        ge=1,
        description="Records written to the store per batch during an import.",
    )
    batch_mb: int = Field(
        default=64,
        ge=1,
        description=(
            "Most megabytes of record text queued before a batch is written; full-text "
            "formats reach it before batch_size."
        ),
    )
    import_memory_limit: str = Field(
        default="256MB",
        description=(
            "DuckDB's memory limit while importing, so memory stays flat however large the "
            "file: DuckDB writes to disk beyond it."
        ),
    )
    max_cell_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=1024,
        description=(
            "Largest single cell or field accepted in a spreadsheet or CSV; a row with a "
            "larger one is quarantined."
        ),
    )
    max_file_bytes: int = Field(
        default=64 * 1024**3,
        ge=1024,
        description="Largest input file accepted, after decompression.",
    )
    max_archive_ratio: int = Field(
        default=200,
        ge=2,
        description=(
            "Largest compression ratio allowed for an archive member; a higher one is "
            "treated as a zip bomb."
        ),
    )
    max_archive_members: int = Field(
        default=100_000,
        ge=1,
        description="Most members read from one zip archive.",
    )
    max_archive_depth: int = Field(
        default=2,
        ge=0,
        description="How deep archives inside archives are opened.",
    )
    max_archive_bytes: int = Field(
        default=16 * 1024**3,
        ge=1024,
        description=(
            "Most bytes one archive (zip or gzip, nested archives included) may expand "
            "to in all, however small each member; a larger archive is refused whole "
            "before any member is read."
        ),
    )
    max_workbook_bytes: int = Field(
        default=1024**3,
        ge=1024,
        description=(
            "Most bytes an Excel workbook (xlsx, xls) may expand to: its sheets and its "
            "shared-strings table are read into memory by the spreadsheet libraries."
        ),
    )
    max_line_bytes: int = Field(
        default=16 * 1024**2,
        ge=1024,
        description=(
            "Longest line read from a CSV or JSON-lines file; a longer line is "
            "quarantined without being held in memory, and the next line goes on."
        ),
    )
    max_columns: int = Field(
        default=2000,
        ge=10,
        description=(
            "Most columns a table (sheet, CSV, JSON-lines keys) may have; a row with "
            "values beyond them is quarantined, a header with more is refused."
        ),
    )
    max_json_depth: int = Field(
        default=64,
        ge=2,
        description=(
            "Deepest nesting of lists and objects accepted in a JSON-lines record; a "
            "deeper one is quarantined."
        ),
    )
    # -- web platform (patnav serve) ------------------------------------------------
    web_host: str = Field(
        default="127.0.0.1",
        description="Address 'patnav serve' listens on (0.0.0.0 for every interface).",
    )
    web_port: int = Field(
        default=8000, ge=1, le=65535, description="Port 'patnav serve' listens on."
    )
    data_root: Path = Field(
        default=Path("patnav-data"),
        description=(
            "Where the web platform keeps its files: the platform database (SQLite), "
            "tenants' stores, uploads, reports, publications and the secret key."
        ),
    )
    platform_db: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the platform database (users, tenants, jobs, catalogue, "
            "audit log); default sqlite:///<data_root>/platform.sqlite3. PostgreSQL: "
            "postgresql+psycopg://user:pass@host/patnav."
        ),
    )
    secret_key: str | None = Field(
        default=None,
        description=(
            "Key that signs session cookies and CSRF tokens; generated and kept in "
            "<data_root>/secret.key on first start when unset."
        ),
    )
    upload_max_bytes: int = Field(
        default=512 * 1024**2,
        ge=1024,
        description="Largest file accepted by an upload; a larger one is refused (413).",
    )
    session_hours: float = Field(
        default=12.0,
        gt=0,
        description="How long a sign-in lasts before the user must sign in again.",
    )
    cookie_secure: bool | None = Field(
        default=None,
        description=(
            "Send cookies only over https: true, false, or unset to follow the request "
            "(https, or X-Forwarded-Proto from a trusted proxy)."
        ),
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description="Failed sign-ins per user and address before sign-in is locked.",
    )
    login_lockout_minutes: float = Field(
        default=15.0,
        gt=0,
        description="How long sign-in stays locked after too many failures.",
    )

    login_account_max_failures: int = Field(
        default=20,
        ge=1,
        description=(
            "Failed sign-ins for one user name, from any addresses, before that account's "
            "sign-in is locked (for login_lockout_minutes; an administrator's password "
            "reset does not wait)."
        ),
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "Addresses or networks of the reverse proxies in front of 'patnav serve' "
            "(comma-separated: 127.0.0.1,10.0.0.0/8). Only requests from them may say "
            "who the client is (X-Forwarded-For) and that it used https "
            "(X-Forwarded-Proto); empty: nobody may."
        ),
    )
    api_token_days: float = Field(
        default=90.0,
        gt=0,
        description="How long a new API token lasts unless its creator picks another.",
    )
    api_token_max_days: float = Field(
        default=365.0,
        gt=0,
        description="The longest lifetime an API token may be given.",
    )
    api_rate_token_per_minute: int = Field(
        default=600,
        ge=0,
        description=(
            "REST API requests one token may make per minute (bursts of a sixth of it "
            "at once); more answer 429 with Retry-After. 0: no limit."
        ),
    )
    api_rate_address_per_minute: int = Field(
        default=1200,
        ge=0,
        description=(
            "REST API requests per minute from one client address, whatever the token "
            "(bursts of a sixth of it); more answer 429 with Retry-After. 0: no limit."
        ),
    )
    request_deadline_s: float = Field(
        default=60.0,
        gt=0,
        description=(
            "Longest a search, dashboard, spec check or other expensive request may "
            "take; past it the request is answered 504 (the work finishes in the "
            "background, its result cached where there is a cache)."
        ),
    )
    user_concurrency: int = Field(
        default=2,
        ge=1,
        description=(
            "Expensive requests (searches, dashboards, spec checks, exports) one user "
            "may have running at once; another answers 429."
        ),
    )
    readonly_concurrency: int = Field(
        default=1,
        ge=1,
        description="The same for read-only roles (government departments).",
    )
    server_concurrency: int = Field(
        default=32,
        ge=1,
        description=(
            "Expensive requests running at once for all users together; another "
            "answers 503. Below the server's 40 request threads, so pages and health "
            "checks always find one."
        ),
    )
    max_pending_jobs: int = Field(
        default=4,
        ge=1,
        description=(
            "Imports, and likewise reports, one user may have queued or running; "
            "another is refused (429) until one finishes."
        ),
    )
    retention_upload_days: int = Field(
        default=90,
        ge=0,
        description=(
            "Days an uploaded file is kept after its import finished (the import's "
            "report stays); 0: kept for ever."
        ),
    )
    retention_session_days: int = Field(
        default=30,
        ge=0,
        description=(
            "Days the record of an ended sign-in session, an expired or revoked API "
            "token and a stale sign-in lock is kept; 0: kept for ever."
        ),
    )
    retention_audit_days: int = Field(
        default=365,
        ge=0,
        description=(
            "Days an audit-log entry is kept (China's Cybersecurity Law asks for at "
            "least 180); 0: kept for ever."
        ),
    )
    prune_every_hours: float = Field(
        default=24.0,
        ge=0,
        description=(
            "How often 'patnav serve' applies the retention settings (as 'patnav "
            "platform prune' does); 0: never by itself."
        ),
    )
    monitor_every_s: float = Field(
        default=60.0,
        ge=0,
        description=(
            "How often 'patnav serve' looks for due monitors in every store, runs them "
            "and delivers their alerts (inbox, e-mail, webhooks) and the due digests; "
            "0: never by itself (run 'patnav monitor run --due' from cron instead)."
        ),
    )
    project_presets: Path | None = Field(
        default=None,
        description=(
            "A YAML file of navigation depth presets (微导航, 快速导航, 战略导航, "
            "侵权分析导航) laid over the shipped patnav/projects/presets.yaml: each "
            "preset it names replaces the shipped one; unset: the shipped presets."
        ),
    )
    # -- connectors (patnav fetch): the only options that reach the network ----------
    fetch_dir: Path = Field(
        default=Path("fetches"),
        description=(
            "Where 'patnav fetch' writes the responses it receives, one folder per "
            "fetch (``<service>-<UTC time>``), kept as the provenance of what it "
            "imported."
        ),
    )
    fetch_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description=(
            "Seconds 'patnav fetch' waits to connect to a service and for each read "
            "of its answer."
        ),
    )
    fetch_retries: int = Field(
        default=4,
        ge=0,
        description=(
            "Times a request is tried again after a 429, a 5xx answer or a timeout, "
            "waiting longer each time (exponential back-off from fetch_backoff_s, or "
            "the service's Retry-After when it sends one)."
        ),
    )
    fetch_backoff_s: float = Field(
        default=1.0,
        ge=0,
        description="The first wait before a retry, doubled at each further retry.",
    )
    fetch_max_wait_s: float = Field(
        default=120.0,
        ge=0,
        description=(
            "Longest single wait before a retry: a service asking for a longer wait "
            "(Retry-After) ends the fetch with a message saying when to try again."
        ),
    )
    fetch_interval_s: float = Field(
        default=1.0,
        ge=0,
        description=(
            "Fewest seconds between two requests to the same service (a rate limit "
            "within the services' fair-use terms)."
        ),
    )
    fetch_max_results: int = Field(
        default=1000,
        ge=1,
        description="Most documents a Lens search (--query) fetches.",
    )
    uspto_odp_url: str = Field(
        default="https://api.uspto.gov",
        description="Base address of the USPTO Open Data Portal API.",
    )
    uspto_odp_api_key: SecretStr | None = Field(
        default=None,
        description=(
            "API key of the USPTO Open Data Portal (sent as the X-API-KEY header; get "
            "one at data.uspto.gov under My ODP). Never logged or shown."
        ),
    )
    epo_ops_url: str = Field(
        default="https://ops.epo.org/3.2",
        description="Base address of EPO Open Patent Services (version 3.2).",
    )
    epo_ops_key: SecretStr | None = Field(
        default=None,
        description=(
            "Consumer key of an EPO OPS application (developers.epo.org, My Apps), "
            "exchanged with epo_ops_secret for an access token. Never logged or shown."
        ),
    )
    epo_ops_secret: SecretStr | None = Field(
        default=None,
        description="Consumer secret of the EPO OPS application. Never logged or shown.",
    )
    lens_url: str = Field(
        default="https://api.lens.org",
        description="Base address of the Lens.org patent API.",
    )
    lens_token: SecretStr | None = Field(
        default=None,
        description=(
            "Lens.org API access token (lens.org, user profile, API access; sent as a "
            "bearer token). Never logged or shown."
        ),
    )

    # -- notifications (e-mail over SMTP, signed webhooks) -----------------------------
    smtp_host: str | None = Field(
        default=None,
        description=(
            "SMTP server that sends alert e-mails and digests; unset: no e-mail is sent "
            "(e-mail deliveries fail with a message saying so, the inbox still works)."
        ),
    )
    smtp_port: int = Field(
        default=587, ge=1, le=65535, description="Port of the SMTP server."
    )
    smtp_user: str | None = Field(
        default=None,
        description="User name to sign in to the SMTP server with; unset: no sign-in.",
    )
    smtp_password: SecretStr | None = Field(
        default=None,
        description=(
            "Password for smtp_user; read from the environment (PATNAV_SMTP_PASSWORD), "
            "never logged, shown or stored."
        ),
    )
    smtp_from: str = Field(
        default="patnav@localhost",
        description="From address of alert e-mails and digests.",
    )
    smtp_starttls: bool = Field(
        default=True,
        description=(
            "Switch the SMTP connection to TLS (STARTTLS) before signing in and "
            "sending; a server that does not offer it is refused. false only for a "
            "relay on the same machine or network."
        ),
    )
    smtp_ca_file: Path | None = Field(
        default=None,
        description=(
            "PEM file of the certificate authorities to trust for the SMTP server's "
            "certificate (an internal CA); unset: the system's."
        ),
    )
    smtp_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="Longest wait for the SMTP server at each step.",
    )
    webhook_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="Longest wait for a webhook receiver to answer one attempt.",
    )
    webhook_private_addresses: bool = Field(
        default=False,
        description=(
            "Allow webhooks to loopback, private and link-local addresses (a receiver "
            "on the internal network, 10.x, 192.168.x); off: such a URL is refused, so "
            "a subscription cannot make patnav probe its own network."
        ),
    )
    webhook_attempts: int = Field(
        default=4,
        ge=1,
        description=(
            "Attempts to deliver one webhook: a 5xx answer, a timeout or a refused "
            "connection is tried again (after 1, 2, 4 … seconds); a 4xx answer is not."
        ),
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    def data_path(self, *parts: str) -> Path:
        """A path inside the real-data directory."""
        return self.data_dir.joinpath(*parts)
