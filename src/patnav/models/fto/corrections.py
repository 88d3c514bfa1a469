"""An analyst's corrections of element verdicts in an FTO screening (issue 16).

A screening's verdicts are the machine's; an analyst who reads a claim chart may correct
an element's verdict (met / possibly met / not met / unclear) with a comment. A
:class:`VerdictCorrection` records who, when, the verdict before (the machine's, or an
earlier correction's), the new verdict and the comment: an audit trail kept beside the
screening, which itself is never changed. :func:`apply_corrections` gives the screening
as corrected — the latest correction of each element wins, every claim's all-elements
verdict, the dependent claims and each corrected candidate's risk are decided again by
the same rules as the machine's (:func:`patnav.models.fto.charts.with_verdicts`,
:func:`patnav.models.fto.charts.risk_level`). The candidates keep the screening's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from patnav.errors import InvalidParameterError
from patnav.models.fto.charts import (
    VERDICT_ZH,
    VERDICTS,
    ClaimChart,
    ElementMatch,
    risk_level,
    with_verdicts,
)
from patnav.models.fto.screening import FtoScreening, ScreenedCandidate

MAX_COMMENT = 2000
"""Characters of a correction's comment kept."""


@dataclass(frozen=True, slots=True)
class VerdictCorrection:
    """One correction of one element's verdict."""

    pub_number: str
    """The candidate's publication number (its doc_id when it has none)."""
    claim: int | None
    element: int
    """The element's index in the claim chart."""
    old_verdict: str
    """The verdict before this correction (the machine's or an earlier correction's)."""
    verdict: str
    comment: str | None
    by: str
    """Who corrected it (user name)."""
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "pub_number": self.pub_number,
            "claim": self.claim,
            "element": self.element,
            "old_verdict": self.old_verdict,
            "old_verdict_label": VERDICT_ZH[self.old_verdict],
            "verdict": self.verdict,
            "verdict_label": VERDICT_ZH[self.verdict],
            "comment": self.comment,
            "by": self.by,
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VerdictCorrection:
        claim = data.get("claim")
        return cls(
            str(data["pub_number"]),
            None if claim is None else int(claim),
            int(data["element"]),
            str(data["old_verdict"]),
            str(data["verdict"]),
            data.get("comment"),
            str(data["by"]),
            datetime.fromisoformat(str(data["at"])),
        )


def number_of(candidate: ScreenedCandidate) -> str:
    """How a correction names a candidate: its publication number, else its doc_id."""
    return candidate.candidate.pub_number or candidate.candidate.doc_id


def _claim_label(claim: int | None) -> str:
    return f"权利要求{claim}" if claim is not None else "权利要求（未编号）"


def find_element(
    result: FtoScreening, pub_number: str, claim: int | None, element: int
) -> tuple[ScreenedCandidate, ClaimChart, ElementMatch]:
    """The charted element a correction names.

    Raises:
        InvalidParameterError: no such candidate, claim chart or element (in Chinese
            and English: what was asked, what exists).
    """
    wanted = pub_number.strip().upper()
    cand = next(
        (
            c
            for c in result.candidates
            if wanted
            in {number_of(c).upper(), c.candidate.doc_id.upper()}
            | ({c.candidate.pub_number.upper()} if c.candidate.pub_number else set())
        ),
        None,
    )
    if cand is None:
        raise InvalidParameterError(
            f"本次排查的候选专利中没有 {pub_number}（No candidate {pub_number!r} in "
            "this screening）：候选专利为 "
            + "、".join(number_of(c) for c in result.candidates)
            + "。"
        )
    charts = [c for c in (*cand.chart.claims, *cand.chart.fallbacks) if c.elements]
    chart = next((c for c in charts if c.num == claim), None)
    if chart is None:
        raise InvalidParameterError(
            f"{number_of(cand)} 没有{_claim_label(claim)}的对比表（no claim chart of "
            f"claim {claim}）：可修正的权利要求为 "
            + ("、".join(str(c.num) for c in charts) or "无")
            + "。"
        )
    match = next((e for e in chart.elements if e.index == element), None)
    if match is None:
        raise InvalidParameterError(
            f"{number_of(cand)} {_claim_label(claim)}没有序号为 {element} 的技术特征"
            f"（claim {claim} has no element {element}）：序号为 "
            + "、".join(str(e.index) for e in chart.elements)
            + "。"
        )
    return cand, chart, match


def check_verdict(verdict: str) -> str:
    """The verdict, if it is one of :data:`VERDICTS`.

    Raises:
        InvalidParameterError: any other value (in Chinese and English).
    """
    if verdict not in VERDICTS:
        raise InvalidParameterError(
            f"结论应为 met（满足）、possibly_met（可能满足）、not_met（不满足）或 "
            f"unclear（无法判断），实为 {verdict!r}（verdict must be one of "
            f"{', '.join(VERDICTS)}）。"
        )
    return verdict


def current_verdicts(
    corrections: Sequence[VerdictCorrection],
) -> dict[str, dict[tuple[int | None, int], str]]:
    """The latest corrected verdict of each element, by candidate (in the order given:
    a later correction of the same element wins)."""
    out: dict[str, dict[tuple[int | None, int], str]] = {}
    for c in corrections:
        out.setdefault(c.pub_number.upper(), {})[(c.claim, c.element)] = c.verdict
    return out


def apply_corrections(
    result: FtoScreening, corrections: Sequence[VerdictCorrection]
) -> FtoScreening:
    """The screening with the corrections applied (see the module docstring). Without
    corrections it is the screening itself."""
    if not corrections:
        return result
    verdicts = current_verdicts(corrections)
    candidates = []
    for c in result.candidates:
        mine = verdicts.get(number_of(c).upper())
        if not mine:
            candidates.append(c)
            continue
        chart = with_verdicts(c.chart, mine)
        risk, reasons = risk_level(chart, c.status.status)
        note = f"经分析师修正{len(mine)}项技术特征的结论"
        candidates.append(replace(c, chart=chart, risk=risk, reasons=(*reasons, note)))
    return replace(result, candidates=tuple(candidates))
