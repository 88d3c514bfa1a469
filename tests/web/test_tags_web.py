"""Tagging in the web (issue 19) on the 958 hand-labelled CCF patents
(corpora/cn-ccf-bdci-4097/train.json): bulk tagging from a query with its undo, both kinds
of scheme, a patent's tags on its page, the review view, the agreement panel (what
``patnav tags agreement`` prints) and the explicit threshold for suggestions; roles,
tenants and CSRF.

Analyst 甲 tags with the corpus's real labels. Analyst 乙 is **synthetic** (made here):
the real label, except every fifth document gets the next class — so the two disagree on
a known set of documents.
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
from html import unescape
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score
from sqlalchemy import select

from patnav.cli import cli
from patnav.platform import files
from patnav.platform.models import AuditEvent, DataStore, Spec
from patnav.tags import list_tags, save_scheme
from patnav.tags.schemes import get_scheme, nodes_of_spec
from patnav.tags.tagging import TagRow, write_tags
from tests.web.conftest import login, make_settings, seed

with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore", message="Using `httpx` with `starlette.testclient`"
    )
    from fastapi.testclient import TestClient

CCF = "corpora/cn-ccf-bdci-4097/train.json"
KEY = "ID:ccf-bdci:"
SCHEME = "CCF分类"
SUGGEST = "CCF建议"
FIRST = 600
"""甲 tags the first 600 documents of the file into SCHEME."""
SHARED = 300
"""乙 tags the first 300 (so 300 are shared)."""


def _node(label: int) -> str:
    return f"类{label:02d}"


def _other(i: int, label: int) -> int:
    """乙's (synthetic) label: the real one, the next class on every fifth document."""
    return (label + 1) % 36 if i % 5 == 0 else label


@pytest.fixture(scope="module")
def raw(data_dir) -> pd.DataFrame:
    """The labelled file, read with pandas (not patnav's reader)."""
    frame = pd.read_json(data_dir / CCF, lines=True, dtype={"id": str})
    frame["doc_id"] = KEY + frame["id"]
    return frame


@pytest.fixture(scope="module")
def ccf(tmp_path_factory, data_dir, raw):
    """The CCF store with 甲's and 乙's tags, and what ``patnav tags agreement --json``
    prints for it (run before the web opens a copy of the store)."""
    from patnav.ingest.pipeline import import_paths
    from patnav.search import SearchIndex
    from patnav.storage.store import PatentStore

    path = tmp_path_factory.mktemp("ccf-tags") / "ccf.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [data_dir / CCF], raise_unexpected=True).ok
        with SearchIndex(store, data_dir=data_dir) as index:
            index.refresh()
        save_scheme(store, SCHEME, [_node(i) for i in range(36)])
        scheme = get_scheme(store, SCHEME)
        first = raw.iloc[:FIRST]
        write_tags(
            store,
            scheme,
            [TagRow(r.doc_id, _node(r.label_id), "甲") for r in first.itertuples()],
        )
        write_tags(
            store,
            scheme,
            [
                TagRow(r.doc_id, _node(_other(i, r.label_id)), "乙")
                for i, r in enumerate(raw.iloc[:SHARED].itertuples())
            ],
        )
        top = raw["label_id"].value_counts().index[:4].tolist()
        save_scheme(store, SUGGEST, [_node(i) for i in top])
        examples = raw[raw["label_id"].isin(top)].groupby("label_id").head(15)
        write_tags(
            store,
            get_scheme(store, SUGGEST),
            [TagRow(r.doc_id, _node(r.label_id), "甲") for r in examples.itertuples()],
        )
    printed = CliRunner().invoke(
        cli,
        ["--store", str(path), "tags", "agreement", "--scheme", SCHEME, "--json"],
        catch_exceptions=False,
    )
    assert printed.exit_code == 0, printed.output
    return path, json.loads(printed.output)


@pytest.fixture(scope="module")
def site(tmp_path_factory, data_dir, ccf):
    from patnav.web import create_app

    root = tmp_path_factory.mktemp("ccf-site")
    app = create_app(make_settings(root / "root", data_dir))
    yield seed(app, ccf[0])
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def clients(site):
    opened: dict[str, TestClient] = {}

    def make(username: str) -> TestClient:
        if username not in opened:
            client = TestClient(site.app)
            client.__enter__()
            login(client, username)
            opened[username] = client
        return opened[username]

    yield make
    for client in opened.values():
        client.__exit__(None, None, None)


