"""Scorers fitted on the store and applied to many records (DESIGN: models).

Each follows scikit-learn's conventions (:mod:`patnav.models.base`): hyper-parameters in
``__init__``, ``fit`` learns from the store and returns ``self``, learned state ends in
``_``, ``score`` raises :class:`~patnav.errors.NotFittedError` before ``fit``. Every score
explains itself: indicator values, percentiles, weights and the inputs it lacked.

- :mod:`patnav.models.value` — patent value on the GB/T 42748 indicator tree
  (法律 / 技术 / 经济), per use, stored in ``value_scores``.
- :mod:`patnav.models.prevalue` — pre-valuation of a pledge portfolio for banks: checks
  with evidence, a value range, the 专利资产预评估报告 and the white list.
- :mod:`patnav.models.capability` — the enterprise innovation capability index among
  province × industry peers; :mod:`patnav.models.high_value` — 每万人口高价值发明专利拥有量.
- :mod:`patnav.models.fto` — FTO screening of a product: candidate claims, claim charts, risk.
"""
