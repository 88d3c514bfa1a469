"""Notifications: monitor alerts delivered to the in-app inbox, by e-mail over SMTP and
by signed webhooks, at once or in daily and weekly digests — Chinese first.

```
alert          Alert: the monitors' alert dict, read and checked
channels/      inbox (per user: read, acknowledged) · email (SMTP) · webhook (HMAC-signed)
templates      subjects and bodies of mails, rule names (Chinese, English on request)
digest         a period's alerts grouped by monitor and rule; when a digest is due
subscriptions  who receives a tenant's alerts by e-mail or webhook
dispatch       deliver alerts once per channel and recipient; send due digests; retry
```

The state lives in the platform database (``notify_alerts``, ``notify_inbox``,
``notify_subscriptions``, ``notify_deliveries``). Notifications never import the
monitors: they take alerts as plain dicts of the monitors' shape. E-mail and webhooks
are the only network calls here, and go only to addresses users configured.
"""

from __future__ import annotations

from patnav.notify.alert import Alert, read_alerts
from patnav.notify.dispatch import (
    Channels,
    DispatchReport,
    dispatch,
    retry_failed,
    send_digests,
)

__all__ = [
    "Alert",
    "Channels",
    "DispatchReport",
    "dispatch",
    "read_alerts",
    "retry_failed",
    "send_digests",
]
