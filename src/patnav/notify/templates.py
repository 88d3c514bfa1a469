"""The texts of notifications — Chinese first, English on request: an alert's e-mail, a
digest's e-mail, the names of the monitors' rules.

Times are shown in Beijing time (UTC+8) in Chinese and in UTC in English; the platform
stores them in UTC. Renderers only: nothing here sends or reads the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from patnav.i18n import Catalogue, say
from patnav.notify.alert import Alert
from patnav.notify.digest import Digest

TEXT = Catalogue(
    "patnav.notify.templates.TEXT",
    {
        # the monitors' names of their rules (patnav.monitors.model.RULES_ZH)
        "rule.new-documents": ("新增文献", "New documents"),
        "rule.new-applicants": ("新申请人", "New applicants"),
        "rule.status-change": ("法律状态变化", "Legal-status change"),
        "rule.event": ("法律事件", "Legal event"),
        "rule.annuity-due": ("年费到期", "Annuity due"),
        "rule.grace": ("进入宽限期", "In the grace period"),
        "rule.expiry": ("即将届满", "Term ending"),
        "rule.high-maintenance": ("高维持年限专利", "High-maintenance-year patent"),
        "subject.one": (
            "【专利导航预警】{monitor}：{pub_number}",
            "[Patent alert] {monitor}: {pub_number}",
        ),
        "subject.daily": (
            "【专利导航预警日报】{count} 条预警（{start}至{end}）",
            "[Patent alerts, daily] {count} alerts ({start} to {end})",
        ),
        "subject.weekly": (
            "【专利导航预警周报】{count} 条预警（{start}至{end}）",
            "[Patent alerts, weekly] {count} alerts ({start} to {end})",
        ),
        "title.one": ("专利导航预警", "Patent navigation alert"),
        "title.daily": ("专利导航预警日报", "Patent navigation alerts: daily digest"),
        "title.weekly": ("专利导航预警周报", "Patent navigation alerts: weekly digest"),
        "field.monitor": ("监控", "Monitor"),
        "field.rule": ("规则", "Rule"),
        "field.patent": ("专利", "Patent"),
        "field.time": ("时间", "Time"),
        "field.message": ("内容", "Message"),
        "digest.period": ("期间：{start} 至 {end}", "Period: {start} to {end}"),
        "digest.first": ("截至 {end}", "Up to {end}"),
        "digest.summary": (
            "共 {count} 条预警，来自 {monitors} 个监控。",
            "{count} alerts from {monitors} monitors.",
        ),
        "digest.monitor": (
            "监控：{monitor}（{count} 条）",
            "Monitor: {monitor} ({count})",
        ),
        "digest.rule": ("{rule}（{count} 条）", "{rule} ({count})"),
        "footer": (
            "本邮件由专利导航平台根据您的订阅自动发送；请登录平台，在“消息”中查看详情、"
            "标记已读或确认。",
            "Sent by the patent navigation platform for your subscription; sign in and "
            "open Inbox to see the details, mark alerts read or acknowledge them.",
        ),
    },
)
"""Every text of a notification."""

BEIJING = timedelta(hours=8)


def rule_label(rule: str, lang: str = "zh") -> str:
    """The name of a monitor rule; a rule this catalogue lacks is shown as it is."""
    return TEXT.label("rule", rule, lang)


def format_time(value: datetime, lang: str = "zh") -> str:
    """A stored (naive UTC) time as people read it: Beijing time in Chinese, UTC in
    English."""
    if lang == "en":
        return f"{value:%Y-%m-%d %H:%M} UTC"
    return f"{value + BEIJING:%Y-%m-%d %H:%M}（北京时间）"


def _date(value: datetime, lang: str) -> str:
    return f"{value:%Y-%m-%d}" if lang == "en" else f"{value + BEIJING:%Y-%m-%d}"


def _clock(value: datetime, lang: str) -> str:
    """Month, day and time, in the zone :func:`format_time` names in the header."""
    return f"{value:%m-%d %H:%M}" if lang == "en" else f"{value + BEIJING:%m-%d %H:%M}"


def alert_subject(alert: Alert, lang: str = "zh") -> str:
    """The subject of one alert's e-mail: the monitor and the patent (the rule, for an
    alert on no single patent)."""
    return TEXT.text(
        "subject.one",
        lang,
        monitor=alert.monitor,
        pub_number=alert.pub_number or rule_label(alert.rule, lang),
    )


def alert_text(alert: Alert, lang: str = "zh") -> str:
    """The plain-text body of one alert's e-mail."""
    colon = say(lang, "：", ": ")
    lines = [
        TEXT.text("title.one", lang),
        "",
        f"{TEXT.text('field.monitor', lang)}{colon}{alert.monitor}",
        f"{TEXT.text('field.rule', lang)}{colon}{rule_label(alert.rule, lang)}",
        *(
            [f"{TEXT.text('field.patent', lang)}{colon}{alert.pub_number}"]
            if alert.pub_number
            else []
        ),
        f"{TEXT.text('field.time', lang)}{colon}{format_time(alert.created_at, lang)}",
        f"{TEXT.text('field.message', lang)}{colon}{alert.message}",
        "",
        "——",
        TEXT.text("footer", lang),
    ]
    return "\n".join(lines) + "\n"


def digest_subject(digest: Digest, lang: str = "zh") -> str:
    """The subject of a digest's e-mail."""
    start = digest.start or min(
        (a.created_at for g in digest.groups for r in g.rules for a in r.alerts),
        default=digest.end,
    )
    return TEXT.text(
        f"subject.{digest.period}",
        lang,
        count=digest.count,
        start=_date(start, lang),
        end=_date(digest.end, lang),
    )


def digest_text(digest: Digest, lang: str = "zh") -> str:
    """The plain-text body of a digest: its alerts by monitor, then rule."""
    end = format_time(digest.end, lang)
    lines = [
        TEXT.text(f"title.{digest.period}", lang),
        (
            TEXT.text(
                "digest.period", lang, start=format_time(digest.start, lang), end=end
            )
            if digest.start
            else TEXT.text("digest.first", lang, end=end)
        ),
        TEXT.text(
            "digest.summary", lang, count=digest.count, monitors=len(digest.groups)
        ),
    ]
    colon = say(lang, "：", ": ")
    for group in digest.groups:
        lines += [
            "",
            TEXT.text("digest.monitor", lang, monitor=group.monitor, count=group.count),
        ]
        for rule in group.rules:
            lines.append(
                "  "
                + TEXT.text(
                    "digest.rule",
                    lang,
                    rule=rule_label(rule.rule, lang),
                    count=len(rule.alerts),
                )
            )
            for number, alert in enumerate(rule.alerts, 1):
                when = _clock(alert.created_at, lang)
                patent = f"{alert.pub_number}{colon}" if alert.pub_number else ""
                lines.append(
                    f"    {number}. {patent}{alert.message}"
                    + say(lang, f"（{when}）", f" ({when})")
                )
    lines += ["", "——", TEXT.text("footer", lang)]
    return "\n".join(lines) + "\n"
