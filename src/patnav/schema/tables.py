"""The store's tables: the one place column names are spelled out.

Every table keyed by document carries ``doc_id`` (see ``PatentRecord.doc_id``).
Enumerations are stored as their string values, dates as DATE, lists as DuckDB lists.
The Arrow schema of each table is derived from the same column list, so the writer, the
Parquet snapshot and the DDL can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pyarrow as pa

SCHEMA_VERSION = 13
"""Bumped by every migration in :mod:`patnav.storage.migrations`. New columns are only ever
appended at the end of a table, so a migrated store and a fresh one have the same column
order."""


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its name, DuckDB type, Arrow type and meaning."""

    name: str
    sql: str
    arrow: pa.DataType
    doc: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """A table of the store."""

    name: str
    columns: tuple[Column, ...]
    doc: str
    per_document: bool = True
    derived: bool = False
    """Computed from the other tables (never imported from a snapshot: rebuilt)."""

    @property
    def column_names(self) -> tuple[str, ...]:
        return _column_names(self)

    def arrow_schema(self) -> pa.Schema:
        return _arrow_schema(self)

    def ddl(self) -> str:
        cols = ",\n  ".join(f"{c.name} {c.sql}" for c in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n  {cols}\n)"


@cache
def _column_names(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns)


@cache
def _arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, c.arrow) for c in table.columns])


def _c(name: str, sql: str, doc: str = "") -> Column:
    return Column(name, sql, _ARROW[sql], doc)


_ARROW: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "DOUBLE": pa.float64(),
    "INTEGER[]": pa.list_(pa.int32()),
    "VARCHAR[]": pa.list_(pa.string()),
    "FLOAT[]": pa.list_(pa.float32()),
}

DOC_ID = _c(
    "doc_id", "VARCHAR", "store key: canonical pub number, else AN:app, else ID:key"
)

PATENTS = Table(
    "patents",
    (
        DOC_ID,
        _c("pub_number", "VARCHAR", "canonical publication number, e.g. CN106844774A"),
        _c("pub_number_raw", "VARCHAR", "publication number as the source wrote it"),
        _c("kind", "VARCHAR", "kind code: A, B, U, S, B1, A1 …"),
        _c("office", "VARCHAR", "publishing office, ISO 3166 alpha-2 or EP/WO"),
        _c(
            "app_number", "VARCHAR", "canonical application number, e.g. CN201710117081"
        ),
        _c("app_number_raw", "VARCHAR", "application number as the source wrote it"),
        _c("app_date", "DATE", "filing date"),
        _c("pub_date", "DATE", "publication date"),
        _c("grant_date", "DATE", "grant date"),
        _c(
            "grant_pub_number",
            "VARCHAR",
            "the grant publication, when a row names both",
        ),
        _c("priority_date", "DATE", "earliest priority date"),
        _c(
            "family_id",
            "VARCHAR",
            "family identifier (DOCDB simple family where known)",
        ),
        _c("patent_type", "VARCHAR", "invention | utility_model | design | plant"),
        _c("title", "VARCHAR", "title in lang"),
        _c("abstract", "VARCHAR", "abstract in lang"),
        _c(
            "claims",
            "VARCHAR",
            "claims text as the source gives it (all, or main claim)",
        ),
        _c("lang", "VARCHAR", "language of title/abstract/claims (ISO 639-1)"),
        _c("claims_count", "INTEGER", "number of claims, when the full set is known"),
        _c("ipc_main", "VARCHAR", "main IPC, compact form H02K17/02"),
        _c(
            "legal_status",
            "VARCHAR",
            "pending | active | lapsed | expired | withdrawn | rejected | invalidated, "
            "from evidence only (the source's status, legal events); NULL: unknown",
        ),
        _c("legal_status_raw", "VARCHAR", "legal status as the source wrote it"),
        _c(
            "expiry_date",
            "DATE",
            "end of the term: from an event or the source, else estimated by term rules "
            "for granted rights (expiry_estimated)",
        ),
        _c("cited_by_count", "INTEGER", "times cited, as reported by the source"),
        _c("pct_app_number", "VARCHAR", "international application, PCT/CN2014/071250"),
        _c("pct_pub_number", "VARCHAR", "international publication, WO2015012345A1"),
        _c("pct_entry_date", "DATE", "national phase entry date"),
        _c("parent_app_number", "VARCHAR", "original application of a divisional"),
        _c("source_key", "VARCHAR", "source's own id when it gives no number"),
        _c(
            "extras",
            "VARCHAR",
            "JSON object of source fields with no column of their own",
        ),
        _c("source", "VARCHAR", "format of the import that created the document"),
        _c("imported_at", "TIMESTAMP", "when the document was first imported"),
        _c("updated_at", "TIMESTAMP", "when an import last changed it"),
        # schema 2: filled by enrichment
        _c(
            "expiry_estimated",
            "BOOLEAN",
            "expiry_date is an estimate from term rules, not from an event or the source",
        ),
        _c(
            "status_source",
            "VARCHAR",
            "where legal_status comes from: source | events; term: no current evidence "
            "and the estimated term has ended (legal_status NULL)",
        ),
        # schema 4
        _c(
            "status_as_of",
            "DATE",
            "the date legal_status is known as of (the deciding event's date); NULL when "
            "the source does not date its status",
        ),
        # schema 8
        _c(
            "status_detail",
            "VARCHAR",
            "the reason behind legal_status: in_force | pending | pct_international | "
            "pct_national_phase | pct_not_entered | lapsed_non_payment | lapsed | expired | "
            "withdrawn | deemed_withdrawn | rejected | invalidated | abandoned; NULL: unknown",
        ),
    ),
    "One row per published document.",
)

