"""Text machinery shared by search and analyses: below both, importing neither.

- :mod:`~patnav.text.matching` — how a text term matches text (the CJK and Latin character
  classes, wildcards, word boundaries), as SQL and as index grams that agree with it.
- :mod:`~patnav.text.segmentation` — Chinese segmentation (jieba with the technical
  vocabularies, cached) and English stemming: the tokens full-text ranking indexes.
- :mod:`~patnav.text.vocabularies` — word lists kept as data: the technical vocabularies
  of the data directory, the patent-drafting stoplists, the English–Chinese glossary.
- :mod:`~patnav.text.claim_elements` — one claim split into preamble / characterising part,
  elements with their spans, resolved 所述 / "said" references and its parent claims.
"""

from patnav.text.claim_elements import ClaimElements, Element, split_claim
from patnav.text.segmentation import Analyzer, Segmenter, english_tokens, stem
from patnav.text.vocabularies import (
    BOILERPLATE_EN,
    BOILERPLATE_ZH,
    dictionary_files,
    ipc_titles_file,
    singular,
    technical_vocabulary,
)

__all__ = [
    "BOILERPLATE_EN",
    "BOILERPLATE_ZH",
    "Analyzer",
    "ClaimElements",
    "Element",
    "Segmenter",
    "dictionary_files",
    "english_tokens",
    "ipc_titles_file",
    "singular",
    "split_claim",
    "stem",
    "technical_vocabulary",
]
