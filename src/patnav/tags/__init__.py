"""Tagging (标引): tag schemes, tags by analysts with review and agreement, and assisted
tagging — suggestions with calibrated scores, a review queue ordered by active learning,
and an explicit threshold that turns suggestions into tags (issue 19).

Tags are searchable everywhere with ``TAG=节点`` or ``TAG=方案:节点`` (see docs/search.md),
so every analysis, spec node and report can use them. See docs/tagging.md.
"""

from __future__ import annotations

from patnav.tags.agreement import (
    Agreement,
    Disagreement,
    NodeAgreement,
    ReviewItems,
    agreement,
    cohen_kappa,
    fleiss_kappa,
    review_items,
)
from patnav.tags.files import TagImport, import_tags, read_tag_file
from patnav.tags.model import TagSuggester, expected_calibration_error
from patnav.tags.schemes import (
    TagScheme,
    get_scheme,
    list_schemes,
    nodes_of_spec,
    save_scheme,
)
from patnav.tags.suggest import (
    ReviewQueue,
    ScoreCache,
    Suggestions,
    above_threshold,
    accept_suggestions,
    review_queue,
    suggest_tags,
)
from patnav.tags.tagging import (
    SOURCES,
    Coverage,
    TagChange,
    TagList,
    add_tags,
    list_tags,
    query_coverage,
    remove_tags,
    review_tags,
    undo_tags,
)

__all__ = [
    "SOURCES",
    "Agreement",
    "Coverage",
    "Disagreement",
    "NodeAgreement",
    "ReviewItems",
    "ReviewQueue",
    "ScoreCache",
    "Suggestions",
    "TagChange",
    "TagImport",
    "TagList",
    "TagScheme",
    "TagSuggester",
    "above_threshold",
    "accept_suggestions",
    "add_tags",
    "agreement",
    "cohen_kappa",
    "expected_calibration_error",
    "fleiss_kappa",
    "get_scheme",
    "import_tags",
    "list_schemes",
    "list_tags",
    "nodes_of_spec",
    "query_coverage",
    "read_tag_file",
    "remove_tags",
    "review_items",
    "review_queue",
    "review_tags",
    "save_scheme",
    "suggest_tags",
    "undo_tags",
]
