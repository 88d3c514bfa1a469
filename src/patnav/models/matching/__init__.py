"""Supply–demand matching (专利技术供需对接, issue 18): the patents on offer
(:mod:`.supply`), enterprises' needs and owners' listings (:mod:`.inputs`), and the
explained matches in both directions (:mod:`.match`)."""

from patnav.models.matching.inputs import (
    LICENCE_TYPES,
    Listing,
    Need,
    read_listings,
    read_needs,
)
from patnav.models.matching.match import (
    FRAME_COLUMNS,
    Match,
    Matching,
    NeedMatches,
    PatentNeeds,
    in_region,
    match,
    write_match_list,
)
from patnav.models.matching.supply import (
    Supply,
    SupplyItem,
    owner_record,
    supply,
)

__all__ = [
    "FRAME_COLUMNS",
    "LICENCE_TYPES",
    "Listing",
    "Match",
    "Matching",
    "Need",
    "NeedMatches",
    "PatentNeeds",
    "Supply",
    "SupplyItem",
    "in_region",
    "match",
    "owner_record",
    "read_listings",
    "read_needs",
    "supply",
    "write_match_list",
]
