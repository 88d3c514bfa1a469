"""USPTO Open Data Portal (ODP): patent application data by application number.

One request per application, ``GET {uspto_odp_url}/api/v1/patent/applications/{number}``
with the API key in the ``X-API-KEY`` header (the ``ApiKeyAuth`` scheme of the ODP's
swagger). Its answer holds the bibliographic data, the status, the transactions
(``transactionContentBag``, maintenance-fee events included) and the recorded
assignments (``assignmentBag``): every ``--what`` patnav imports from the ODP
(``biblio``, ``legal``, ``transactions``, ``assignments``) comes from that one answer,
which the ``uspto-odp`` reader reads. The narrower endpoints (``/transactions``,
``/assignment``) are not asked: their answers do not name their application, so the
reader could not tell which document they belong to.

The ODP is keyed by **application number** (``16330077``, ``16/330,077``,
``US16330077``, ``PCT/US07/19317``); a patent or publication number (``US10123456B2``)
is refused with a message saying so. ``--set`` gives the application numbers the store
holds for the set's US documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from patnav.config import Settings
from patnav.connectors.base import Fetched, Missing, file_stem, secret
from patnav.connectors.http import HttpClient, error_detail
from patnav.errors import InvalidParameterError, excerpt

SERVICE = "USPTO ODP"
FORMAT = "uspto-odp"
WHAT = ("biblio", "legal", "transactions", "assignments")
DEFAULT_WHAT = WHAT
APPLICATION_PATH = "/api/v1/patent/applications/{applicationNumberText}"
"""The path of the swagger's ``get_patent_application_data`` operation."""
KEY_HEADER = "X-API-KEY"
HOW = (
    "Get an API key at https://data.uspto.gov (sign in, My ODP, API key) and export it, "
    "e.g. export PATNAV_USPTO_ODP_API_KEY=… ."
)

_SERIAL = re.compile(r"^(?:US)?(\d{2})/?(\d{3}),?(\d{3})$")
_PCT = re.compile(r"^PCT/?([A-Z]{2})(\d{2,4})/?(\d{5,6})$")


def application_number(text: str) -> str:
    """An application number in the form the ODP takes: ``16330077`` from
    ``16/330,077`` or ``US16330077``; ``PCT/US07/19317`` for an international one.

    Raises:
        InvalidParameterError: the text is no US application number (a patent or
            publication number, say).
    """
    compact = re.sub(r"\s+", "", text.strip().upper())
    if m := _SERIAL.match(compact):
        return "".join(m.groups())
    if m := _PCT.match(compact):
        return f"PCT/{m[1]}{m[2]}/{m[3]}"
    raise InvalidParameterError(
        f"The USPTO Open Data Portal is searched by application number (8 digits, such "
        f"as 16330077 or 16/330,077, or PCT/US07/19317). Got {excerpt(text, 60)!r}: "
        "give the application number, or fetch the documents of a saved set (--set)."
    )


class UsptoOdp:
    """The ODP connector; the API key comes from ``uspto_odp_api_key``.

    Raises:
        MissingCredentialsError: no API key is set.
    """

    service = SERVICE
    what = WHAT
    default_what = DEFAULT_WHAT

    def __init__(self, settings: Settings, client: HttpClient) -> None:
        self._key = secret(settings, "uspto_odp_api_key", SERVICE, HOW)
        client.add_secrets([self._key])
        self._client = client
        self._base = settings.uspto_odp_url.rstrip("/")

    def url(self, number: str) -> str:
        """The address of an application's data."""
        return self._base + APPLICATION_PATH.format(
            applicationNumberText=quote(number, safe="")
        )

    def fetch(
        self, numbers: Iterable[str], what: Iterable[str]
    ) -> Iterator[Fetched | Missing]:
        """One application response per number (whatever ``what`` asks, it is in it).

        Raises:
            ExternalServiceError: the service refuses the key, or fails after retries.
        """
        asked = ",".join(what)
        for number in numbers:
            url = self.url(number)
            response = self._client.request(
                "GET",
                url,
                headers={KEY_HEADER: self._key, "Accept": "application/json"},
            )
            status = response.status_code
            if status == 200:
                yield Fetched(
                    number=number,
                    what=asked,
                    name=f"{file_stem(number)}.application.json",
                    fmt=FORMAT,
                    url=url,
                    content=response.content,
                )
            elif status == 404:
                yield Missing(
                    number, asked, "the USPTO has no application of this number"
                )
            elif status == 400:
                yield Missing(
                    number,
                    asked,
                    self._client.scrub(
                        f"the USPTO refused the request (HTTP 400): {error_detail(response)}"
                    ),
                )
            elif status in (401, 403):
                raise self._client.fail(
                    f"{SERVICE} refuses the API key (HTTP {status}): check "
                    "PATNAV_USPTO_ODP_API_KEY (the setting uspto_odp_api_key). " + HOW
                )
            else:
                raise self._client.fail(
                    f"{SERVICE} answered HTTP {status} for application {number}: "
                    f"{error_detail(response)}"
                )
