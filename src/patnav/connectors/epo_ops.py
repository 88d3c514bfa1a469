"""EPO Open Patent Services (OPS 3.2): bibliographic data, INPADOC legal events and
families by publication number.

**Access.** OPS uses OAuth2 client credentials: the consumer key and secret of an OPS
application (``epo_ops_key``, ``epo_ops_secret``) are sent once, as HTTP Basic
authentication, to ``POST {epo_ops_url}/auth/accesstoken`` with
``grant_type=client_credentials``; the answer's ``access_token`` is then sent as
``Authorization: Bearer …`` with each request, and kept until its ``expires_in``
(about 20 minutes) is nearly over. A request answered 401 (the token expired early or
was revoked) gets a new token and is sent once more; a second 401 ends the fetch.

**Requests** (the published REST paths, numbers in the ``epodoc`` format ``EP1000000``,
the kind code dropped so every publication of the number is found):

======== ===================================================================== ================
--what   path                                                                  read by
======== ===================================================================== ================
biblio   ``/rest-services/published-data/publication/epodoc/{number}/biblio``  ``epo-docdb``
legal    ``/rest-services/legal/publication/epodoc/{number}``                  ``epo-ops-legal``
family   ``/rest-services/family/publication/epodoc/{number}``                 ``epo-ops-legal``
======== ===================================================================== ================

OPS answers 404 with a fault document for a number it does not know: that number is
reported as missing and the fetch goes on. Its fair-use throttling answers 429 or 503
with ``Retry-After``, which :class:`~patnav.connectors.http.HttpClient` honours; a 403
(the weekly quota used up, or an application without access) ends the fetch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

import httpx

from patnav.config import Settings
from patnav.connectors.base import Fetched, Missing, file_stem, secret
from patnav.connectors.http import HttpClient, error_detail
from patnav.errors import InvalidParameterError, excerpt

SERVICE = "EPO OPS"
WHAT = ("biblio", "legal", "family")
DEFAULT_WHAT = ("biblio", "legal")
TOKEN_PATH = "/auth/accesstoken"
PATHS = {
    "biblio": "/rest-services/published-data/publication/epodoc/{number}/biblio",
    "legal": "/rest-services/legal/publication/epodoc/{number}",
    "family": "/rest-services/family/publication/epodoc/{number}",
}
FORMATS = {"biblio": "epo-docdb", "legal": "epo-ops-legal", "family": "epo-ops-legal"}
TOKEN_MARGIN_S = 60.0
"""A token is renewed this long before OPS says it expires."""
HOW = (
    "Register an application at https://developers.epo.org (My Apps) and export its "
    "consumer key and secret as PATNAV_EPO_OPS_KEY and PATNAV_EPO_OPS_SECRET."
)

_NUMBER = re.compile(r"^([A-Z]{2})(\d{4,12})(?:[A-Z]\d?)?$")


def epodoc_number(text: str) -> str:
    """A publication number in the ``epodoc`` form OPS takes: ``EP1000000`` from
    ``EP1000000A1``, ``EP 1000000 B1`` or ``ep1000000``; ``US2006142694`` from patnav's
    ``US20060142694A1``.

    Raises:
        InvalidParameterError: the text is no publication number with a country code.
    """
    compact = re.sub(r"[\s.\-/,]+", "", text.strip().upper())
    if m := _NUMBER.match(compact):
        country, digits = m[1], m[2]
        if country == "US" and len(digits) == 11 and digits[4] == "0":
            # a US pre-grant publication: epodoc writes US2006142694, not US20060142694
            digits = digits[:4] + digits[5:]
        return country + digits
    raise InvalidParameterError(
        "EPO OPS is searched by publication number with its country code, such as "
        f"EP1000000, EP1000000A1 or WO2019123456A1. Got {excerpt(text, 60)!r}."
    )


class EpoOps:
    """The OPS connector.

    Raises:
        MissingCredentialsError: the key or the secret is not set.
    """

    service = SERVICE
    what = WHAT
    default_what = DEFAULT_WHAT

    def __init__(self, settings: Settings, client: HttpClient) -> None:
        self._key = secret(settings, "epo_ops_key", SERVICE, HOW)
        self._secret = secret(settings, "epo_ops_secret", SERVICE, HOW)
        client.add_secrets([self._key, self._secret])
        self._client = client
        self._base = settings.epo_ops_url.rstrip("/")
        self._token: str | None = None
        self._expires = 0.0
        self.tokens = 0
        """Tokens requested so far."""

    def url(self, what: str, number: str) -> str:
        """The address of one kind of data for a number."""
        return self._base + PATHS[what].format(number=number)

    def _new_token(self) -> str:
        response = self._client.request(
            "POST",
            self._base + TOKEN_PATH,
            headers={"Accept": "application/json"},
            data={"grant_type": "client_credentials"},
            auth=(self._key, self._secret),
        )
        if response.status_code in (400, 401, 403):
            raise self._client.fail(
                f"{SERVICE} refuses the consumer key and secret (HTTP "
                f"{response.status_code}): check PATNAV_EPO_OPS_KEY and "
                "PATNAV_EPO_OPS_SECRET (the settings epo_ops_key, epo_ops_secret). "
                + HOW
            )
        if response.status_code != 200:
            raise self._client.fail(
                f"{SERVICE} did not give an access token (HTTP {response.status_code}): "
                f"{error_detail(response)}"
            )
        try:
            body = json.loads(response.content)
            token = str(body["access_token"])
            lifetime = float(body.get("expires_in") or 1200)
        except (ValueError, KeyError, TypeError):
            raise self._client.fail(
                f"{SERVICE} answered the token request without an access_token: is "
                "epo_ops_url the OPS address (https://ops.epo.org/3.2)?"
            ) from None
        self._client.add_secrets([token])
        self.tokens += 1
        self._token = token
        self._expires = self._client.clock() + max(0.0, lifetime - TOKEN_MARGIN_S)
        return token

    def token(self) -> str:
        """The access token, requested when there is none or it is about to expire."""
        if self._token is None or self._client.clock() >= self._expires:
            return self._new_token()
        return self._token

    def get(self, url: str) -> httpx.Response:
        """A GET with the bearer token; a 401 renews the token and retries once.

        Raises:
            ExternalServiceError: the renewed token is refused too, or OPS refuses access.
        """
        response = None
        for attempt in range(2):
            token = self.token() if attempt == 0 else self._new_token()
            response = self._client.request(
                "GET",
                url,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Accept": "application/xml",
                },
            )
            if response.status_code != 401:
                break
        assert response is not None
        if response.status_code == 401:
            raise self._client.fail(
                f"{SERVICE} refuses a freshly issued access token (HTTP 401): the OPS "
                "application may lack access to this service. " + HOW
            )
        if response.status_code == 403:
            raise self._client.fail(
                f"{SERVICE} refuses the request (HTTP 403"
                + (
                    f", {excerpt(reason, 80)}"
                    if (reason := response.headers.get("X-Rejection-Reason"))
                    else ""
                )
                + "): the fair-use quota of the OPS application may be used up for "
                "this week, or the application has no access. Try again later."
            )
        return response

    def fetch(
        self, numbers: Iterable[str], what: Iterable[str]
    ) -> Iterator[Fetched | Missing]:
        """One response per number and kind of data.

        Raises:
            ExternalServiceError: OPS refuses the credentials, or fails after retries.
        """
        kinds = list(what)
        for number in numbers:
            for kind in kinds:
                url = self.url(kind, number)
                response = self.get(url)
                status = response.status_code
                if status == 200:
                    yield Fetched(
                        number=number,
                        what=kind,
                        name=f"{file_stem(number)}.{kind}.xml",
                        fmt=FORMATS[kind],
                        url=url,
                        content=response.content,
                    )
                elif status in (400, 404):
                    reason = (
                        "EPO OPS has no such publication"
                        if status == 404
                        else f"EPO OPS refused the request (HTTP 400): {error_detail(response)}"
                    )
                    yield Missing(number, kind, self._client.scrub(reason))
                else:
                    raise self._client.fail(
                        f"{SERVICE} answered HTTP {status} for {kind} of {number}: "
                        f"{error_detail(response)}"
                    )
