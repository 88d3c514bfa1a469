"""Entity resolution: applicants, assignees and owners grouped into entities, with an alias
table a reviewer can correct.

A run of the ``entities`` step:

1. collects every name key (``parties.norm_name``) of applicants, assignees and current
   owners, weighted by the documents it appears on;
2. attaches misspelt Latin-script keys to their dominant spelling
   (:func:`patnav.enrich.clustering.cluster_keys`); persons are matched exactly only;
3. links keys on **evidence**: a party's raw and cleaned names, Thomson Innovation's
   cleaned applicant beside the original one (``UNIV EAST CAROLINA`` for
   ``EAST CAROLINA UNIVERSITY``, where a document has one of each), the first
   applicants of a family written in Chinese and in English (at least
   :data:`MIN_FAMILY_SUPPORT` families agreeing), name variants one key cannot hold
   (acronyms, word order, spacing, Chinese short names:
   :func:`patnav.enrich.variants.variant_links`), and the curated
   :data:`~patnav.enrich.seeds.BILINGUAL_SEEDS`;
4. takes connected components, then **replays the user's corrections** from
   ``entity_edits`` in order — merges, splits, renames — so they survive every later run
   and new data;
5. keeps entity ids stable: a cluster inherits the id of the previous entity it shares
   most keys with;
6. writes ``entity_aliases`` (source ``manual`` for keys a correction touched), ``entities``
   (canonical Chinese and English names — the most frequent spellings —, type and location
   by majority) and ``parties.entity_id``.

The review functions (:func:`merge_entities`, :func:`split_entity`, :func:`rename_entity`,
:func:`import_aliases`) record a correction and re-run the step.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from patnav.enrich.base import EnrichContext, StepReport, changed_rows
from patnav.enrich.clustering import FUZZY_THRESHOLD, cluster_keys, components
from patnav.enrich.names import has_cjk, name_key
from patnav.enrich.seeds import BILINGUAL_SEEDS
from patnav.enrich.variants import variant_links
from patnav.errors import InputError, InvalidParameterError
from patnav.schema import tables as t
from patnav.storage.store import PatentStore

ORG_ROLES = ("applicant", "assignee", "current_owner")
MIN_FAMILY_SUPPORT = 2
"""Families whose first applicants agree before a Chinese and an English key are linked."""

_ROLES_SQL = ", ".join(f"'{r}'" for r in ORG_ROLES)
_CJK_SQL = "regexp_matches(name, '[\\x{3400}-\\x{9fff}]')"
_PLACE_SQL = (
    "coalesce(e.province || CASE WHEN e.city IS NULL OR e.city = e.province THEN '' "
    "ELSE e.city END, e.country)"
)


@dataclass(frozen=True, slots=True)
class Edit:
    """One recorded correction."""

    edit_id: int
    action: str
    entity_ids: tuple[str, ...]
    aliases: tuple[str, ...]
    name: str | None


@dataclass(slots=True)
class Resolution:
    """Keys, their cluster labels, and what the corrections decided."""

    keys: list[str]
    labels: np.ndarray
    score: np.ndarray
    names: dict[int, str] = field(default_factory=dict)
    reviewed: set[int] = field(default_factory=set)
    manual: set[int] = field(default_factory=set)
    links: dict[str, int] = field(default_factory=dict)


def entity_id_for(key: str) -> str:
    """A new entity's id: ``E`` and ten hex digits of its anchor key's SHA-1."""
    return "E" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


# -- resolution (pure) --------------------------------------------------------------------


def resolve(
    keys: Sequence[str],
    weights: Sequence[int],
    *,
    persons: Sequence[bool],
    links: Sequence[tuple[str, str]] = (),
    edits: Sequence[Edit] = (),
    threshold: float = FUZZY_THRESHOLD,
) -> Resolution:
    """Cluster keys: fuzzy attachment, evidence links, then the user's corrections.

    Args:
        keys: distinct name keys (every key a link or edit names should be among them).
        weights: documents per key.
        persons: True for keys of persons, which are matched exactly only.
        links: pairs of keys known to be the same entity.
        edits: corrections, replayed in order.
        threshold: fuzzy similarity threshold.
    """
    keys = list(keys)
    index = {k: i for i, k in enumerate(keys)}
    fuzzy = [not p for p in persons]
    clustering = cluster_keys(keys, weights, fuzzy=fuzzy, threshold=threshold)
    a = [np.arange(len(keys))]
    b = [clustering.root]
    pairs = [(index[x], index[y]) for x, y in links if x in index and y in index]
    if pairs:
        a.append(np.array([p[0] for p in pairs]))
        b.append(np.array([p[1] for p in pairs]))
    labels = components(len(keys), np.concatenate(a), np.concatenate(b))
    result = Resolution(keys, labels, clustering.score.copy())
    result.links = {
        "evidence": len(pairs),
        "fuzzy": int((clustering.root != np.arange(len(keys))).sum()),
    }
    next_label = len(keys)
    touched: list[tuple[Edit, list[int]]] = []
    for edit in edits:
        members = [index[k] for k in edit.aliases if k in index]
        if not members:
            continue
        touched.append((edit, members))
        if edit.action == "merge":
            targets = np.unique(labels[members])
            labels[np.isin(labels, targets)] = targets.min()
            result.manual.update(members)
        elif edit.action == "split":
            labels[members] = next_label
            result.manual.update(members)
            next_label += 1
    # names and reviews go to wherever the edited keys ended up (most of them, for renames)
    for edit, members in touched:
        values, counts = np.unique(labels[members], return_counts=True)
        label = int(values[np.argmax(counts)])
        result.reviewed.add(label)
        if edit.name:
            result.names[label] = edit.name
    return result


# -- the step ------------------------------------------------------------------------------


class Entities:
    """Resolve applicants, assignees and owners into entities."""

    name = "entities"
    label = "申请人归并"

    def run(self, store: PatentStore, ctx: EnrichContext) -> StepReport:
        """Cluster, replay corrections, and write aliases, entities and party entity ids."""
        return resolve_store(store)


def _key_weights(
    store: PatentStore,
) -> tuple[dict[str, int], dict[str, bool], dict[str, str]]:
    """Documents per key, whether a key is mostly a person's, and its commonest spelling."""
    rows = store.rows(
        "WITH spelt AS (SELECT norm_name, name, count(*) AS n FROM parties "
        f"WHERE role IN ({_ROLES_SQL}) AND norm_name IS NOT NULL GROUP BY 1, 2), "
        "example AS (SELECT norm_name, list(name ORDER BY n DESC, name)[1] AS name "
        "FROM spelt GROUP BY 1), "
        "counted AS (SELECT norm_name, count(DISTINCT doc_id) AS docs, "
        "count(*) FILTER (WHERE party_type = 'individual') * 2 > count(*) AS person "
        f"FROM parties WHERE role IN ({_ROLES_SQL}) AND norm_name IS NOT NULL GROUP BY 1) "
        "SELECT c.norm_name, c.docs, c.person, e.name FROM counted c "
        "JOIN example e USING (norm_name)"
    )
    weights = {r[0]: int(r[1]) for r in rows}
    persons = {r[0]: bool(r[2]) for r in rows}
    examples = {r[0]: str(r[3]) for r in rows}
    return weights, persons, examples


