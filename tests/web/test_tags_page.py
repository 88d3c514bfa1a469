"""The tagging page (标引): the review queue of a store's scheme, tag buttons that store a
manual tag in the signed-in user's name, and roles that only read."""

from __future__ import annotations

from patnav.tags import add_tags, list_tags, save_scheme
from tests.web.conftest import csrf_of
from tests.web.test_monitoring import _path


def _seed(site):
    ta = site.stores["泰安库"]
    handle = site.app.state.hub.handle(ta, _path(site, "泰安库"))
    with handle.reader() as cursor:
        save_scheme(cursor, "道路标引", ["桥梁", "道路", "轨道"])
        add_tags(cursor, "道路标引", "桥梁", analyst="张三", query="TI=桥梁")
        add_tags(cursor, "道路标引", "道路", analyst="张三", query="TI=(路面 OR 道路)")
        tagged = {r[0] for r in cursor.rows("SELECT DISTINCT doc_id FROM tags")}
    handle.changed()
    return ta, handle, tagged


def test_an_analyst_tags_from_the_review_queue(site, client_for):
    ta, handle, tagged = _seed(site)
    client = client_for("ta_analyst")
    page = client.get(f"/tags?store={ta}&scheme=道路标引")
    assert page.status_code == 200 and "待复核队列" in page.text
    queued = [
        line.split('data-doc="')[1].split('"')[0]
        for line in page.text.splitlines()
        if 'data-doc="' in line
    ]
    assert len(queued) == 20 and not set(queued) & tagged
    first = queued[0]
    token = csrf_of(page.text)
    response = client.post(
        f"/tags/{ta}/tag",
        data={
            "csrf_token": token,
            "scheme": "道路标引",
            "number": first,
            "node": "轨道",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    with handle.reader() as cursor:
        rows = list_tags(cursor, "道路标引", node="轨道").rows
    assert [(r["doc_id"], r["analyst"], r["source"]) for r in rows] == [
        (first, "ta_analyst", "manual")
    ]
    again = client.get(f"/tags?store={ta}&scheme=道路标引")
    assert f'data-doc="{first}"' not in again.text


def test_a_department_reads_the_queue_but_cannot_tag(site, client_for):
    ta, handle, _ = _seed(site)
    client = client_for("ta_dept")
    page = client.get(f"/tags?store={ta}")
    assert page.status_code == 200 and "道路标引" in page.text
    assert f'action="/tags/{ta}/tag"' not in page.text
    token = csrf_of(page.text)
    refused = client.post(
        f"/tags/{ta}/tag",
        data={"csrf_token": token, "scheme": "道路标引", "number": "x", "node": "轨道"},
    )
    assert refused.status_code == 403
    with handle.reader() as cursor:
        assert not list_tags(cursor, "道路标引", node="轨道").rows
