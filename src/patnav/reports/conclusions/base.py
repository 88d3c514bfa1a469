"""What a conclusion rule is (:class:`Rule`), and the rules' helpers: the sentence in the
report's language, counts with units."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from patnav.analyses.chain import NodePosition, Player
from patnav.i18n import say
from patnav.reports import labels as L
from patnav.reports.context import Results
from patnav.reports.model import Finding


@dataclass(frozen=True, slots=True)
class Rule:
    """A conclusion rule: its name, what it finds and its thresholds (zh, en)."""

    name: str
    zh: str
    en: str
    thresholds_zh: str
    thresholds_en: str
    func: Callable[[Results], list[Finding]]

    def meaning(self, lang: str) -> str:
        """What the rule finds, in ``lang``."""
        return say(lang, self.zh, self.en)

    def thresholds(self, lang: str) -> str:
        """The rule's thresholds, in ``lang``."""
        return say(lang, self.thresholds_zh, self.thresholds_en)


def _q(r: Results, n: int | float | None) -> str:
    return L.qty(n, r.count_by, r.lang)


def _cmp(r: Results, basis: str) -> str:
    if basis == "national":
        return say(r.lang, "全国", "the nation")
    return say(r.lang, "全球", "the world")


def _share_text(r: Results, n: NodePosition) -> str:
    share = n.share_of_national if n.rta_basis == "national" else n.share_of_world
    return L.pct(share)


def _comparator_growth(n: NodePosition) -> float | None:
    """The comparator's (the nation's, or the world's for a country at home) growth."""
    return n.comparator_growth


def _player(r: Results, p: Player) -> str:
    unknown = p.location in ("未知", "unknown", "")
    if r.lang == "en":
        parts = [] if unknown else [L.location(p.location, r.lang)]
        parts += [_q(r, p.units), f"{_q(r, p.recent)} recent"]
        if p.growth is not None:
            parts.append(L.signed_pct(p.growth))
        if p.last_year is not None:
            parts.append(f"last filed {p.last_year}")
        return f"{p.name} ({', '.join(parts)})"
    parts = [] if unknown else [L.location(p.location, r.lang)]
    parts += [_q(r, p.units), f"近三年 {_q(r, p.recent)}"]
    if p.growth is not None:
        parts.append(L.signed_pct(p.growth))
    if p.last_year is not None:
        parts.append(f"末次申请 {p.last_year} 年")
    return f"{p.name}（{'，'.join(parts)}）"
