"""FTO screening (侵权风险排查, issue 16): a product against the claims in force in its
target countries.

- :mod:`patnav.models.fto.product` — the product as features (text, list or document);
- :mod:`patnav.models.fto.retrieval` — candidates by hybrid full-text and semantic ranking,
  narrowed by IPC / applicants / an expert query, placed by
  :func:`patnav.analyses.fto_scope.fto_scope`;
- :mod:`patnav.models.fto.charts` — claim charts, the all-elements rule and risk;
- :mod:`patnav.models.fto.screening` — :func:`screen`, the whole screening.

See ``docs/fto.md``.
"""

from patnav.models.fto.charts import (
    MET,
    POSSIBLE,
    RISK_ZH,
    VERDICT_ZH,
    VERDICTS,
    ClaimChart,
    DocumentChart,
    ElementMatch,
    Matcher,
    chart_documents,
    claim_verdict,
    risk_level,
)
from patnav.models.fto.product import (
    Product,
    ProductFeature,
    product_from_features,
    product_from_text,
    read_product,
    split_features,
)
from patnav.models.fto.retrieval import (
    Candidate,
    CandidateStatus,
    Retrieval,
    prefilter_query,
    retrieve,
    status_of,
)
from patnav.models.fto.screening import (
    DISCLAIMER,
    FtoScreening,
    ScreenedCandidate,
    screen,
)

__all__ = [
    "DISCLAIMER",
    "MET",
    "POSSIBLE",
    "RISK_ZH",
    "VERDICTS",
    "VERDICT_ZH",
    "Candidate",
    "CandidateStatus",
    "ClaimChart",
    "DocumentChart",
    "ElementMatch",
    "FtoScreening",
    "Matcher",
    "Product",
    "ProductFeature",
    "Retrieval",
    "ScreenedCandidate",
    "chart_documents",
    "claim_verdict",
    "prefilter_query",
    "product_from_features",
    "product_from_text",
    "read_product",
    "retrieve",
    "risk_level",
    "screen",
    "split_features",
    "status_of",
]
