"""The labelled Chinese name-variant set and the applicant names of the real CN exports.

``tests/data/zh_name_variants.csv`` says how the set was made. :func:`export_names`
reads every applicant name of the Chinese database exports with pandas (not patnav's
readers), :func:`evaluate` resolves them all as the store would and scores the labelled
pairs. The benchmark (``python -m bench enrich``) and the tests share them.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd

from patnav.enrich.entities import resolve
from patnav.enrich.names import name_key
from patnav.enrich.seeds import BILINGUAL_SEEDS
from patnav.enrich.variants import variant_links

PAIRS = Path(__file__).resolve().parents[1] / "data" / "zh_name_variants.csv"
EXPORTS = "formats/cn-db-exports"
# (file, columns holding applicant names); names split at ';' and '|'
COLUMNS = {
    "incopat_GM_autodriving_10000.xlsx": ("申请人",),
    "incopat_iflytek_3816.xlsx": ("申请人",),
    "incopat_toyota_autodriving_CN.xlsx": ("申请人",),
    "patentics_CN_TI-增强现实_20220530.csv": ("申请人", "标准化申请人"),
    "patentics_CN_TI-虚拟现实_20220507.csv": ("申请人", "标准化申请人"),
    "patentics_didi_global_4011.csv": ("申请人", "标准化申请人"),
    "patsnap_zhongzhixin_2020_2022.xlsx": ("当前申请专利权人",),
}
_SPLIT = re.compile(r"[;|；]")


def labelled_pairs() -> pd.DataFrame:
    """``kind, same, name_a, name_b`` of every labelled pair."""
    return pd.read_csv(PAIRS, comment="#", dtype={"same": int})


def export_names(data_dir: Path) -> Counter[str]:
    """Every applicant name in the Chinese database exports, with its mentions."""
    names: Counter[str] = Counter()
    for file, columns in COLUMNS.items():
        path = data_dir / EXPORTS / file
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # openpyxl: workbook without a default style
            frame = (
                pd.read_csv(path, index_col=False, dtype=str)
                if file.endswith(".csv")
                else pd.read_excel(path, dtype=str)
            )
        for column in columns:
            for cell in frame[column].dropna():
                for name in _SPLIT.split(cell):
                    name = name.strip().strip("[]").strip()
                    if name:
                        names[name] += 1
    return names


def evaluate(
    names: Counter[str], pairs: pd.DataFrame, *, variant_rules: bool = True
) -> dict[str, dict[str, float | int | None]]:
    """Resolve every export name (the pairs' names among them) and score the pairs.

    The curated bilingual seeds take part as they do in the store; ``variant_rules=False``
    is the resolver before the name-variant rules. Returns per kind of pair and overall
    (``all``): pairs, how many the resolver put together, and pairwise precision and
    recall over the labelled pairs (``None`` where undefined).
    """
    every = Counter(names)
    for name in (*pairs["name_a"], *pairs["name_b"]):
        every[name] += 0
    key_of = {n: name_key(n, variant_rules=variant_rules) for n in every}
    weights: Counter[str] = Counter()
    for name, count in every.items():
        if key_of[name]:
            weights[key_of[name]] += max(count, 1)
    links = [
        (
            name_key(zh, variant_rules=variant_rules),
            name_key(en, variant_rules=variant_rules),
        )
        for zh, ens in BILINGUAL_SEEDS
        for en in ens
    ]
    if variant_rules:
        links += [(a, b) for a, b, _ in variant_links(every, weights)]
    keys = list(weights)
    res = resolve(
        keys, [weights[k] for k in keys], persons=[False] * len(keys), links=links
    )
    label = dict(zip(keys, res.labels.tolist(), strict=True))
    together = [
        bool(key_of[a]) and label.get(key_of[a]) == label.get(key_of[b])
        for a, b in zip(pairs["name_a"], pairs["name_b"], strict=True)
    ]
    scored = pairs.assign(together=together)
    out: dict[str, dict[str, float | int | None]] = {}
    for kind, group in [("all", scored), *scored.groupby("kind", sort=False)]:
        tp = int((group["together"] & (group["same"] == 1)).sum())
        fp = int((group["together"] & (group["same"] == 0)).sum())
        fn = int((~group["together"] & (group["same"] == 1)).sum())
        out[str(kind)] = {
            "pairs": len(group),
            "together": tp + fp,
            "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        }
    return out
