"""Scopes over the demo corpus: one per source file, so expectations come from that file."""

from __future__ import annotations

import pytest

from patnav.analyses.base import Scope


def file_scope(pattern: str, label: str) -> Scope:
    return Scope.of_sql(
        "SELECT doc_id FROM provenance WHERE file LIKE $pattern",
        {"pattern": pattern},
        label=label,
    )


@pytest.fixture
def taian():
    return file_scope("%taian_patents.xlsx", "泰安")


@pytest.fixture
def cnipa():
    return file_scope("%cnipa_export_199.xlsx", "CNIPA export")


@pytest.fixture
def lens():
    return file_scope("%lens_drones_5884.csv", "Lens drones")
