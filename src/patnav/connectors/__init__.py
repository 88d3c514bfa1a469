"""Connectors: the part of patnav that reaches the network (``patnav fetch``).

```
fetch.py       fetch(store, settings, service, numbers=…, query=…, what=…) -> FetchReport
http.py        HttpClient: timeouts, retries with back-off, Retry-After, rate limit,
               credentials scrubbed from every message; the only user of httpx
uspto_odp.py   USPTO Open Data Portal: application data (X-API-KEY)
epo_ops.py     EPO OPS 3.2: biblio, INPADOC legal events, families (OAuth2 client
               credentials, token cached, renewed on 401)
lens.py        Lens.org patent API: numbers or a search (bearer token)
lens_json.py   the reader of Lens API answers (not registered for patnav import)
base.py        Fetched, Missing; credentials from the settings
```

The answers are kept unchanged in a fetch folder and imported through the same
pipeline as ``patnav import``. Nothing outside this package imports ``httpx``.
"""

from __future__ import annotations

from patnav.connectors.fetch import SERVICES, FetchReport, fetch, parse_what

__all__ = ["SERVICES", "FetchReport", "fetch", "parse_what"]
