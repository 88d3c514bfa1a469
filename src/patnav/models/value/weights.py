"""Weights per use and grade cut points of the value model, read from a YAML data file.

The shipped file is ``weights.yaml`` beside this module (its comments say where each weight
comes from); a user replaces it with ``--weights FILE`` of the same structure::

    model: my-bank-v2
    grades: {A: 72, B: 62, C: 52, D: 42}
    uses:
      pledge:
        label_zh: 质押融资
        weights: {legal_status: 15, remaining_term: 15, claims_count: 6, ...}

Every problem is a :class:`~patnav.errors.WeightsError` saying where and what to write.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from patnav.errors import WeightsError
from patnav.models.value.indicators import BY_NAME, INDICATORS
from patnav.yamlsafe import load_yaml_file

USES: tuple[str, ...] = ("pledge", "transfer", "licence", "equity", "management")
USE_LABELS: dict[str, str] = {
    "pledge": "质押融资",
    "transfer": "转让",
    "licence": "许可",
    "equity": "作价入股",
    "management": "管理",
}
GRADES: tuple[str, ...] = ("A", "B", "C", "D", "E")
DEFAULT_WEIGHTS = Path(__file__).with_name("weights.yaml")


@dataclass(frozen=True, slots=True)
class Weights:
    """A validated weights file: per use, the weight of each indicator (relative points,
    0 for an indicator the use leaves out), and the grade cut points (A–D; E below D)."""

    model: str
    uses: dict[str, dict[str, float]]
    labels: dict[str, str]
    cut_points: dict[str, float]
    path: str

    def weight(self, use: str, indicator: str) -> float:
        """The weight ``indicator`` has in ``use`` (0 when not listed)."""
        return self.uses[use].get(indicator, 0.0)

    def without_events(self) -> Weights:
        """The event-free variant: every indicator computed from legal status, events,
        maintenance or the term gets weight 0 (for validation against those outcomes)."""
        uses = {
            use: {name: w for name, w in ws.items() if not BY_NAME[name].event_based}
            for use, ws in self.uses.items()
        }
        return Weights(
            f"{self.model}-event-free", uses, self.labels, self.cut_points, self.path
        )

    def grade(self, score: float | None) -> str | None:
        """The grade of ``score`` by the cut points; None for no score."""
        if score is None:
            return None
        for grade in GRADES[:-1]:
            if score >= self.cut_points[grade]:
                return grade
        return GRADES[-1]


def load_weights(path: Path | str | None = None) -> Weights:
    """The weights in ``path`` (default: the shipped ``weights.yaml``), validated.

    Raises:
        WeightsError: the file's structure or a value is wrong (the message says where).
        YamlError, InputError: the file is no YAML or cannot be read.
    """
    p = Path(path) if path is not None else DEFAULT_WEIGHTS
    data = load_yaml_file(p)
    return parse_weights(data, source=str(p))


def parse_weights(data: Any, *, source: str = "<weights>") -> Weights:
    """Validate the YAML value ``data`` of a weights file into :class:`Weights`."""

    def fail(where: str, message: str) -> WeightsError:
        return WeightsError(f"权重文件 {source} 的 {where}：{message}")

    if not isinstance(data, dict):
        raise fail("顶层", "应为映射（model、grades、uses），实为其他内容。")
    unknown = set(data) - {"model", "grades", "uses"}
    if unknown:
        raise fail("顶层", f"未知的键 {sorted(unknown)}；只能有 model、grades、uses。")
    model = data.get("model")
    if not isinstance(model, str) or not model.strip():
        raise fail("model", "应为非空文字（模型与权重的版本名）。")
    cuts = _cut_points(data.get("grades"), fail)
    uses_raw = data.get("uses")
    if not isinstance(uses_raw, dict) or not uses_raw:
        raise fail("uses", f"应为至少含一种用途的映射，可用：{', '.join(USES)}。")
    uses: dict[str, dict[str, float]] = {}
    labels: dict[str, str] = {}
    for use, body in uses_raw.items():
        if use not in USES:
            raise fail(f"uses.{use}", f"未知用途；可用：{', '.join(USES)}。")
        uses[use], labels[use] = _use(use, body, fail)
    return Weights(model.strip(), uses, labels, cuts, source)


def _cut_points(raw: Any, fail: Any) -> dict[str, float]:
    if not isinstance(raw, dict) or set(raw) != set(GRADES[:-1]):
        raise fail(
            "grades", "应为 A、B、C、D 四个分界分数，如 {A: 72, B: 62, C: 52, D: 42}。"
        )
    cuts: dict[str, float] = {}
    for grade in GRADES[:-1]:
        value = raw[grade]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(f"grades.{grade}", f"应为 0–100 的数，实为 {value!r}。")
        if not 0 <= value <= 100:
            raise fail(f"grades.{grade}", f"应在 0–100 之间，实为 {value}。")
        cuts[grade] = float(value)
    values = [cuts[g] for g in GRADES[:-1]]
    if any(a <= b for a, b in itertools.pairwise(values)):
        raise fail("grades", f"分界应严格递减（A > B > C > D），实为 {values}。")
    return cuts


def _use(use: str, body: Any, fail: Any) -> tuple[dict[str, float], str]:
    if not isinstance(body, dict) or "weights" not in body:
        raise fail(f"uses.{use}", "应为含 weights（及可选 label_zh）的映射。")
    extra = set(body) - {"weights", "label_zh"}
    if extra:
        raise fail(f"uses.{use}", f"未知的键 {sorted(extra)}。")
    label = body.get("label_zh", USE_LABELS[use])
    if not isinstance(label, str):
        raise fail(f"uses.{use}.label_zh", "应为文字。")
    raw = body["weights"]
    if not isinstance(raw, dict) or not raw:
        raise fail(f"uses.{use}.weights", "应为“指标: 权重”的映射。")
    weights: dict[str, float] = {}
    for name, value in raw.items():
        where = f"uses.{use}.weights.{name}"
        if name not in BY_NAME:
            known = ", ".join(i.name for i in INDICATORS)
            raise fail(where, f"未知指标；可用：{known}。")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(where, f"权重应为非负数，实为 {value!r}。")
        if value < 0:
            raise fail(where, f"权重应为非负数，实为 {value}。")
        if value > 0:
            weights[name] = float(value)
    if not weights:
        raise fail(f"uses.{use}.weights", "至少一个指标的权重应大于 0。")
    return weights, label