def _evidence(
    store: PatentStore,
) -> tuple[list[tuple[str, str]], dict[str, str], dict[str, int]]:
    """Links between keys, the spellings of keys no party has, and counts per kind."""
    links: list[tuple[str, str]] = []
    spellings: dict[str, str] = {}
    counts = {"raw_name": 0, "cleaned_name": 0, "family": 0, "seed": 0, "variant": 0}
    for key, raw in store.rows(
        "SELECT DISTINCT norm_name, raw_name FROM parties "
        f"WHERE role IN ({_ROLES_SQL}) AND norm_name IS NOT NULL AND raw_name IS NOT NULL "
        "AND raw_name <> name"
    ):
        other = name_key(str(raw))
        if other and other != key:
            links.append((str(key), other))
            spellings.setdefault(other, str(raw))
            counts["raw_name"] += 1
    # Thomson Innovation keeps its cleaned applicant list beside the original names
    # (UNIV EAST CAROLINA for EAST CAROLINA UNIVERSITY): one of each is the same body
    for key, cleaned in store.rows(
        "SELECT DISTINCT p.norm_name, json_extract_string(t.extras, "
        "'$.patent_assignees_cleaned') FROM patents t JOIN parties p USING (doc_id) "
        "WHERE p.role = 'applicant' AND p.norm_name IS NOT NULL "
        "AND t.extras LIKE '%patent_assignees_cleaned%' AND (SELECT count(*) FROM parties q "
        "WHERE q.doc_id = p.doc_id AND q.role = 'applicant') = 1"
    ):
        if not cleaned or ";" in str(cleaned) or str(cleaned).strip() == "NA":
            continue
        other = name_key(str(cleaned))
        if other and other != key:
            links.append((str(key), other))
            spellings.setdefault(other, str(cleaned).strip())
            counts["cleaned_name"] += 1
    pairs = store.rows(
        "WITH firsts AS (SELECT DISTINCT pt.family_id, p.norm_name FROM parties p "
        "JOIN patents pt USING (doc_id) WHERE p.role = 'applicant' AND p.seq = 1 "
        "AND pt.family_id IS NOT NULL AND p.norm_name IS NOT NULL) "
        "SELECT a.norm_name, b.norm_name, count(*) AS n FROM firsts a JOIN firsts b "
        "ON a.family_id = b.family_id AND a.norm_name < b.norm_name "
        "GROUP BY 1, 2 HAVING count(*) >= ? ORDER BY n DESC, 1, 2",
        [MIN_FAMILY_SUPPORT],
    )
    taken: set[str] = set()
    for x, y, _n in pairs:  # mutual best: each key links to its strongest partner only
        x, y = str(x), str(y)
        if has_cjk(x) == has_cjk(y) or x in taken or y in taken:
            continue
        links.append((x, y))
        taken.update((x, y))
        counts["family"] += 1
    names, keys = [], set()
    for name, key in store.rows(
        "SELECT DISTINCT name, norm_name FROM parties "
        f"WHERE role IN ({_ROLES_SQL}) AND norm_name IS NOT NULL AND name IS NOT NULL "
        "AND party_type IS DISTINCT FROM 'individual'"
    ):
        names.append(str(name))
        keys.add(str(key))
    for x, y, _rule in variant_links(names, keys):
        links.append((x, y))
        counts["variant"] += 1
    for zh, ens in BILINGUAL_SEEDS:
        zh_key = name_key(zh)
        spellings.setdefault(zh_key, zh)
        for en in ens:
            en_key = name_key(en)
            spellings.setdefault(en_key, en)
            links.append((zh_key, en_key))
            counts["seed"] += 1
    return links, spellings, counts