def _store_path(site, name: str) -> Path:
    with site.app.state.platform.session() as db:
        row = db.get(DataStore, site.stores[name])
        return files.resolve(site.root, row.filename)


def _handle(site, name: str = "泰安库"):
    return site.app.state.hub.handle(site.stores[name], _store_path(site, name))


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)<', html, re.S)
    assert match, f"no #{element_id} on the page"
    return unescape(match.group(1)).strip()


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name}"
    return unescape(match.group(1))


def _title_has(raw: pd.DataFrame, *words: str) -> pd.Series:
    hit = pd.Series(False, index=raw.index)
    for word in words:
        hit |= raw["title"].str.contains(word, regex=False)
    return hit


def test_bulk_tagging_from_a_query_shows_counts_writes_and_undoes(site, clients, raw):
    ta = site.stores["泰安库"]
    analyst = clients("ta_analyst")
    token = analyst.csrf
    made = analyst.post(
        f"/tags/{ta}/schemes",
        data={
            "csrf_token": token,
            "name": "功效",
            "kind": "effects",
            "effects": "提高显示效果\n提高续航\n\n降低成本\n",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text[:500]
    handle = _handle(site)
    with handle.reader() as cursor:
        scheme = get_scheme(cursor, "功效")
    assert scheme.nodes == ("提高显示效果", "提高续航", "降低成本")
    assert scheme.description == "技术功效"

    words = ("显示", "电池")
    hits = raw[_title_has(raw, *words)]
    assert len(hits) > 10
    mine = list(hits["doc_id"].iloc[:2])
    others = list(hits["doc_id"].iloc[1:4])  # one shared with mine
    outside = raw.loc[~_title_has(raw, *words), "doc_id"].iloc[0]
    for doc in [*mine, outside]:
        done = analyst.post(
            f"/tags/{ta}/tag",
            data={
                "csrf_token": token,
                "scheme": "功效",
                "number": doc,
                "node": "提高显示效果",
            },
            follow_redirects=False,
        )
        assert done.status_code == 303
    with handle.reader() as cursor:
        write_tags(
            cursor,
            get_scheme(cursor, "功效"),
            [TagRow(d, "提高显示效果", "ta_admin") for d in others],
        )
    handle.changed()

    query = "TI=(显示 OR 电池)"
    preview = analyst.get(
        f"/tags/{ta}/bulk",
        params={"scheme": "功效", "node": "提高显示效果", "query": query},
    )
    assert preview.status_code == 200, preview.text[:500]
    page = preview.text
    assert int(_text(page, "bulk-hits")) == len(hits)
    assert int(_text(page, "bulk-mine")) == len(mine)
    assert int(_text(page, "bulk-anyone")) == len(set(mine) | set(others))
    assert int(_text(page, "bulk-to-add")) == len(hits) - len(mine)
    with handle.reader() as cursor:  # a preview writes nothing
        assert len(list_tags(cursor, "功效", analyst="ta_analyst").rows) == 3

    written = analyst.post(
        f"/tags/{ta}/bulk",
        data={
            "csrf_token": token,
            "scheme": "功效",
            "node": "提高显示效果",
            "query": _hidden(page, "query"),
        },
    )
    assert written.status_code == 200
    assert f"已新增标引 {len(hits) - len(mine)} 条" in written.text
    with handle.reader() as cursor:
        tagged = {
            r["doc_id"]
            for r in list_tags(cursor, "功效", analyst="ta_analyst").rows
            if r["node"] == "提高显示效果"
        }
        assert tagged == set(hits["doc_id"]) | {outside}
        assert {r["source"] for r in list_tags(cursor, "功效").rows} == {"manual"}

    undone = analyst.post(
        f"/tags/{ta}/bulk/undo",
        data={
            "csrf_token": token,
            "scheme": "功效",
            "node": "提高显示效果",
            "created_at": _hidden(written.text, "created_at"),
        },
    )
    assert undone.status_code == 200
    assert f"此次新增的标引 {len(hits) - len(mine)} 条" in undone.text
    with handle.reader() as cursor:
        rows = list_tags(cursor, "功效").rows
    # exactly the tags the bulk action added are gone: the earlier ones stay
    assert {(r["doc_id"], r["analyst"]) for r in rows} == {
        *((d, "ta_analyst") for d in [*mine, outside]),
        *((d, "ta_admin") for d in others),
    }
    # each change is in the audit log, committed (not lost when the request ends)
    with site.app.state.platform.session() as db:
        logged = list(
            db.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("tag.%"))
                .where(AuditEvent.user_id == site.users["ta_analyst"])
                .order_by(AuditEvent.id)
            )
        )
    assert "tag.scheme" in logged and logged.count("tag.save") >= 3
    assert logged[-2:] == ["tag.bulk", "tag.undo"]