TEXTS = Table(
    "texts",
    (DOC_ID, _c("lang", "VARCHAR"), _c("section", "VARCHAR"), _c("text", "VARCHAR")),
    "Texts not in patents: other languages of title/abstract/claims, and descriptions.",
)

PARTIES = Table(
    "parties",
    (
        DOC_ID,
        _c(
            "role",
            "VARCHAR",
            "applicant | assignee | current_owner | inventor | agent …",
        ),
        _c("seq", "INTEGER", "position within the role, from 1, in source order"),
        _c("name", "VARCHAR", "cleaned name (whitespace and width normalised)"),
        _c("raw_name", "VARCHAR", "name exactly as the source wrote it"),
        _c("entity_id", "VARCHAR", "resolved entity (filled by enrichment)"),
        _c("party_type", "VARCHAR", "company | university | institute | hospital | …"),
        _c("address", "VARCHAR"),
        _c("postcode", "VARCHAR"),
        _c("country", "VARCHAR"),
        _c("province", "VARCHAR"),
        _c("city", "VARCHAR"),
        _c("district", "VARCHAR"),
        _c("ext_id", "VARCHAR", "the source's identifier: agency code, assignee id …"),
        # schema 2: filled by enrichment
        _c("norm_name", "VARCHAR", "the name's matching key after normalisation"),
        _c(
            "region_code", "VARCHAR", "6-digit administrative division code (GB/T 2260)"
        ),
        _c("location_source", "VARCHAR", "source | address | name (inferred) | code"),
    ),
    "One row per document × role × position.",
)

CLASSIFICATIONS = Table(
    "classifications",
    (
        DOC_ID,
        _c(
            "scheme",
            "VARCHAR",
            "IPC | CPC | LOC | USPC | FI | sei | GBT4754 | label | custom",
        ),
        _c("code", "VARCHAR", "normalised symbol, compact: H02K17/02"),
        _c("seq", "INTEGER"),
        _c("is_main", "BOOLEAN"),
        _c("raw", "VARCHAR", "symbol as the source wrote it"),
    ),
    "One row per document × scheme × code.",
)

CITATIONS = Table(
    "citations",
    (
        DOC_ID,
        _c("seq", "INTEGER"),
        _c("cited_pub_number", "VARCHAR", "canonical number of a cited patent"),
        _c("cited_npl", "VARCHAR", "non-patent literature text"),
        _c("category", "VARCHAR", "examiner | applicant | third_party | unknown"),
        _c("origin", "VARCHAR", "where the citation comes from (search report …)"),
        _c("cited_raw", "VARCHAR"),
        _c("cited_date", "DATE"),
    ),
    "One row per citing document × cited item.",
)

PRIORITIES = Table(
    "priorities",
    (
        DOC_ID,
        _c("seq", "INTEGER"),
        _c("country", "VARCHAR"),
        _c("number", "VARCHAR", "canonical application number of the priority"),
        _c("date", "DATE"),
        _c("raw", "VARCHAR"),
    ),
    "One row per priority claim.",
)

CLAIMS = Table(
    "claims",
    (
        DOC_ID,
        _c("num", "INTEGER"),
        _c("lang", "VARCHAR"),
        _c("text", "VARCHAR"),
        _c("is_independent", "BOOLEAN"),
        _c("depends_on", "INTEGER[]", "claim numbers this claim refers back to"),
    ),
    "One row per claim, with its dependency structure.",
)

EVENTS = Table(
    "events",
    (
        DOC_ID,
        _c("seq", "INTEGER"),
        _c("date", "DATE"),
        _c(
            "type",
            "VARCHAR",
            "grant | lapse | expiry | transfer | licence | pledge | preservation | "
            "reexamination | …",
        ),
        _c("code", "VARCHAR", "the source's event code"),
        _c("description", "VARCHAR"),
        _c("parties", "VARCHAR"),
        _c(
            "details",
            "VARCHAR",
            "JSON object of further fields; state: the one country of a regional right "
            "(an EP patent's contracting state) the event concerns",
        ),
        # schema 8
        _c(
            "source",
            "VARCHAR",
            "who reports the event (EPO INPADOC, USPTO ODP, USPTO assignment …); NULL: "
            "the document's own source",
        ),
    ),
    "One row per legal event; an event whose date the source does not give has none.",
)

INDICATORS = Table(
    "indicators",
    (
        DOC_ID,
        _c(
            "name",
            "VARCHAR",
            "cites | cites_self | cited_by_self | family_size | value",
        ),
        _c("value", "DOUBLE", "the figure as the source reports it"),
        _c("unit", "VARCHAR", "currency of a value estimate (USD, CNY); NULL: a count"),
        _c("source", "VARCHAR", "who reports it: the database named by the import"),
        _c("raw", "VARCHAR", "the cell as the source wrote it ($ 3,500)"),
    ),
    "Figures a source reports about a document (schema 7): backward citations, "
    "self-citations, family size, its own value estimate. Missing figures have no row.",
)