def read_edits(store: PatentStore) -> list[Edit]:
    """The recorded corrections, oldest first."""
    return [
        Edit(int(r[0]), str(r[1]), tuple(r[2] or ()), tuple(r[3] or ()), r[4])
        for r in store.rows(
            "SELECT edit_id, action, entity_ids, aliases, name FROM entity_edits "
            "ORDER BY edit_id"
        )
    ]


def resolve_store(store: PatentStore) -> StepReport:
    """Run entity resolution on the store (the ``entities`` step)."""
    weights, persons, examples = _key_weights(store)
    links, spellings, counts = _evidence(store)
    present = set(weights)
    # seed and raw spellings join only when the other side of their link is present
    linked = {y for x, y in links if x in present} | {
        x for x, y in links if y in present
    }
    extra = sorted(k for k in linked - present if k)
    keys = sorted(present) + extra
    w = [weights.get(k, 0) for k in keys]
    person = [persons.get(k, False) for k in keys]
    edits = read_edits(store)
    res = resolve(keys, w, persons=person, links=links, edits=edits)

    old = dict(store.rows("SELECT alias_key, entity_id FROM entity_aliases"))
    clusters, label_id = _stable_ids(keys, w, res.labels.tolist(), old, edits)

    alias = pa.table(
        {
            "alias_key": keys,
            "entity_id": [label_id[int(lab)] for lab in res.labels.tolist()],
            "example": [examples.get(k) or spellings.get(k) for k in keys],
            "source": [
                "manual" if i in res.manual else "auto" for i in range(len(keys))
            ],
            "score": [float(s) for s in res.score.tolist()],
        },
        schema=t.ENTITY_ALIASES.arrow_schema(),
    )
    spelling_rows = pa.table(
        {"alias_key": list(spellings), "name": list(spellings.values())},
        schema=pa.schema([("alias_key", pa.string()), ("name", pa.string())]),
    )
    names = pa.table(
        {
            "entity_id": [label_id[lab] for lab in res.names],
            "name": list(res.names.values()),
        },
        schema=pa.schema([("entity_id", pa.string()), ("name", pa.string())]),
    )
    reviewed = pa.table(
        {
            "entity_id": sorted(
                {label_id[lab] for lab in res.reviewed if lab in label_id}
            )
        },
        schema=pa.schema([("entity_id", pa.string())]),
    )
    with (
        store.staged("enrich_alias", alias) as alias_t,
        store.staged("enrich_spellings", spelling_rows) as spell_t,
        store.staged("enrich_names", names) as names_t,
        store.staged("enrich_reviewed", reviewed) as reviewed_t,
    ):
        alias_changed = _replace(store, "entity_aliases", f"SELECT * FROM {alias_t}")
        entity_changed = _replace(
            store, "entities", _entities_sql(alias_t, spell_t, names_t, reviewed_t)
        )
        parties_changed = changed_rows(
            store.rows(
                f"UPDATE parties SET entity_id = a.entity_id FROM {alias_t} a "
                f"WHERE parties.norm_name = a.alias_key AND parties.role IN ({_ROLES_SQL}) "
                "AND parties.entity_id IS DISTINCT FROM a.entity_id"
            )
        ) + changed_rows(
            store.rows(
                "UPDATE parties SET entity_id = NULL WHERE entity_id IS NOT NULL AND "
                f"(norm_name IS NULL OR role NOT IN ({_ROLES_SQL}))"
            )
        )
    entities = len(clusters)
    merged = store.rows(
        "SELECT name, len(aliases) FROM entities WHERE len(aliases) > 1 "
        "ORDER BY len(aliases) DESC, name LIMIT 5"
    )
    return StepReport(
        "entities",
        alias_changed + entity_changed + parties_changed,
        {
            "keys": len(keys),
            "entities": entities,
            "fuzzy_attached": res.links.get("fuzzy", 0),
            "evidence_links": counts,
            "edits_replayed": len(edits),
            "aliases_changed": alias_changed,
            "entities_changed": entity_changed,
            "parties_changed": parties_changed,
        },
        tuple(f"{n} ({k} spellings)" for n, k in merged),
    )


