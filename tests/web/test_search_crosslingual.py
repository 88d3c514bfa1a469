"""The search page's cross-lingual checkbox and the API's ``cross_lingual=true``: an
English term finds the Chinese titles its translation names (sleeper → 轨枕 in the real
CNIPA export), the note says which translations were searched, and the page's links and
save form keep the option."""

from __future__ import annotations

import lxml.html

from tests.web.conftest import api_token, bearer


def test_the_api_searches_the_translations_when_asked(site, client_for):
    api = client_for()
    api.headers.update(bearer(api_token(site, "ta_analyst")))
    url = f"/api/v1/stores/{site.stores['泰安库']}/search"
    plain = api.get(url, params={"q": "TI=sleeper"}).json()
    crossed = api.get(url, params={"q": "TI=sleeper", "cross_lingual": "true"}).json()
    chinese = api.get(url, params={"q": "TI=轨枕"}).json()
    assert plain["total"] == 0
    assert crossed["total"] == chinese["total"] > 0
    assert crossed["query"].replace(" ", "") == "TI=sleeperORTI=轨枕"
    notes = [m for m in crossed["messages"] if m["key"] == "cross_lingual"]
    assert notes and notes[0]["values"]["translated"] == {"sleeper": ["轨枕"]}


def test_the_page_has_the_checkbox_and_keeps_it(site, client_for):
    client = client_for("ta_analyst")
    store = site.stores["泰安库"]
    response = client.get(
        f"/stores/{store}/search", params={"q": "TI=sleeper", "cross_lingual": "true"}
    )
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.text)
    box = doc.xpath("//input[@id='cross-lingual']")[0]
    assert box.get("checked") is not None
    notes = " ".join(
        n.text_content() for n in doc.xpath("//p[contains(@class,'note')]")
    )
    assert "跨语言检索" in notes and "轨枕" in notes
    links = doc.xpath("//*[@id='sort-switch']//a/@href")
    assert links and all("cross_lingual=true" in link for link in links)
    saved = doc.xpath("//form[contains(@class,'saveset')]//input[@name='query']/@value")
    assert saved and "轨枕" in saved[0]
    unchecked = lxml.html.fromstring(
        client.get(f"/stores/{store}/search", params={"q": "TI=sleeper"}).text
    )
    assert unchecked.xpath("//input[@id='cross-lingual']")[0].get("checked") is None
