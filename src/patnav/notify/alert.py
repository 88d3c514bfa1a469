"""An alert as monitors hand it to notifications: a plain dict, read into :class:`Alert`.

The shape is the monitors' promise (``patnav monitor run --json`` prints the same keys)::

    {"alert_id": str | int, "monitor": str, "rule": str, "pub_number": str | None,
     "message": str (Chinese), "evidence": dict, "created_at": ISO 8601 str}

(other keys — ``doc_id``, ``run_id``, the acknowledgement and mute fields — are
ignored). ``pub_number`` is ``None`` for an alert on no single patent (a new applicant
entering). Notifications never import the monitors: whatever produces dicts of this
shape can be dispatched.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from patnav.errors import InvalidParameterError, excerpt

KEYS: tuple[str, ...] = (
    "alert_id",
    "monitor",
    "rule",
    "pub_number",
    "message",
    "evidence",
    "created_at",
)
"""The keys of an alert dict, in the order they are written."""


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


@dataclass(frozen=True, slots=True)
class Alert:
    """One monitor alert: which monitor and rule fired, on which patent, the Chinese
    message, the evidence (what was seen), and when (naive UTC)."""

    alert_id: str
    monitor: str
    rule: str
    pub_number: str | None
    message: str
    created_at: datetime
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Alert:
        """An alert from its dict; ``created_at`` an ISO 8601 string (or a datetime).

        Raises:
            InvalidParameterError: a key is missing or empty, the evidence is no
                mapping, or ``created_at`` is no ISO 8601 time.
        """
        missing = [
            k
            for k in KEYS
            if k not in ("evidence", "pub_number") and data.get(k) in (None, "")
        ]
        if missing:
            raise InvalidParameterError(
                f"An alert needs {', '.join(missing)}; got the keys "
                f"{excerpt(sorted(map(str, data)))}. Pass the alerts as "
                "'patnav monitor run --json' writes them."
            )
        evidence = data.get("evidence") or {}
        if not isinstance(evidence, Mapping):
            raise InvalidParameterError(
                f"Alert {excerpt(data['alert_id'])}: evidence must be an object, got "
                f"{excerpt(evidence)}."
            )
        raw = data["created_at"]
        if isinstance(raw, datetime):
            created = raw
        else:
            try:
                created = datetime.fromisoformat(str(raw))
            except ValueError:
                raise InvalidParameterError(
                    f"Alert {excerpt(data['alert_id'])}: created_at must be an ISO 8601 "
                    f"time such as 2026-12-07T08:00:00+00:00, got {excerpt(raw)}."
                ) from None
        return cls(
            alert_id=str(data["alert_id"]),
            monitor=str(data["monitor"]),
            rule=str(data["rule"]),
            pub_number=str(data["pub_number"]).strip() or None
            if data.get("pub_number") is not None
            else None,
            message=str(data["message"]),
            created_at=_naive_utc(created),
            evidence=dict(evidence),
        )

    def to_dict(self) -> dict[str, Any]:
        """The alert as a dict of the monitors' shape (``created_at`` in ISO 8601,
        UTC)."""
        return {
            "alert_id": self.alert_id,
            "monitor": self.monitor,
            "rule": self.rule,
            "pub_number": self.pub_number,
            "message": self.message,
            "evidence": dict(self.evidence),
            "created_at": self.created_at.replace(tzinfo=UTC).isoformat(),
        }

    def evidence_json(self) -> str:
        """The evidence as JSON text (how the platform stores it)."""
        return json.dumps(dict(self.evidence), ensure_ascii=False, default=str)


def read_alerts(items: object) -> list[Alert]:
    """Alerts from a list of dicts (or :class:`Alert` objects), or from the JSON object
    ``patnav monitor run --json`` writes (its ``alerts`` key).

    Raises:
        InvalidParameterError: the input is neither, or an alert is malformed.
    """
    if isinstance(items, Mapping):
        items = items.get("alerts")
    if not isinstance(items, list | tuple):
        raise InvalidParameterError(
            f"Expected a list of alerts or an object with 'alerts', got {excerpt(items)}."
        )
    return [a if isinstance(a, Alert) else Alert.from_dict(a) for a in items]