def _stable_ids(
    keys: list[str],
    w: list[int],
    labels: list[int],
    old: dict[str, str],
    edits: list[Edit],
) -> tuple[dict[int, list[int]], dict[int, str]]:
    """The clusters (label -> key positions) and their entity ids: each cluster takes
    the old id it shares most keys with, else a new id from its heaviest key."""
    clusters: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        clusters[lab].append(i)
    # names split off an entity do not vote for the id they left: it stays with the rest
    split_from = {
        (key, eid)
        for e in edits
        if e.action == "split"
        for key in e.aliases
        for eid in e.entity_ids
    }
    overlap: list[tuple[int, int, str]] = []
    for lab, members in clusters.items():
        votes: dict[str, int] = defaultdict(int)
        for i in members:
            if keys[i] in old and (keys[i], old[keys[i]]) not in split_from:
                votes[old[keys[i]]] += w[i] + 1
        overlap.extend((n, lab, eid) for eid, n in votes.items())
    overlap.sort(key=lambda x: (-x[0], x[2], x[1]))
    label_id: dict[int, str] = {}
    used: set[str] = set()
    for _n, lab, eid in overlap:
        if lab not in label_id and eid not in used:
            label_id[lab] = eid
            used.add(eid)
    for lab, members in sorted(clusters.items()):
        if lab in label_id:
            continue
        anchor = min(members, key=lambda i: (-w[i], keys[i]))
        eid = entity_id_for(keys[anchor])
        while eid in used:
            eid = entity_id_for(eid)
        label_id[lab] = eid
        used.add(eid)
    return clusters, label_id