def test_a_saved_set_is_tagged_like_its_query(site, clients, raw):
    ta = site.stores["泰安库"]
    analyst = clients("ta_analyst")
    saved = analyst.post(
        f"/stores/{ta}/sets",
        data={
            "csrf_token": analyst.csrf,
            "query": "TI=电池",
            "mode": "boolean",
            "name": "电池集",
        },
        follow_redirects=False,
    )
    assert saved.status_code in (200, 303), saved.text[:300]
    preview = analyst.get(
        f"/tags/{ta}/bulk",
        params={"scheme": SCHEME, "node": _node(2), "set": "电池集"},
    )
    assert preview.status_code == 200, preview.text[:500]
    hits = raw[_title_has(raw, "电池")]
    assert int(_text(preview.text, "bulk-hits")) == len(hits)
    assert int(_text(preview.text, "bulk-mine")) == 0
    anyone = sum(
        (i < FIRST and label == 2) or (i < SHARED and _other(i, label) == 2)
        for i, label in zip(hits.index, hits["label_id"], strict=True)
    )
    assert anyone > 0 and int(_text(preview.text, "bulk-anyone")) == anyone


def test_a_breakdown_scheme_takes_the_nodes_of_a_spec(site, clients):
    ta = site.stores["泰安库"]
    spec_file = Path(__file__).parents[2] / "specs" / "taian-industry.yaml"
    with site.app.state.platform.session() as db:
        spec = Spec(
            tenant_id=site.tenants["泰安市"],
            name="taian-industry",
            title="泰安产业导航",
            type="industry",
            yaml_text=spec_file.read_text(encoding="utf-8"),
        )
        db.add(spec)
        db.flush()
        spec_id = spec.id
    analyst = clients("ta_analyst")
    made = analyst.post(
        f"/tags/{ta}/schemes",
        data={
            "csrf_token": analyst.csrf,
            "name": "泰安分解",
            "kind": "breakdown",
            "spec_id": str(spec_id),
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text[:500]
    with _handle(site).reader() as cursor:
        scheme = get_scheme(cursor, "泰安分解")
    _title, nodes = nodes_of_spec(spec_file)
    assert scheme.nodes == nodes and len(nodes) > 3
    assert scheme.project == "泰安产业导航"
    bad = analyst.post(
        f"/tags/{ta}/schemes",
        data={"csrf_token": analyst.csrf, "name": "空", "kind": "effects"},
    )
    assert bad.status_code == 400 and "至少一项技术功效" in bad.text


def test_the_agreement_panel_is_what_the_cli_prints(site, clients, ccf, raw):
    _, printed = ccf
    ta = site.stores["泰安库"]
    page = clients("ta_dept").get(f"/tags/{ta}/review", params={"scheme": SCHEME})
    assert page.status_code == 200, page.text[:500]
    html = page.text
    summary = _text(html, "agreement-summary")
    overall = printed["overall"]
    assert summary == (
        f"{'、'.join(printed['analysts'])} 共同标引 {printed['documents']} 篇；"
        f"Kappa 系数（Cohen，总体）{overall:.3f}"
    )
    table = html.split('id="agreement-table"')[1].split("</table>")[0]
    cells = {
        unescape(node): re.findall(r"<td>([^<]*)</td>", body)
        for node, body in re.findall(r'<tr data-node="([^"]+)">(.*?)</tr>', table)
    }
    assert len(cells) == 36 == len(printed["nodes"])
    for node in printed["nodes"]:
        kappa = "-" if node["kappa"] is None else f"{node['kappa']:.3f}"
        want = [
            node["node"],
            kappa,
            *[str(node["tagged"][a]) for a in printed["analysts"]],
            str(node["all_agree_tagged"]),
            str(node["confirmed"]),
            str(node["disputed"]),
        ]
        assert cells[node["node"]] == want
    # and the CLI is right: Cohen's kappa over the shared documents, from the raw file
    shared = raw.iloc[:SHARED]
    first = list(shared["label_id"])
    second = [_other(i, lab) for i, lab in enumerate(first)]
    assert printed["documents"] == SHARED
    assert overall == pytest.approx(cohen_kappa_score(first, second))


def test_the_review_view_lists_disagreements_and_records_verdicts(site, clients, raw):
    ta = site.stores["泰安库"]
    shared = raw.iloc[:SHARED]
    disagree = [d for i, d in enumerate(shared["doc_id"]) if i % 5 == 0]
    reviewer = clients("ta_analyst")
    page = reviewer.get(f"/tags/{ta}/review", params={"scheme": SCHEME})
    html = page.text
    assert f"标引人意见不一的文献（{len(disagree)} 篇）" in html
    with _handle(site).reader() as cursor:
        reviewed = cursor.scalar(
            "SELECT count(DISTINCT (doc_id, node, analyst)) FROM tag_reviews "
            "WHERE scheme = ?",
            [SCHEME],
        )
    pending = FIRST + SHARED - reviewed
    assert f"待审核的标引（{pending} 条）" in html
    listed = set(re.findall(r'<tr data-doc="([^"]+)" data-analyst="甲"', html))
    assert len(disagree) < 100 and listed == set(disagree)

    doc = disagree[0]
    label = int(shared.iloc[0]["label_id"])
    for analyst, node, verdict in (
        ("甲", _node(label), "confirm"),
        ("乙", _node(_other(0, label)), "dispute"),
    ):
        done = reviewer.post(
            f"/tags/{ta}/review",
            data={
                "csrf_token": reviewer.csrf,
                "scheme": SCHEME,
                "number": doc,
                "node": node,
                "analyst": analyst,
                "verdict": verdict,
            },
            follow_redirects=False,
        )
        assert done.status_code == 303
    with _handle(site).reader() as cursor:
        rows = cursor.rows(
            "SELECT analyst, node, reviewer, verdict FROM tag_reviews "
            "WHERE scheme = ? AND doc_id = ? ORDER BY analyst",
            [SCHEME, doc],
        )
    assert rows == [
        ("乙", _node(_other(0, label)), "ta_analyst", "dispute"),
        ("甲", _node(label), "ta_analyst", "confirm"),
    ]
    again = reviewer.get(f"/tags/{ta}/review", params={"scheme": SCHEME})
    assert f"待审核的标引（{pending - 2} 条）" in again.text

    # a reviewer never reviews their own tag
    own = reviewer.post(
        f"/tags/{ta}/tag",
        data={
            "csrf_token": reviewer.csrf,
            "scheme": SCHEME,
            "number": doc,
            "node": _node(0),
        },
        follow_redirects=False,
    )
    assert own.status_code == 303
    refused = reviewer.post(
        f"/tags/{ta}/review",
        data={
            "csrf_token": reviewer.csrf,
            "scheme": SCHEME,
            "number": doc,
            "node": _node(0),
            "analyst": "ta_analyst",
            "verdict": "confirm",
        },
    )
    assert refused.status_code == 400 and "不能审核自己的标引" in refused.text
    taken_back = reviewer.post(
        f"/tags/{ta}/untag",
        data={
            "csrf_token": reviewer.csrf,
            "scheme": SCHEME,
            "number": doc,
            "node": _node(0),
        },
        follow_redirects=False,
    )
    assert taken_back.status_code == 303


def test_a_patent_page_shows_and_changes_its_tags_one_by_one(site, clients, raw):
    ta = site.stores["泰安库"]
    doc = raw["doc_id"].iloc[1]
    label = int(raw["label_id"].iloc[1])
    analyst = clients("ta_analyst")
    patent = analyst.get(f"/stores/{ta}/patents/{doc}")
    assert patent.status_code == 200 and f'hx-get="/tags/{ta}/doc/{doc}"' in patent.text
    fragment = analyst.get(f"/tags/{ta}/doc/{doc}").text
    section = fragment.split(f'data-scheme="{SCHEME}"')[1].split("</div>")[0]
    found = re.findall(r'data-node="([^"]+)" data-analyst="([^"]+)"', section)
    assert sorted(found) == [(_node(label), "乙"), (_node(label), "甲")]
    assert "/untag" not in section  # others' tags are theirs to remove
    assert "<td>人工</td>" in section
    back = f"/stores/{ta}/patents/{doc}"
    added = analyst.post(
        f"/tags/{ta}/tag",
        data={
            "csrf_token": analyst.csrf,
            "scheme": SCHEME,
            "number": doc,
            "node": _node(5),
            "back": back,
        },
        follow_redirects=False,
    )
    assert added.status_code == 303 and added.headers["location"].startswith(
        f"/stores/{ta}/patents/"
    )
    section = analyst.get(f"/tags/{ta}/doc/{doc}").text.split(
        f'data-scheme="{SCHEME}"'
    )[1]
    assert f'data-node="{_node(5)}" data-analyst="ta_analyst"' in section
    assert "/untag" in section
    removed = analyst.post(
        f"/tags/{ta}/untag",
        data={
            "csrf_token": analyst.csrf,
            "scheme": SCHEME,
            "number": doc,
            "node": _node(5),
            "back": "https://elsewhere.example/",
        },
        follow_redirects=False,
    )
    assert removed.status_code == 303 and removed.headers["location"].startswith(
        "/tags?"
    )
    with _handle(site).reader() as cursor:
        rows = list_tags(cursor, SCHEME, doc_id=doc).rows
    assert sorted(r["analyst"] for r in rows) == ["乙", "甲"]


def test_roles_tenants_and_csrf(site, clients, raw):
    ta = site.stores["泰安库"]
    doc = raw["doc_id"].iloc[2]
    dept = clients("ta_dept")
    fragment = dept.get(f"/tags/{ta}/doc/{doc}")
    assert fragment.status_code == 200 and "<form" not in fragment.text
    review = dept.get(f"/tags/{ta}/review", params={"scheme": SCHEME}).text
    assert f'action="/tags/{ta}/review"' not in review
    form = {"csrf_token": dept.csrf, "scheme": SCHEME, "number": doc, "node": _node(1)}
    for path in ("tag", "untag"):
        assert dept.post(f"/tags/{ta}/{path}", data=form).status_code == 403
    assert (
        dept.get(
            f"/tags/{ta}/bulk",
            params={"scheme": SCHEME, "node": _node(1), "query": "TI=电池"},
        ).status_code
        == 403
    )
    other = clients("jn_analyst")
    assert other.get(f"/tags/{ta}/doc/{doc}").status_code == 404
    assert other.get(f"/tags/{ta}/review").status_code == 404
    form["csrf_token"] = other.csrf
    assert other.post(f"/tags/{ta}/tag", data=form).status_code == 404
    english = dept.get(f"/tags/{ta}/review", params={"scheme": SCHEME, "lang": "en"})
    assert english.status_code == 200 and "Agreement between analysts" in english.text
    assert "Manual" in dept.get(f"/tags/{ta}/doc/{doc}").text
    analyst = clients("ta_analyst")
    forged = analyst.post(
        f"/tags/{ta}/tag",
        data={
            "csrf_token": "0" * 32,
            "scheme": SCHEME,
            "number": doc,
            "node": _node(1),
        },
    )
    assert forged.status_code == 403
    with _handle(site).reader() as cursor:
        assert not [
            r
            for r in list_tags(cursor, SCHEME, doc_id=doc).rows
            if r["node"] == _node(1)
        ]


def test_suggestions_become_tags_only_by_an_explicit_threshold(site, clients):
    ta = site.stores["泰安库"]
    analyst = clients("ta_analyst")
    handle = _handle(site)

    def accepted():
        with handle.reader() as cursor:
            return list_tags(cursor, SUGGEST, source="accepted-suggestion").rows

    preview = analyst.get(
        f"/tags/{ta}/accept", params={"scheme": SUGGEST, "min_score": 0.8}
    )
    assert preview.status_code == 200, preview.text[:500]
    summary = _text(preview.text, "accept-summary")
    count = int(re.search(r"将写入标引 (\d+) 条", summary).group(1))
    assert summary.startswith("阈值 p ≥ 0.8：") and "尚未写入" in summary
    assert count > 0 and not accepted()
    assert _hidden(preview.text, "expect") == str(count)

    stale = analyst.post(
        f"/tags/{ta}/accept",
        data={
            "csrf_token": analyst.csrf,
            "scheme": SUGGEST,
            "min_score": "0.8",
            "expect": str(count + 1),
        },
    )
    assert stale.status_code == 400 and "未写入任何标引" in stale.text
    assert not accepted()

    done = analyst.post(
        f"/tags/{ta}/accept",
        data={
            "csrf_token": analyst.csrf,
            "scheme": SUGGEST,
            "min_score": "0.8",
            "expect": str(count),
        },
    )
    assert done.status_code == 200 and f"已写入标引 {count} 条" in done.text
    rows = accepted()
    assert len(rows) == count
    assert {(r["analyst"], r["threshold"]) for r in rows} == {("ta_analyst", 0.8)}
    assert min(r["score"] for r in rows) >= 0.8