EFFECTS = Table(
    "effects",
    (
        DOC_ID,
        _c("level", "VARCHAR", "sentence | phrase | level1 | level2 | level3 | triz"),
        _c("seq", "INTEGER", "position within the level, from 1, in source order"),
        _c(
            "text",
            "VARCHAR",
            "the effect as the source writes it: 智能化提高, 39-生产率",
        ),
    ),
    "Technical effects (技术功效) a source assigns to a document (schema 7): incoPat's "
    "effect sentences, phrases, three levels and TRIZ parameters.",
)

PROVENANCE = Table(
    "provenance",
    (
        DOC_ID,
        _c("record_hash", "VARCHAR", "content hash of the record as read"),
        _c("import_id", "BIGINT"),
        _c("format", "VARCHAR"),
        _c("file", "VARCHAR"),
        _c("position", "VARCHAR", "where in the file: row, line, document"),
    ),
    "Which file and import each version of each document came from.",
)

ENTITIES = Table(
    "entities",
    (
        _c("entity_id", "VARCHAR"),
        _c("name", "VARCHAR", "the canonical name shown in analyses"),
        _c("name_zh", "VARCHAR"),
        _c("name_en", "VARCHAR"),
        _c("party_type", "VARCHAR"),
        _c("country", "VARCHAR"),
        _c("province", "VARCHAR"),
        _c("city", "VARCHAR"),
        _c("district", "VARCHAR"),
        _c("region_code", "VARCHAR"),
        _c("aliases", "VARCHAR[]", "every raw name merged into this entity"),
        _c("is_reviewed", "BOOLEAN", "a user confirmed or edited this entity"),
    ),
    "Resolved organisations and persons (filled by enrichment).",
    per_document=False,
)

ENTITY_ALIASES = Table(
    "entity_aliases",
    (
        _c("alias_key", "VARCHAR", "normalised name key"),
        _c("entity_id", "VARCHAR"),
        _c("example", "VARCHAR", "one raw spelling"),
        _c("source", "VARCHAR", "auto | manual"),
        _c("score", "DOUBLE", "match confidence of an automatic assignment"),
    ),
    "Which name keys belong to which entity; manual rows win over automatic ones.",
    per_document=False,
)

ENTITY_EDITS = Table(
    "entity_edits",
    (
        _c("edit_id", "BIGINT"),
        _c("action", "VARCHAR", "merge | split | rename"),
        _c("entity_ids", "VARCHAR[]"),
        _c("aliases", "VARCHAR[]"),
        _c("name", "VARCHAR"),
        _c("created_at", "TIMESTAMP"),
        _c("note", "VARCHAR"),
    ),
    "A user's corrections of entity resolution, replayed by every later run.",
    per_document=False,
)

CLASS_TITLES = Table(
    "class_titles",
    (
        _c("scheme", "VARCHAR", "IPC | CPC | LOC | sei"),
        _c("code", "VARCHAR"),
        _c("level", "VARCHAR", "section | class | subclass | main_group | group …"),
        _c("title_zh", "VARCHAR"),
        _c("title_en", "VARCHAR"),
        _c("parent", "VARCHAR"),
    ),
    "Titles of classification symbols in Chinese and English.",
    per_document=False,
)

ENRICH_RUNS = Table(
    "enrich_runs",
    (
        _c("run_id", "BIGINT"),
        _c("step", "VARCHAR"),
        _c("started_at", "TIMESTAMP"),
        _c("finished_at", "TIMESTAMP"),
        _c("changed", "BIGINT", "rows the step changed"),
        _c("summary", "VARCHAR", "JSON object: what the step did"),
    ),
    "One row per enrichment step run.",
    per_document=False,
)

PATENT_SETS = Table(
    "patent_sets",
    (
        _c("name", "VARCHAR"),
        _c(
            "query",
            "VARCHAR",
            "the search strategy (检索式) in the expert query language",
        ),
        _c("description", "VARCHAR"),
        _c("filters", "VARCHAR", "JSON object of further filters"),
        _c("created_at", "TIMESTAMP"),
        _c("updated_at", "TIMESTAMP"),
        _c("last_run_at", "TIMESTAMP"),
        _c("last_count", "BIGINT"),
    ),
    "Saved search strategies: the unit every analysis takes.",
    per_document=False,
)

PATENT_SET_MEMBERS = Table(
    "patent_set_members",
    (
        _c("set_name", "VARCHAR"),
        _c("doc_id", "VARCHAR"),
        _c("first_seen_at", "TIMESTAMP"),
        _c("last_seen_at", "TIMESTAMP"),
    ),
    "Members of each patent set at its last run, to tell what is new on the next.",
    per_document=False,
)

EMBEDDINGS = Table(
    "embeddings",
    (
        _c("doc_id", "VARCHAR"),
        _c("model", "VARCHAR"),
        _c(
            "text_hash",
            "VARCHAR",
            "hash of the embedded text: re-embed when it changes",
        ),
        _c("vector", "FLOAT[]"),
    ),
    "Stored document vectors for semantic search.",
    per_document=False,
)

