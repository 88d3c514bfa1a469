"""The enrichment run: every step, idempotent, recorded in enrich_runs."""

from __future__ import annotations

import json

import pytest

from patnav.enrich import STEPS, enrich
from patnav.errors import InvalidParameterError


def test_first_run_changes_rows_and_second_changes_nothing(enriched_run):
    _, first, second = enriched_run
    assert [s.step for s in first.steps] == list(STEPS)
    assert all(s.changed > 0 for s in first.steps), [
        (s.step, s.changed) for s in first.steps
    ]
    assert [(s.step, s.changed) for s in second.steps] == [(s, 0) for s in STEPS]
    assert not any(s.skipped for s in first.steps)


def test_each_run_is_recorded(enriched):
    rows = enriched.rows(
        "SELECT step, changed, summary FROM enrich_runs ORDER BY run_id"
    )
    assert [r[0] for r in rows] == list(STEPS) * 2
    assert all(r[1] == 0 for r in rows[len(STEPS) :])
    summary = json.loads(rows[0][2])
    assert summary["titles"]["IPC"] == 77_237


def test_unknown_step_is_refused(store, settings):
    with pytest.raises(InvalidParameterError, match="the steps are class_titles"):
        enrich(store, settings, ["nonsense"])


def test_missing_reference_data_skips_with_a_reason(store, settings, tmp_path):
    report = enrich(
        store,
        settings.model_copy(update={"data_dir": tmp_path}),
        ["class_titles", "industries"],
    )
    assert all(s.skipped and "PATNAV_DATA_DIR" in s.skipped for s in report.steps)


def test_titles_reload_only_when_something_changed(enriched_copy, settings):
    assert (
        enrich(enriched_copy, settings, ["class_titles"]).steps[0].summary["reloaded"]
        is False
    )
    enriched_copy.execute(
        "DELETE FROM class_titles WHERE scheme = 'IPC' AND code = 'H04W'"
    )
    again = enrich(enriched_copy, settings, ["class_titles"]).steps[0]
    assert again.changed == 1 and again.summary["reloaded"] is True
