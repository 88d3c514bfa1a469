"""The docs say what the code does: generated reference pages are current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_docs", REPO / "scripts" / "gen_docs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_reference_pages_are_current():
    gen = _generator()
    stale = [
        name
        for name, make in gen.PAGES.items()
        if (REPO / "docs" / "reference" / name).read_text("utf-8") != make()
    ]
    assert not stale, f"run 'make docs': {stale} are stale"


def test_every_setting_has_a_description():
    from patnav.config import Settings

    for name, field in Settings.model_fields.items():
        assert field.description, name