MAINTENANCE = Table(
    "maintenance",
    (
        DOC_ID,
        _c("office", "VARCHAR", "CN | US"),
        _c("as_of", "DATE", "the day the state is computed for (the enrich run's day)"),
        _c(
            "evidence_date",
            "DATE",
            "the day the data show the right in force (status date, else the latest "
            "publication of its import file for an undated status, else the grant)",
        ),
        _c(
            "basis",
            "VARCHAR",
            "events | source | grant: the evidence the state rests on",
        ),
        _c(
            "paid_through_year",
            "INTEGER",
            "CN: the last patent year whose fee the data show paid; NULL: unknown",
        ),
        _c("paid_stages", "VARCHAR", "US: maintenance stages shown paid, e.g. 3.5,7.5"),
        _c(
            "years_maintained",
            "INTEGER",
            "whole years from filing (CN) or grant (US) the right is shown in force",
        ),
        _c("next_year", "INTEGER", "CN: the patent year whose fee is due next"),
        _c("next_stage", "VARCHAR", "US: the next maintenance stage (3.5, 7.5, 11.5)"),
        _c("next_due", "DATE", "the next fee's due date"),
        _c("grace_end", "DATE", "the last day of its grace"),
        _c(
            "in_grace",
            "BOOLEAN",
            "on as_of the next fee is past due and within grace; NULL: unknown",
        ),
        _c(
            "estimated_lapse",
            "DATE",
            "the day the right terminates (CN: as of the due date) or expires (US) if "
            "the next fee is not paid; for a known lapse, its estimated termination",
        ),
        _c(
            "state",
            "VARCHAR",
            "in_force | in_grace | lapsed | expired on as_of; NULL: unknown",
        ),
        _c(
            "state_estimated",
            "BOOLEAN",
            "state derived by fee and term rules, not stated by the data",
        ),
    ),
    "Maintenance state of granted CN and US patents: fees known paid, next due, grace, "
    "estimated lapse (filled by the maintenance enrichment step).",
)

QUARANTINE = Table(
    "quarantine",
    (
        _c("import_id", "BIGINT"),
        _c("file", "VARCHAR"),
        _c("position", "VARCHAR", "row, line or document within the file"),
        _c("row_number", "BIGINT"),
        _c("reason", "VARCHAR"),
        _c("raw", "VARCHAR", "the rejected record's content (first 64 KiB)"),
        _c("created_at", "TIMESTAMP"),
        # schema 3: re-importing a file replaces its entries instead of adding them
        _c(
            "file_hash",
            "VARCHAR",
            "SHA-256 of the file's content (None when it could not be read safely): "
            "with position, the key a re-import replaces",
        ),
    ),
    "Records that could not be read, with where and why.",
    per_document=False,
)

IMPORTS = Table(
    "imports",
    (
        _c("import_id", "BIGINT"),
        _c("file", "VARCHAR"),
        _c("format", "VARCHAR"),
        _c(
            "status",
            "VARCHAR",
            "ok | failed | quarantined (every record of the file was quarantined)",
        ),
        _c("started_at", "TIMESTAMP"),
        _c("finished_at", "TIMESTAMP"),
        _c("read", "BIGINT"),
        _c("new", "BIGINT"),
        _c("updated", "BIGINT"),
        _c("unchanged", "BIGINT"),
        _c("quarantined", "BIGINT"),
        _c("message", "VARCHAR", "failure reason or notes"),
    ),
    "One row per file imported.",
    per_document=False,
)

ENTERPRISES = Table(
    "enterprises",
    (
        _c(
            "enterprise_id",
            "VARCHAR",
            "the 统一社会信用代码 when the register gives one, else N: and the name key",
        ),
        _c("name", "VARCHAR", "企业名称 as the register writes it (cleaned)"),
        _c("name_key", "VARCHAR", "the name's matching key (as for applicants)"),
        _c("uscc", "VARCHAR", "统一社会信用代码, validated (GB 32100 check character)"),
        _c("former_names", "VARCHAR[]", "曾用名"),
        _c("region_raw", "VARCHAR", "the region as the register writes it"),
        _c("address", "VARCHAR"),
        _c("country", "VARCHAR"),
        _c("province", "VARCHAR"),
        _c("city", "VARCHAR"),
        _c("district", "VARCHAR"),
        _c("region_code", "VARCHAR", "6-digit administrative division code"),
        _c("location_source", "VARCHAR", "register | address | uscc (its region part)"),
        _c("founded", "DATE", "成立日期"),
        _c("founded_year", "INTEGER", "成立年份 (also when only the year is given)"),
        _c("employees", "INTEGER", "从业人员 (persons)"),
        _c("revenue_wan", "DOUBLE", "营业收入, 万元"),
        _c("assets_wan", "DOUBLE", "资产总额, 万元"),
        _c("rd_spending_wan", "DOUBLE", "研发投入, 万元"),
        _c("rd_staff", "INTEGER", "研发人员 (persons)"),
        _c(
            "figures_year", "INTEGER", "the year the figures are of, when a header says"
        ),
        _c("industry_code", "VARCHAR", "GB/T 4754 code: C3562, C35 or C"),
        _c("industry_raw", "VARCHAR", "the industry as the register writes it"),
        _c(
            "size",
            "VARCHAR",
            "large | medium | small | micro | unknown (工信部联企业〔2011〕300号)",
        ),
        _c("size_sector", "VARCHAR", "the industry of the size table applied"),
        _c("size_missing", "VARCHAR[]", "inputs whose absence left the size unknown"),
        _c("size_reason", "VARCHAR", "why the size is unknown"),
        _c(
            "listing",
            "VARCHAR",
            "main_board | star_market | chinext | bse | neeq | hk | overseas | listed | "
            "unlisted; NULL: unknown",
        ),
        _c("listing_raw", "VARCHAR"),
        _c("stock_code", "VARCHAR"),
        _c("note", "VARCHAR", "备注"),
        _c("source_file", "VARCHAR", "the register file last imported for it"),
        _c("source_position", "VARCHAR", "its row in that file"),
        _c("imported_at", "TIMESTAMP"),
        _c("updated_at", "TIMESTAMP"),
    ),
    "The enterprise register (企业库): one row per enterprise.",
    per_document=False,
)