def _replace(store: PatentStore, table: str, select: str) -> int:
    """Make ``table`` hold exactly the rows of ``select``; the number of rows that differ."""
    name = t.table(table).name
    cols = ", ".join(t.table(table).column_names)
    new = f"enrich_new_{name}"
    store.execute(
        f"CREATE OR REPLACE TEMP TABLE {new} AS SELECT {cols} FROM ({select})"
    )
    try:
        differ = int(
            store.scalar(
                f"SELECT (SELECT count(*) FROM (SELECT {cols} FROM {new} EXCEPT ALL "
                f"SELECT {cols} FROM {name})) + (SELECT count(*) FROM (SELECT {cols} "
                f"FROM {name} EXCEPT ALL SELECT {cols} FROM {new}))"
            )
        )
        if differ:
            store.execute(f"DELETE FROM {name}")
            store.execute(f"INSERT INTO {name} SELECT {cols} FROM {new}")
    finally:
        store.execute(f"DROP TABLE IF EXISTS {new}")
    return differ


def _entities_sql(alias_t: str, spell_t: str, names_t: str, reviewed_t: str) -> str:
    """One row per entity: canonical names, aliases, type and location by majority."""
    return f"""
    WITH spell AS (
        SELECT a.entity_id, p.name, count(DISTINCT p.doc_id) AS n
        FROM parties p JOIN {alias_t} a ON p.norm_name = a.alias_key
        WHERE p.role IN ({_ROLES_SQL}) AND p.name IS NOT NULL GROUP BY 1, 2
        UNION ALL
        SELECT a.entity_id, s.name, 0 FROM {spell_t} s JOIN {alias_t} a USING (alias_key)
    ),
    spelling AS (
        SELECT entity_id, name, max(n) AS n FROM spell GROUP BY 1, 2
    ),
    canon AS (
        SELECT entity_id,
            (list(name ORDER BY n DESC, name) FILTER (WHERE {_CJK_SQL}))[1] AS name_zh,
            (list(name ORDER BY n DESC, name) FILTER (WHERE NOT {_CJK_SQL}))[1] AS name_en,
            list(name ORDER BY n DESC, name) AS aliases
        FROM spelling GROUP BY 1
    ),
    typed AS (
        SELECT a.entity_id,
            list(p.party_type ORDER BY n DESC, p.party_type)[1] AS party_type
        FROM (SELECT norm_name, party_type, count(*) AS n FROM parties
              WHERE role IN ({_ROLES_SQL}) AND party_type IS NOT NULL GROUP BY 1, 2) p
        JOIN {alias_t} a ON p.norm_name = a.alias_key GROUP BY 1
    ),
    placed AS (
        SELECT a.entity_id,
            list(struct_pack(country := p.country, province := p.province, city := p.city,
                 district := p.district, region_code := p.region_code)
                 ORDER BY p.inferred, p.n DESC, p.region_code, p.country)[1] AS place
        FROM (SELECT norm_name, country, province, city, district, region_code,
                     location_source = 'name' AS inferred, count(*) AS n
              FROM parties WHERE role IN ({_ROLES_SQL})
              AND (country IS NOT NULL OR province IS NOT NULL)
              GROUP BY 1, 2, 3, 4, 5, 6, 7) p
        JOIN {alias_t} a ON p.norm_name = a.alias_key GROUP BY 1
    )
    SELECT c.entity_id,
        coalesce(r.name, c.name_zh, c.name_en) AS name,
        c.name_zh, c.name_en, ty.party_type,
        pl.place.country AS country, pl.place.province AS province, pl.place.city AS city,
        pl.place.district AS district, pl.place.region_code AS region_code,
        c.aliases, v.entity_id IS NOT NULL AS is_reviewed
    FROM canon c
    LEFT JOIN {names_t} r USING (entity_id)
    LEFT JOIN typed ty USING (entity_id)
    LEFT JOIN placed pl USING (entity_id)
    LEFT JOIN {reviewed_t} v USING (entity_id)
    """


