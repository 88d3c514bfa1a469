"""IPC suggestion (issue 19) on real data: the Tai'an city corpus (7,384 Chinese patents,
title, abstract and main IPC, filed 1985–2015).

The quality test trains on the documents filed before a year and asks for the titles
filed in or after it; the truth and the most-frequent-subclass baseline are computed
with pandas from the raw spreadsheet, not from the store.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from patnav.cli import cli
from patnav.errors import InputError, NotFoundError
from patnav.models.ipc import (
    IpcSuggester,
    read_training_set,
    subclass_of,
    suggest_ipc,
    training_fingerprint,
)
from patnav.models.ipc.cache import model_folder, trained_suggester
from patnav.storage.store import PatentStore

TAIAN = "corpora/cn-taian-7384"
REPO = Path(__file__).resolve().parents[2]

TOP3_FLOOR = 0.35
"""Top-3 subclass accuracy on the later Tai'an titles (filed 2012–2015, trained on
1985–2011) must reach this. Measured: 0.580 with the default (combined) model, 0.594 with
the centroid alone; the most-frequent baseline is 0.137 (top-1: 0.424 against 0.049)."""


@pytest.fixture(scope="module")
def taian_path(tmp_path_factory, data_dir) -> Path:
    from patnav.ingest.pipeline import import_paths
    from patnav.ingest.tabular.columns import load_mapping

    path = tmp_path_factory.mktemp("ipc") / "taian.duckdb"
    with PatentStore.open(path) as store:
        report = import_paths(
            store,
            [data_dir / TAIAN],
            mapping=load_mapping(REPO / "specs" / "taian-import.yaml"),
        )
        assert report.ok
    return path


@pytest.fixture(scope="module")
def raw(data_dir) -> pd.DataFrame:
    """The raw spreadsheet: title, filing year and the subclass of the main IPC."""
    frame = pd.read_excel(
        data_dir / TAIAN / "taian_patents.xlsx", dtype=str, engine="openpyxl"
    )
    frame["subclass"] = frame["主分类号"].str.extract(r"^([A-H]\d{2}[A-Z])")[0]
    frame["year"] = pd.to_numeric(frame["申请日"].str[:4], errors="coerce")
    return frame.dropna(subset=["subclass", "year", "专利名称"])


def _small_copy(taian_path: Path, folder: Path) -> Path:
    """A copy of the store whose documents filed from 2000 on lose their IPC codes: a
    small training set (a few hundred documents) for the tests that train repeatedly."""
    path = folder / "small.duckdb"
    shutil.copy(taian_path, path)
    with PatentStore.open(path) as store:
        store.execute(
            "DELETE FROM classifications WHERE doc_id IN "
            "(SELECT doc_id FROM patents WHERE app_date >= DATE '2000-01-01')"
        )
    return path


def _run(path: Path, *args: str):
    return CliRunner().invoke(
        cli, ["--store", str(path), "ipc", *args], catch_exceptions=False
    )


def test_later_titles_get_their_subclass_in_the_top_3_well_above_the_baseline(
    taian_path, raw
):
    split = int(raw["year"].quantile(0.8))
    before, after = raw[raw["year"] < split], raw[raw["year"] >= split]
    common = before["subclass"].value_counts().index[:3].tolist()
    baseline_top3 = float(after["subclass"].isin(common).mean())
    baseline_top1 = float((after["subclass"] == common[0]).mean())

    with PatentStore.open(taian_path, read_only=True) as store:
        training = read_training_set(store).before(split)
    assert training.documents == pytest.approx(len(before), rel=0.02)
    model = IpcSuggester().fit(training)
    best = model.top(after["专利名称"].tolist(), "subclass", 3)
    truth = after["subclass"].tolist()
    top3 = sum(t in [c for c, _ in b] for b, t in zip(best, truth, strict=True))
    top1 = sum(bool(b) and b[0][0] == t for b, t in zip(best, truth, strict=True))
    top3 /= len(truth)
    top1 /= len(truth)
    assert top3 >= TOP3_FLOOR
    assert top3 > 2 * baseline_top3
    assert top1 > 2 * baseline_top1
    # scores are probabilities, best first
    for b in best[:200]:
        scores = [s for _, s in b]
        assert scores == sorted(scores, reverse=True)
        assert all(0 < s < 1 for s in scores)


def test_suggest_json_names_classes_with_titles_and_the_training_size(
    taian_path, data_dir
):
    result = _run(
        taian_path, "suggest", "一种矿用液压支架的控制阀", "--top", "3", "--json"
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert set(answer) == {"text", "level", "suggestions", "model"}
    assert answer["level"] == "subclass"
    assert 1 <= len(answer["suggestions"]) <= 3
    first = answer["suggestions"][0]
    assert set(first) == {
        "rank",
        "code",
        "level",
        "score",
        "title_zh",
        "title_en",
        "training_documents",
    }
    assert subclass_of(first["code"]) == first["code"]
    assert first["title_zh"] and first["title_en"]
    with PatentStore.open(taian_path, read_only=True) as store:
        documents = store.scalar(
            "SELECT count(DISTINCT doc_id) FROM classifications WHERE scheme = 'IPC'"
        )
    model = answer["model"]
    assert model["training_documents"] == documents
    assert model["classes"] > 50 and model["rare_classes"] > 0
    assert {
        "training_samples",
        "min_documents",
        "calibrated",
        "trained_at",
        "trained_now",
    } <= set(model)


def test_group_level_suggests_main_groups(taian_path):
    result = _run(
        taian_path, "suggest", "一种矿用液压支架", "--level", "group", "--json"
    )
    assert result.exit_code == 0, result.output
    codes = [s["code"] for s in json.loads(result.output)["suggestions"]]
    assert codes and all(c.endswith("/00") for c in codes)


def test_file_gives_one_json_line_per_text_with_its_line_number(taian_path, tmp_path):
    texts = tmp_path / "titles.txt"
    texts.write_text(
        "一种矿用液压支架的控制阀\n\nan electric motor with a rotor winding\nПривет мир\n",
        encoding="utf-8",
    )
    result = _run(taian_path, "suggest", "--file", str(texts), "--top", "2")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [item["line"] for item in lines] == [1, 3, 4]
    assert len(lines[0]["suggestions"]) == 2
    assert lines[0]["text"] == "一种矿用液压支架的控制阀"
    assert "error" in lines[2] and "既没有汉字也没有拉丁字母" in lines[2]["error"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "文本为空"), ("Привет мир 123", "既没有汉字也没有拉丁字母")],
)
def test_empty_or_unknown_script_text_gets_a_clear_message(taian_path, text, message):
    result = CliRunner().invoke(
        cli, ["--store", str(taian_path), "ipc", "suggest", text]
    )
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_store_without_classified_documents_says_so(tmp_path):
    path = tmp_path / "empty.duckdb"
    PatentStore.open(path).close()
    result = CliRunner().invoke(cli, ["--store", str(path), "ipc", "suggest", "电机"])
    assert result.exit_code == 1
    assert "没有带 IPC 分类号" in result.output
    with PatentStore.open(path) as store, pytest.raises(NotFoundError):
        suggest_ipc(store, ["电机"])


def test_model_is_cached_and_retrained_when_documents_change(taian_path, tmp_path):
    path = _small_copy(taian_path, tmp_path)
    with PatentStore.open(path) as store:
        _, trained_at, now = trained_suggester(store)
        assert now and (model_folder(store) / "model.json").exists()
        _, again, now = trained_suggester(store)
        assert not now and again == trained_at
        before = training_fingerprint(store)
        store.execute(
            "UPDATE classifications SET code = 'A01B1/00' WHERE rowid = "
            "(SELECT min(rowid) FROM classifications WHERE scheme = 'IPC')"
        )
        assert training_fingerprint(store) != before
        _, _, now = trained_suggester(store)
        assert now


def test_train_lists_subclasses_too_rare_to_suggest(taian_path, tmp_path):
    path = _small_copy(taian_path, tmp_path)
    result = CliRunner().invoke(
        cli, ["--store", str(path), "ipc", "train", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    run = json.loads(result.output)
    rare = run["rare_subclasses"]
    assert rare and all(
        1 <= n < run["subclass"]["min_documents"] for n in rare.values()
    )
    assert run["subclass"]["trained_now"] is True
    text = CliRunner().invoke(cli, ["--store", str(path), "ipc", "train"]).output
    assert "不作推荐" in text


def test_a_text_with_no_learned_word_is_refused(taian_path):
    with PatentStore.open(taian_path, read_only=True) as store:
        (answer,) = suggest_ipc(store, ["qzxv wqpt"])
    assert isinstance(answer, InputError)
    assert "没有学过" in str(answer)


def test_linear_scorers_learn_from_a_sample_of_other_classes_when_asked(
    taian_path, raw
):
    split = int(raw["year"].quantile(0.8))
    before, after = raw[raw["year"] < split], raw[raw["year"] >= split]
    common = before["subclass"].value_counts().index[:3].tolist()
    baseline_top3 = float(after["subclass"].isin(common).mean())
    with PatentStore.open(taian_path, read_only=True) as store:
        training = read_training_set(store).before(split)
    model = IpcSuggester(method="linear", max_negatives=1_000).fit(training)
    best = model.top(after["专利名称"].tolist(), "subclass", 3)
    truth = after["subclass"].tolist()
    top3 = sum(t in [c for c, _ in b] for b, t in zip(best, truth, strict=True))
    assert top3 / len(truth) > 2 * baseline_top3
    with pytest.raises(ValueError, match="'max_negatives' parameter of IpcSuggester"):
        IpcSuggester(max_negatives=0).fit(training)