ENTERPRISE_QUALIFICATIONS = Table(
    "enterprise_qualifications",
    (
        _c("enterprise_id", "VARCHAR"),
        _c(
            "qualification",
            "VARCHAR",
            "little_giant | srdi_sme | high_tech | tech_sme | ip_demonstration | "
            "ip_advantage | single_champion | tech_innovation_demo | tech_center",
        ),
        _c("year", "INTEGER", "the year of the qualification; NULL: not given"),
        _c("batch", "VARCHAR", "批次, as the list writes it (第三批)"),
        _c("level", "VARCHAR", "national | provincial | municipal; NULL: not given"),
        _c("raw", "VARCHAR", "the text it was read from"),
        _c("source_file", "VARCHAR"),
    ),
    "Qualifications (资质) of enterprises, one row per enterprise × qualification × year.",
    per_document=False,
)

ENTERPRISE_LINKS = Table(
    "enterprise_links",
    (
        _c("link_id", "VARCHAR", "stable id of the enterprise × applicant name pair"),
        _c("enterprise_id", "VARCHAR"),
        _c("applicant_name", "VARCHAR", "the party name linked"),
        _c("entity_id", "VARCHAR", "the applicant's resolved entity, when enriched"),
        _c(
            "method",
            "VARCHAR",
            "exact | former_name | normalized | former_normalized",
        ),
        _c("confidence", "DOUBLE", "0–1"),
        _c("status", "VARCHAR", "linked | review | accepted | rejected"),
        _c("note", "VARCHAR", "why a link needs review"),
        _c("documents", "BIGINT", "documents the applicant name appears on"),
        _c("updated_at", "TIMESTAMP"),
    ),
    "Links between enterprises and applicant names; review decisions are kept.",
    per_document=False,
)

ENTERPRISE_GROUPS = Table(
    "enterprise_groups",
    (
        _c("group_id", "VARCHAR"),
        _c("name", "VARCHAR", "the group's name: its parent, else the shared name"),
        _c("parent_name", "VARCHAR", "the parent company; NULL when unknown"),
        _c("source", "VARCHAR", "user | suggested"),
        _c("created_at", "TIMESTAMP"),
    ),
    "Corporate groups (企业集团): parents with their subsidiaries and branches.",
    per_document=False,
)

GROUP_MEMBERS = Table(
    "group_members",
    (
        _c("group_id", "VARCHAR"),
        _c("member_name", "VARCHAR"),
        _c("member_key", "VARCHAR", "the member name's matching key"),
        _c("relation", "VARCHAR", "parent | subsidiary | branch"),
        _c(
            "source",
            "VARCHAR",
            "user | name (suggested from the name) | code (from the source's "
            "standardised applicant)",
        ),
        _c("status", "VARCHAR", "accepted | suggested | rejected"),
        _c("reason", "VARCHAR", "why it was suggested"),
        _c("updated_at", "TIMESTAMP"),
    ),
    "Members of corporate groups; only accepted members count in analyses.",
    per_document=False,
)

VALUE_SCORES = Table(
    "value_scores",
    (
        DOC_ID,
        _c(
            "use",
            "VARCHAR",
            "the use the weights are for: pledge (质押融资) | transfer (转让) | licence (许可) "
            "| equity (作价入股) | management (管理)",
        ),
        _c("score", "DOUBLE", "0–100 over the indicators available; NULL: none was"),
        _c(
            "grade",
            "VARCHAR",
            "A | B | C | D | E by the model's cut points; NULL: no score",
        ),
        _c(
            "legal",
            "DOUBLE",
            "法律 dimension score, 0–100; NULL: no legal indicator known",
        ),
        _c("technical", "DOUBLE", "技术 dimension score, 0–100; NULL: none known"),
        _c("economic", "DOUBLE", "经济 dimension score, 0–100; NULL: none known"),
        _c(
            "coverage",
            "DOUBLE",
            "share of the use's indicator weight whose inputs were known, 0–1",
        ),
        _c("missing", "VARCHAR[]", "the indicators whose inputs the store lacks"),
        _c(
            "cohort",
            "VARCHAR",
            "the cohort percentiles are taken in: field × filing year",
        ),
        _c("model", "VARCHAR", "the model and weights version that computed it"),
        _c("computed_at", "TIMESTAMP"),
    ),
    "Patent value scores (GB/T 42748 indicator tree, schema 9): one row per document × "
    "use, replaced as a whole by `patnav value score`.",
)