# -- review: list, show, merge, split, rename, export, import ------------------------------


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """An entity as the review list shows it."""

    entity_id: str
    name: str
    party_type: str | None
    place: str | None
    documents: int
    aliases: int
    is_reviewed: bool

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready values."""
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "party_type": self.party_type,
            "place": self.place,
            "documents": self.documents,
            "aliases": self.aliases,
            "is_reviewed": self.is_reviewed,
        }


def list_entities(
    store: PatentStore,
    *,
    search: str | None = None,
    party_type: str | None = None,
    limit: int = 20,
) -> list[EntitySummary]:
    """Entities by documents, largest first; ``search`` matches any alias or key."""
    where, params = ["TRUE"], []
    if search:
        where.append(
            "(e.name ILIKE ? OR array_to_string(e.aliases, ' | ') ILIKE ? OR EXISTS "
            "(SELECT 1 FROM entity_aliases a WHERE a.entity_id = e.entity_id "
            "AND a.alias_key = ?))"
        )
        params += [f"%{search}%", f"%{search}%", name_key(search)]
    if party_type:
        where.append("e.party_type = ?")
        params.append(party_type)
    rows = store.rows(
        "SELECT e.entity_id, e.name, e.party_type, "
        f"{_PLACE_SQL}, "
        "(SELECT count(DISTINCT doc_id) FROM parties p WHERE p.entity_id = e.entity_id) "
        "AS docs, len(e.aliases), e.is_reviewed FROM entities e "
        f"WHERE {' AND '.join(where)} ORDER BY docs DESC, e.name LIMIT ?",
        [*params, limit],
    )
    return [
        EntitySummary(
            str(r[0]), str(r[1]), r[2], r[3], int(r[4]), int(r[5]), bool(r[6])
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class EntityDetail:
    """An entity, its aliases (key, spelling, source, score, documents) and corrections."""

    summary: EntitySummary
    name_zh: str | None
    name_en: str | None
    aliases: tuple[tuple[str, str | None, str, float, int], ...]
    edits: tuple[Edit, ...]

    def to_dict(self) -> dict[str, Any]:
        """The detail as JSON-ready values."""
        return {
            **self.summary.to_dict(),
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "aliases": [
                {"key": k, "example": e, "source": s, "score": sc, "documents": d}
                for k, e, s, sc, d in self.aliases
            ],
            "edits": [
                {"edit_id": e.edit_id, "action": e.action, "name": e.name}
                for e in self.edits
            ],
        }


def _require(store: PatentStore, entity_id: str) -> None:
    if not store.scalar(
        "SELECT count(*) FROM entities WHERE entity_id = ?", [entity_id]
    ):
        hint = ""
        if not store.count("entities"):
            hint = " The store has no entities yet: run 'patnav enrich' first."
        raise InvalidParameterError(
            f"No entity '{entity_id}'. Find ids with 'patnav entities list --search NAME'."
            + hint
        )


def entity_detail(store: PatentStore, entity_id: str) -> EntityDetail:
    """One entity with its aliases and the corrections that touched it."""
    _require(store, entity_id)
    summary = _summary(store, entity_id)
    zh, en = store.rows(
        "SELECT name_zh, name_en FROM entities WHERE entity_id = ?", [entity_id]
    )[0]
    aliases = tuple(
        (str(r[0]), r[1], str(r[2]), float(r[3] or 0), int(r[4]))
        for r in store.rows(
            "SELECT a.alias_key, a.example, a.source, a.score, "
            "(SELECT count(DISTINCT doc_id) FROM parties p WHERE p.norm_name = a.alias_key "
            f"AND p.role IN ({_ROLES_SQL})) AS docs FROM entity_aliases a "
            "WHERE a.entity_id = ? ORDER BY docs DESC, a.alias_key",
            [entity_id],
        )
    )
    keys = {a[0] for a in aliases}
    edits = tuple(
        e
        for e in read_edits(store)
        if entity_id in e.entity_ids or keys & set(e.aliases)
    )
    return EntityDetail(summary, zh, en, aliases, edits)


def _summary(store: PatentStore, entity_id: str) -> EntitySummary:
    r = store.rows(
        "SELECT e.entity_id, e.name, e.party_type, "
        f"{_PLACE_SQL}, "
        "(SELECT count(DISTINCT doc_id) FROM parties p WHERE p.entity_id = e.entity_id), "
        "len(e.aliases), e.is_reviewed FROM entities e WHERE e.entity_id = ?",
        [entity_id],
    )[0]
    return EntitySummary(
        str(r[0]), str(r[1]), r[2], r[3], int(r[4]), int(r[5]), bool(r[6])
    )


def _keys_of(store: PatentStore, entity_id: str) -> list[str]:
    return [
        str(r[0])
        for r in store.rows(
            "SELECT a.alias_key FROM entity_aliases a LEFT JOIN (SELECT norm_name, "
            "count(DISTINCT doc_id) AS n FROM parties GROUP BY 1) p "
            "ON p.norm_name = a.alias_key WHERE a.entity_id = ? "
            "ORDER BY coalesce(p.n, 0) DESC, a.alias_key",
            [entity_id],
        )
    ]


def record_edit(
    store: PatentStore,
    action: str,
    entity_ids: Sequence[str],
    aliases: Sequence[str],
    *,
    name: str | None = None,
    note: str | None = None,
) -> int:
    """Append a correction to ``entity_edits``; its id."""
    if action not in {"merge", "split", "rename"}:
        raise InvalidParameterError(
            f"Unknown entity edit '{action}'; expected merge, split or rename."
        )
    from patnav.storage.writer import utc_now

    edit_id = int(
        store.scalar("SELECT coalesce(max(edit_id), 0) + 1 FROM entity_edits")
    )
    store.execute(
        "INSERT INTO entity_edits VALUES (?, ?, ?, ?, ?, ?, ?)",
        [edit_id, action, list(entity_ids), list(aliases), name, utc_now(), note],
    )
    return edit_id


def _entity_of_key(store: PatentStore, key: str) -> str:
    return str(
        store.scalar("SELECT entity_id FROM entity_aliases WHERE alias_key = ?", [key])
    )


def merge_entities(
    store: PatentStore,
    entity_ids: Sequence[str],
    *,
    name: str | None = None,
    note: str | None = None,
) -> str:
    """Make several entities one (all their names, now and in later runs); its id."""
    if len(set(entity_ids)) < 2:
        raise InvalidParameterError("Merging needs at least two different entity ids.")
    keys: list[str] = []
    for eid in entity_ids:
        _require(store, eid)
        keys += _keys_of(store, eid)
    with store.transaction():
        record_edit(store, "merge", entity_ids, keys, name=name, note=note)
        resolve_store(store)
    return _entity_of_key(store, keys[0])


def split_entity(
    store: PatentStore,
    entity_id: str,
    names: Sequence[str],
    *,
    name: str | None = None,
    note: str | None = None,
) -> str:
    """Move some names (raw spellings or alias keys) out into a new entity; its id."""
    _require(store, entity_id)
    own = _keys_of(store, entity_id)
    keys = []
    for text in names:
        key = text if text in own else name_key(text)
        if key not in own:
            raise InvalidParameterError(
                f"'{text}' is not a name of {entity_id}. Its names: "
                + "; ".join(own[:12])
                + ("…" if len(own) > 12 else "")
            )
        keys.append(key)
    if set(keys) == set(own):
        raise InvalidParameterError(
            f"Splitting every name off {entity_id} leaves nothing behind; rename it instead."
        )
    with store.transaction():
        record_edit(store, "split", [entity_id], keys, name=name, note=note)
        resolve_store(store)
    return _entity_of_key(store, keys[0])


def rename_entity(
    store: PatentStore, entity_id: str, name: str, *, note: str | None = None
) -> str:
    """Give an entity the name analyses show (kept through later runs)."""
    _require(store, entity_id)
    if not name.strip():
        raise InvalidParameterError("The new name is empty.")
    keys = _keys_of(store, entity_id)
    with store.transaction():
        record_edit(store, "rename", [entity_id], keys, name=name.strip(), note=note)
        resolve_store(store)
    return _entity_of_key(store, keys[0])


EXPORT_COLUMNS = (
    "entity_id",
    "entity_name",
    "alias_key",
    "example",
    "documents",
    "source",
)


def export_aliases(store: PatentStore, path: Path) -> int:
    """Write the alias table as CSV (UTF-8 with BOM, for Excel) for review; rows written."""
    rows = store.rows(
        "SELECT a.entity_id, e.name, a.alias_key, a.example, coalesce(p.n, 0), a.source "
        "FROM entity_aliases a JOIN entities e USING (entity_id) "
        "LEFT JOIN (SELECT norm_name, count(DISTINCT doc_id) AS n FROM parties "
        f"WHERE role IN ({_ROLES_SQL}) GROUP BY 1) p ON p.norm_name = a.alias_key "
        "ORDER BY e.name, a.entity_id, 5 DESC, a.alias_key"
    )
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows(rows)
    return len(rows)


@dataclass(frozen=True, slots=True)
class ImportedEdits:
    """What an imported alias file changed: moves, new entities and renames."""

    moved: int
    new_entities: int
    renamed: int

    def to_dict(self) -> dict[str, int]:
        """The counts as a dict."""
        return {
            "moved": self.moved,
            "new_entities": self.new_entities,
            "renamed": self.renamed,
        }


def import_aliases(store: PatentStore, path: Path) -> ImportedEdits:
    """Apply a reviewed alias file: changed entity ids move names, changed names rename.

    An alias whose ``entity_id`` names another existing entity moves there; aliases given
    an id that does not exist yet (``NEW1``) become a new entity together; an entity whose
    ``entity_name`` differs is renamed. Every change is recorded in ``entity_edits``.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc}") from exc
    missing = [
        c
        for c in ("entity_id", "entity_name", "alias_key")
        if rows and c not in rows[0]
    ]
    if not rows or missing:
        raise InputError(
            f"{path} is not an alias file: expected the columns {', '.join(EXPORT_COLUMNS)} "
            "as written by 'patnav entities export'."
        )
    current = dict(store.rows("SELECT alias_key, entity_id FROM entity_aliases"))
    names = dict(store.rows("SELECT entity_id, name FROM entities"))
    moves: dict[str, list[str]] = defaultdict(list)
    renames: dict[str, str] = {}
    for r in rows:
        key, eid = r["alias_key"].strip(), r["entity_id"].strip()
        if key not in current:
            raise InputError(
                f"{path}: alias '{key}' is not in the store. Export a fresh file with "
                "'patnav entities export' after the last 'patnav enrich'."
            )
        if eid != current[key]:
            moves[eid].append(key)
        new_name = (r.get("entity_name") or "").strip()
        if eid in names and new_name and new_name != names[eid]:
            renames[eid] = new_name
    moved = new = 0
    with store.transaction():
        for eid, keys in sorted(moves.items()):
            record_edit(
                store, "split", [current[keys[0]]], keys, note=f"import {path.name}"
            )
            if eid in names:
                target = [k for k, e in current.items() if e == eid]
                record_edit(
                    store, "merge", [eid], keys + target, note=f"import {path.name}"
                )
                moved += len(keys)
            else:
                new += 1
                if (name := renames.pop(eid, None)) is not None:
                    record_edit(store, "rename", [eid], keys, name=name)
        for eid, name in sorted(renames.items()):
            keys = [k for k, e in current.items() if e == eid]
            record_edit(
                store, "rename", [eid], keys, name=name, note=f"import {path.name}"
            )
        resolve_store(store)
    return ImportedEdits(moved, new, len(renames))
