"""Lens.org patent API: documents by publication number, or a search.

``POST {lens_url}/patent/search`` with ``Authorization: Bearer {lens_token}`` and a JSON
body in Lens's query language (Elasticsearch's):

* numbers: up to :data:`BATCH` per request, each as
  ``{"bool": {"must": [{"term": {"jurisdiction": "EP"}}, {"term": {"doc_number":
  "1000000"}}]}}`` joined by ``should``: every publication (A1, B1 …) of the number;
* ``--query``: ``{"query_string": {"query": "…"}}``, paged with ``from``/``size``
  (:data:`PAGE` a page) up to ``fetch_max_results`` documents.

Lens limits requests per minute and answers 429 with
``x-rate-limit-retry-after-seconds`` (and ``Retry-After``), which the client honours.
The answers are read by :mod:`patnav.connectors.lens_json` (see there why that reader is
not registered for ``patnav import``). No real Lens API answer is recorded in the data
folder: the tests use an answer written by hand in Lens's documented shape, labelled so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from patnav.config import Settings
from patnav.connectors import lens_json
from patnav.connectors.base import Fetched, Missing, file_stem, secret
from patnav.connectors.http import HttpClient, error_detail
from patnav.errors import InvalidParameterError, excerpt

SERVICE = "Lens"
WHAT = ("biblio",)
DEFAULT_WHAT = WHAT
SEARCH_PATH = "/patent/search"
BATCH = 50
PAGE = 100
INCLUDE = (
    "lens_id",
    "jurisdiction",
    "doc_number",
    "kind",
    "date_published",
    "lang",
    "biblio",
    "abstract",
    "legal_status",
)
HOW = (
    "Ask for patent API access at https://www.lens.org (user profile, Subscriptions), "
    "create a token and export it as PATNAV_LENS_TOKEN."
)


_NUMBER = re.compile(r"^([A-Z]{2})(\d{4,12})(?:[A-Z]\d?)?$")


def lens_number(text: str) -> str:
    """A publication number as Lens's ``jurisdiction`` + ``doc_number``, without the
    kind: ``EP1000000`` from ``EP1000000A1``, ``US20060142694`` from
    ``US 2006/0142694 A1``.

    Raises:
        InvalidParameterError: the text is no publication number with a country code.
    """
    compact = re.sub(r"[\s.\-/,]+", "", text.strip().upper())
    if m := _NUMBER.match(compact):
        return m[1] + m[2]
    raise InvalidParameterError(
        "Lens is searched by publication number with its country code, such as "
        f"EP1000000A1 or US20060142694A1. Got {excerpt(text, 60)!r}."
    )


def split_number(number: str) -> tuple[str, str]:
    """``EP1000000`` → (``EP``, ``1000000``)."""
    return number[:2], number[2:]


class Lens:
    """The Lens connector.

    Raises:
        MissingCredentialsError: no token is set.
    """

    service = SERVICE
    what = WHAT
    default_what = DEFAULT_WHAT

    def __init__(self, settings: Settings, client: HttpClient) -> None:
        self._token = secret(settings, "lens_token", SERVICE, HOW)
        client.add_secrets([self._token])
        client.retry_headers = ("Retry-After", "x-rate-limit-retry-after-seconds")
        self._client = client
        self._url = settings.lens_url.rstrip("/") + SEARCH_PATH
        self._max = settings.fetch_max_results

    def _post(self, body: dict[str, Any]) -> bytes:
        response = self._client.request(
            "POST",
            self._url,
            headers={
                "Authorization": f"Bearer {self._token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
            json=body,
        )
        status = response.status_code
        if status in (401, 403):
            raise self._client.fail(
                f"{SERVICE} refuses the token (HTTP {status}): check PATNAV_LENS_TOKEN "
                "(the setting lens_token) and that it grants patent API access. " + HOW
            )
        if status == 400:
            raise self._client.fail(
                f"{SERVICE} refused the search (HTTP 400): {error_detail(response)}"
            )
        if status != 200:
            raise self._client.fail(
                f"{SERVICE} answered HTTP {status}: {error_detail(response)}"
            )
        return response.content

    def fetch(
        self, numbers: Iterable[str], what: Iterable[str]
    ) -> Iterator[Fetched | Missing]:
        """One request per batch of numbers; numbers Lens has nothing for are missing.

        Raises:
            ExternalServiceError: Lens refuses the token, or fails after retries.
        """
        wanted = list(numbers)
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            body = {
                "query": {
                    "bool": {
                        "should": [_number_clause(n) for n in batch],
                        "minimum_should_match": 1,
                    }
                },
                "size": PAGE,
                "include": list(INCLUDE),
            }
            content = self._post(body)
            found = _numbers_in(content)
            name = f"numbers-{start // BATCH + 1:03d}.json"
            yield Fetched(
                number=",".join(batch),
                what="biblio",
                name=name,
                fmt=lens_json.FORMAT,
                url=self._url,
                content=content,
            )
            for number in batch:
                if number not in found:
                    yield Missing(
                        number, "biblio", "Lens has no publication of this number"
                    )

    def search(self, query: str, what: Sequence[str]) -> Iterator[Fetched | Missing]:
        """The documents a Lens search finds, a page a request, up to
        ``fetch_max_results``.

        Raises:
            ExternalServiceError: Lens refuses the token or the query.
        """
        got = 0
        page = 0
        while got < self._max:
            size = min(PAGE, self._max - got)
            body = {
                "query": {"query_string": {"query": query}},
                "size": size,
                "from": got,
                "include": list(INCLUDE),
            }
            content = self._post(body)
            try:
                doc = json.loads(content)
                items = doc.get("data") or []
                total = int(doc.get("total") or 0)
            except (ValueError, AttributeError, TypeError):
                raise self._client.fail(
                    f"{SERVICE} answered the search with something that is not its "
                    f"JSON: {excerpt(content[:200].decode('utf-8', 'replace'), 120)}"
                ) from None
            page += 1
            if not items:
                if page == 1:
                    yield Missing(query, "biblio", "Lens finds nothing for this search")
                return
            yield Fetched(
                number=query,
                what="biblio",
                name=f"{file_stem(query)[:40]}-{page:03d}.json",
                fmt=lens_json.FORMAT,
                url=self._url,
                content=content,
            )
            got += len(items)
            if got >= total:
                return


def _number_clause(number: str) -> dict[str, Any]:
    office, digits = split_number(number)
    return {
        "bool": {
            "must": [
                {"term": {"jurisdiction": office}},
                {"term": {"doc_number": digits}},
            ]
        }
    }


def _numbers_in(content: bytes) -> set[str]:
    try:
        doc = json.loads(content)
    except ValueError:
        return set()
    found = set()
    for item in doc.get("data") or [] if isinstance(doc, dict) else []:
        if isinstance(item, dict):
            found.add(f"{item.get('jurisdiction', '')}{item.get('doc_number', '')}")
    return found