MONITORS = Table(
    "monitors",
    (
        _c("name", "VARCHAR", "the monitor's name, unique"),
        _c(
            "target_kind",
            "VARCHAR",
            "set (a saved set's name or an expert query) | entity (an applicant) | "
            "group (a corporate group) | numbers (a portfolio of publication numbers)",
        ),
        _c("target", "VARCHAR", "the query, set name, applicant or group name"),
        _c("numbers", "VARCHAR[]", "the portfolio's canonical publication numbers"),
        _c(
            "rules",
            "VARCHAR[]",
            "new-documents | new-applicants | status-change | event | annuity-due | "
            "grace | expiry | high-maintenance",
        ),
        _c(
            "options",
            "VARCHAR",
            "JSON object: days, months, years, event_types",
        ),
        _c(
            "schedule", "VARCHAR", "daily | weekly | manual | a 5-field cron expression"
        ),
        _c("created_at", "TIMESTAMP"),
        _c("updated_at", "TIMESTAMP"),
        _c("last_run_at", "TIMESTAMP", "start of the last run; NULL: never run"),
        _c(
            "baselined",
            "VARCHAR[]",
            "change rules whose baseline (the state first seen) is recorded",
        ),
    ),
    "Monitors (schema 10): a target watched by alert rules on a schedule.",
    per_document=False,
)

MONITOR_STATE = Table(
    "monitor_state",
    (
        _c("monitor", "VARCHAR"),
        _c("rule", "VARCHAR"),
        _c(
            "key",
            "VARCHAR",
            "what was seen: a doc_id, an applicant key, an event's fingerprint",
        ),
        _c(
            "value", "VARCHAR", "its fingerprint (status-change: the last known status)"
        ),
        _c("seen_at", "TIMESTAMP", "the run that last saw it"),
    ),
    "The state each monitor's change rules last saw, to tell what is new (schema 10).",
    per_document=False,
)

MONITOR_RUNS = Table(
    "monitor_runs",
    (
        _c("run_id", "BIGINT"),
        _c("monitor", "VARCHAR"),
        _c("started_at", "TIMESTAMP"),
        _c("finished_at", "TIMESTAMP"),
        _c("status", "VARCHAR", "ok | failed"),
        _c("documents", "BIGINT", "documents in the target at the run"),
        _c("alerts", "BIGINT", "new alerts the run created"),
        _c(
            "counts",
            "VARCHAR",
            "JSON object per rule: alerts, unknown (no due or expiry date known), "
            "baseline (the run recorded the rule's first state)",
        ),
        _c("error", "VARCHAR", "why the run failed"),
    ),
    "One row per monitor run (schema 10).",
    per_document=False,
)

ALERTS = Table(
    "alerts",
    (
        _c("alert_id", "BIGINT"),
        _c("monitor", "VARCHAR"),
        _c("rule", "VARCHAR"),
        _c("doc_id", "VARCHAR"),
        _c("pub_number", "VARCHAR"),
        _c(
            "key",
            "VARCHAR",
            "the change it reports (doc, due date, event fingerprint …): one alert per "
            "monitor × rule × key",
        ),
        _c("message", "VARCHAR", "the alert in Chinese"),
        _c(
            "evidence",
            "VARCHAR",
            "JSON object: the fields, event, dates and source the alert rests on",
        ),
        _c("run_id", "BIGINT"),
        _c("created_at", "TIMESTAMP"),
        _c("acked_by", "VARCHAR"),
        _c("acked_at", "TIMESTAMP"),
        _c("muted_by", "VARCHAR"),
        _c("muted_at", "TIMESTAMP"),
    ),
    "Alerts the monitors raised, with their evidence; acknowledged or muted by users "
    "(schema 10).",
    per_document=False,
)

MONITOR_MUTES = Table(
    "monitor_mutes",
    (
        _c("monitor", "VARCHAR"),
        _c("pub_number", "VARCHAR"),
        _c("muted_by", "VARCHAR"),
        _c("muted_at", "TIMESTAMP"),
    ),
    "Monitor × publication pairs whose later alerts are stored muted (schema 10).",
    per_document=False,
)

MONITOR_TABLES: tuple[Table, ...] = (
    MONITORS,
    MONITOR_STATE,
    MONITOR_RUNS,
    ALERTS,
    MONITOR_MUTES,
)

