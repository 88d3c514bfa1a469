"""The SME cultivation library (专利产业化促进中小企业成长计划 培育库): the ten admission
criteria per enterprise (:mod:`.check` reads the store and runs :mod:`.criteria`, one function
per criterion, into the results of :mod:`.results`), the enterprises' declarations
(:mod:`.declarations`) and the 专利密集型产业 concordance a user loads (:mod:`.industries`)."""

from patnav.models.sme.check import (
    CRITERIA,
    Criterion,
    EnterpriseEligibility,
    Evidence,
    SmeCheck,
    check_sme,
)
from patnav.models.sme.declarations import Declaration, read_declarations
from patnav.models.sme.industries import DenseIndustries, read_dense_industries

__all__ = [
    "CRITERIA",
    "Criterion",
    "Declaration",
    "DenseIndustries",
    "EnterpriseEligibility",
    "Evidence",
    "SmeCheck",
    "check_sme",
    "read_declarations",
    "read_dense_industries",
]