SME_LIBRARY = Table(
    "sme_library",
    (
        _c("province", "VARCHAR", "the library's province, short form (湖北)"),
        _c("enterprise_id", "VARCHAR", "the register's enterprise_id"),
        _c("name", "VARCHAR", "the enterprise's name when it applied"),
        _c(
            "state",
            "VARCHAR",
            "applied (申报) | rejected (审核不通过) | approved (审核通过) | admitted (入库) | "
            "cultivating (培育) | graduated (出库) | removed (退库)",
        ),
        _c("applied_on", "DATE", "effective date of the last 申报"),
        _c("reviewed_on", "DATE", "effective date of the last 审核"),
        _c("admitted_on", "DATE", "effective date of the last 入库"),
        _c("cultivating_on", "DATE", "effective date of the last 培育"),
        _c("left_on", "DATE", "effective date of 出库 or 退库"),
        _c("updated_at", "TIMESTAMP", "when the last transition was recorded"),
    ),
    "The SME cultivation library (培育库, schema 11): one row per province × enterprise "
    "with its current state and the effective dates of its transitions.",
    per_document=False,
)

SME_EVENTS = Table(
    "sme_events",
    (
        _c("event_id", "BIGINT"),
        _c("province", "VARCHAR"),
        _c("enterprise_id", "VARCHAR"),
        _c(
            "action",
            "VARCHAR",
            "apply | review_pass | review_reject | admit | cultivate | graduate | remove "
            "(transitions) | progress | incident (declarations that change no state)",
        ),
        _c("from_state", "VARCHAR", "the state before; NULL: not in the library"),
        _c("to_state", "VARCHAR", "the state after (the same for a declaration)"),
        _c("effective_date", "DATE", "the day it takes effect, given by the user"),
        _c("actor", "VARCHAR", "who applied, reviewed or recorded it"),
        _c("reason", "VARCHAR"),
        _c(
            "check_snapshot",
            "VARCHAR",
            "JSON: the ten-criteria check of the enterprise at 申报 and 审核",
        ),
        _c("recorded_at", "TIMESTAMP", "when it was recorded"),
    ),
    "Every transition of the SME cultivation library and the declarations of progress "
    "and incidents (schema 11).",
    per_document=False,
)

SME_TABLES: tuple[Table, ...] = (SME_LIBRARY, SME_EVENTS)

TAG_SCHEMES = Table(
    "tag_schemes",
    (
        _c("name", "VARCHAR", "the scheme's name, unique"),
        _c("project", "VARCHAR", "the project or navigation spec it belongs to"),
        _c("description", "VARCHAR"),
        _c(
            "nodes",
            "VARCHAR[]",
            "the nodes a document may be tagged into (a spec's technology tree in "
            "walk order, or a plain list)",
        ),
        _c("created_at", "TIMESTAMP"),
        _c("updated_at", "TIMESTAMP"),
    ),
    "Tag schemes (标引体系, schema 12): a project's technology breakdown used as a "
    "classification.",
    per_document=False,
)

TAGS = Table(
    "tags",
    (
        DOC_ID,
        _c("scheme", "VARCHAR", "the tag scheme"),
        _c("node", "VARCHAR", "the node the document is tagged into"),
        _c(
            "analyst", "VARCHAR", "who tagged it (the person who accepted a suggestion)"
        ),
        _c(
            "source",
            "VARCHAR",
            "manual | import | accepted-suggestion (a model's suggestion turned into a "
            "tag by an explicit threshold)",
        ),
        _c(
            "threshold",
            "DOUBLE",
            "accepted-suggestion: the minimum score that accepted it; NULL otherwise",
        ),
        _c("score", "DOUBLE", "accepted-suggestion: the suggestion's score"),
        _c("effect", "VARCHAR", "技术功效 label, optional"),
        _c("created_at", "TIMESTAMP"),
    ),
    "Tags (标引, schema 12): one row per document × scheme × node × analyst. "
    "Suggestions are never stored here until accepted.",
)

TAG_REVIEWS = Table(
    "tag_reviews",
    (
        DOC_ID,
        _c("scheme", "VARCHAR"),
        _c("node", "VARCHAR"),
        _c("analyst", "VARCHAR", "the analyst whose tag is reviewed"),
        _c("reviewer", "VARCHAR", "the second analyst"),
        _c("verdict", "VARCHAR", "confirm | dispute"),
        _c("note", "VARCHAR"),
        _c("created_at", "TIMESTAMP"),
    ),
    "Reviews of tags by a second analyst (schema 12): the latest per reviewer counts.",
)

TAG_TABLES: tuple[Table, ...] = (TAG_SCHEMES, TAGS, TAG_REVIEWS)

# -- the store's unit relations (schema 13) ---------------------------------------------
#
# The per-unit facts every analysis reads, for the whole store counted by family,
# materialised at enrich time and kept current by imports (see
# :mod:`patnav.analyses.relations`). They are derived: a snapshot import rebuilds them.


def _unit_table(name: str, columns: tuple[Column, ...], doc: str) -> Table:
    return Table(name, columns, doc, per_document=False, derived=True)


_UNIT = _c("unit", "VARCHAR", "the family (family_id, else app_number, else doc_id)")
_FILING_YEAR = _c("filing_year", "BIGINT", "year of the unit's first date")

UNIT_DOCS = _unit_table(
    "unit_docs",
    (DOC_ID, _UNIT),
    "Each document's family as the unit relations were built (schema 13).",
)

UNIT_FACTS = _unit_table(
    "unit_facts",
    (
        _UNIT,
        _c("first_date", "DATE"),
        _FILING_YEAR,
        _c("pub_year", "BIGINT"),
        _c("grant_year", "BIGINT"),
        _c("patent_type", "VARCHAR"),
        _c("office", "VARCHAR", "office of the unit's first document"),
        _c("ipc_main", "VARCHAR"),
        _c("status", "VARCHAR", "the most alive legal status of the unit's documents"),
        _c("status_basis", "VARCHAR"),
        _c("status_as_of", "DATE"),
        _c("term_ended", "INTEGER"),
        _c("invention", "INTEGER"),
        _c("known", "INTEGER"),
        _c("granted", "INTEGER"),
        _c("has_status", "INTEGER"),
        _c("in_force", "INTEGER"),
        _c("cited", "INTEGER"),
        _c("documents", "BIGINT", "the unit's documents in the store"),
        _c("doc_id", "VARCHAR", "the unit's smallest doc_id"),
        _c(
            "country",
            "VARCHAR",
            "origin: applicant's, else first priority's, else office's",
        ),
        _c("province", "VARCHAR"),
        _c("city", "VARCHAR"),
        _c("lead_akey", "VARCHAR"),
        _c("lead_name", "VARCHAR"),
        _c("lead_type", "VARCHAR"),
        _c("applicants", "BIGINT"),
    ),
    "One row per family of the store with every fact an analysis asks about (schema 13).",
)

UNIT_APPS = _unit_table(
    "unit_apps",
    (
        _UNIT,
        _c("akey", "VARCHAR", "entity_id, else 'name:' and the applicant's name"),
        _c("name", "VARCHAR"),
        _c("party_type", "VARCHAR"),
        _c("country", "VARCHAR"),
        _c("province", "VARCHAR"),
        _c("city", "VARCHAR"),
        _c(
            "first_key", "VARCHAR", "sorts the applicant's first appearance in the unit"
        ),
        _FILING_YEAR,
        _c("invention", "INTEGER"),
        _c("known", "INTEGER"),
        _c("granted", "INTEGER"),
        _c("has_status", "INTEGER"),
        _c("in_force", "INTEGER"),
        _c("cited", "INTEGER"),
        _c("ipc_main", "VARCHAR"),
        _c("office", "VARCHAR"),
        _c("unit_country", "VARCHAR"),
        _c("unit_province", "VARCHAR"),
        _c("unit_city", "VARCHAR"),
        _c("unit_applicants", "BIGINT"),
    ),
    "One row per family and applicant, with the family's facts (schema 13).",
)

UNIT_OFFICES = _unit_table(
    "unit_offices",
    (_UNIT, _c("office", "VARCHAR"), _FILING_YEAR),
    "One row per family and office it was published at (schema 13).",
)

UNIT_INVENTORS = _unit_table(
    "unit_inventors",
    (
        _UNIT,
        _c("name", "VARCHAR"),
        _c("ikey", "VARCHAR", "name @ the family's lead applicant"),
        _c("akey", "VARCHAR"),
        _c("aname", "VARCHAR"),
        _FILING_YEAR,
        _c("country", "VARCHAR"),
        _c("province", "VARCHAR"),
        _c("city", "VARCHAR"),
    ),
    "One row per family and inventor (schema 13).",
)

UNIT_CODES = _unit_table(
    "unit_codes",
    (
        _UNIT,
        _c("code", "VARCHAR", "an IPC symbol of any of its documents"),
        _FILING_YEAR,
    ),
    "One row per family and IPC symbol (schema 13).",
)

UNIT_TABLES: tuple[Table, ...] = (
    UNIT_DOCS,
    UNIT_FACTS,
    UNIT_APPS,
    UNIT_OFFICES,
    UNIT_INVENTORS,
    UNIT_CODES,
)

META = Table(
    "meta",
    (_c("key", "VARCHAR"), _c("value", "VARCHAR")),
    "Store metadata: schema_version, created_at.",
    per_document=False,
)

CHILD_TABLES: tuple[Table, ...] = (
    TEXTS,
    PARTIES,
    CLASSIFICATIONS,
    CITATIONS,
    PRIORITIES,
    CLAIMS,
    EVENTS,
    INDICATORS,
    EFFECTS,
)
"""Per-document tables whose rows an import replaces as a whole, section by section."""

ALL_TABLES: tuple[Table, ...] = (
    PATENTS,
    *CHILD_TABLES,
    PROVENANCE,
    ENTITIES,
    ENTITY_ALIASES,
    ENTITY_EDITS,
    CLASS_TITLES,
    ENRICH_RUNS,
    PATENT_SETS,
    PATENT_SET_MEMBERS,
    EMBEDDINGS,
    QUARANTINE,
    IMPORTS,
    ENTERPRISES,
    ENTERPRISE_QUALIFICATIONS,
    ENTERPRISE_LINKS,
    ENTERPRISE_GROUPS,
    GROUP_MEMBERS,
    META,
    MAINTENANCE,
    VALUE_SCORES,
    *MONITOR_TABLES,
    *SME_TABLES,
    *TAG_TABLES,
    *UNIT_TABLES,
)

TABLES: dict[str, Table] = {t.name: t for t in ALL_TABLES}


def table(name: str) -> Table:
    """The table called ``name``."""
    return TABLES[name]


def names(tables: Iterable[Table]) -> list[str]:
    """The names of ``tables``."""
    return [t.name for t in tables]
