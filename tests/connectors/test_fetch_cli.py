"""``patnav fetch`` from the command line, and the promise that nothing outside
``patnav.connectors`` reaches the network."""

from __future__ import annotations

import ast
import functools
import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

import patnav.cli.fetch as fetch_cli
from patnav.cli import cli
from patnav.connectors.epo_ops import epodoc_number
from patnav.connectors.fetch import fetch, read_numbers
from patnav.search.sets import save_set
from patnav.storage.store import PatentStore
from tests.connectors.conftest import CREDENTIALS, EPO_KEY, EPO_SECRET

SRC = Path(__file__).resolve().parents[2] / "src" / "patnav"
NETWORK_MODULES = {"httpx"}


def test_nothing_outside_the_connectors_imports_httpx():
    """The only way out to the network is patnav.connectors (issue 17)."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path.relative_to(SRC).parts[0] == "connectors":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            if any(n.split(".")[0] in NETWORK_MODULES for n in names):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == []


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATNAV_EPO_OPS_KEY": EPO_KEY,
        "PATNAV_EPO_OPS_SECRET": EPO_SECRET,
        "PATNAV_FETCH_DIR": str(tmp_path / "fetches"),
        "PATNAV_FETCH_INTERVAL_S": "0",
    }


@pytest.fixture
def ops(api):
    legal = (api / "epo-ops" / "legal" / "example_1.xml").read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/auth/accesstoken"):
            return httpx.Response(
                200, json={"access_token": "tok-cli-1", "expires_in": "1199"}
            )
        if request.url.path == "/3.2/rest-services/legal/publication/epodoc/EP1000000":
            return httpx.Response(200, content=legal)
        return httpx.Response(404)

    return httpx.MockTransport(handler)


def test_fetch_json_reports_files_missing_numbers_and_the_import(
    tmp_path, monkeypatch, ops
):
    monkeypatch.setattr(fetch_cli, "fetch", functools.partial(fetch, transport=ops))
    store = tmp_path / "s.duckdb"
    result = CliRunner(env=_env(tmp_path)).invoke(
        cli,
        [
            "--store",
            str(store),
            "fetch",
            "epo",
            "--numbers",
            "EP1000000A1,EP9999999",
            "--what",
            "legal",
            "--json",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert [f["file"] for f in out["fetched"]] == ["EP1000000.legal.xml"]
    assert [m["number"] for m in out["missing"]] == ["EP9999999"]
    assert out["import"]["totals"]["files"] == 1 and out["import"]["ok"]
    assert not any(secret in result.output for secret in (*CREDENTIALS, "tok-cli-1"))


def test_fetch_prints_chinese_by_default(tmp_path, monkeypatch, ops):
    monkeypatch.setattr(fetch_cli, "fetch", functools.partial(fetch, transport=ops))
    result = CliRunner(env=_env(tmp_path)).invoke(
        cli,
        [
            "--store",
            str(tmp_path / "s.duckdb"),
            "fetch",
            "epo",
            "--numbers",
            "EP1000000",
            "--what",
            "legal",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "原始应答保存在" in result.output and "EPO OPS" in result.output


def test_fetch_a_saved_set(tmp_path, monkeypatch, ops, api):
    store_path = tmp_path / "s.duckdb"
    with PatentStore.open(store_path) as store:
        fetch(
            store,
            _settings(tmp_path),
            "epo",
            numbers=["EP1000000"],
            what=["legal"],
            transport=ops,
        )
        save_set(store, "ep", "PN=EP1000000*")
        held = [r[0] for r in store.rows("SELECT pub_number FROM patents ORDER BY 1")]
    monkeypatch.setattr(fetch_cli, "fetch", functools.partial(fetch, transport=ops))
    result = CliRunner(env=_env(tmp_path)).invoke(
        cli,
        [
            "--store",
            str(store_path),
            "fetch",
            "epo",
            "--set",
            "ep",
            "--what",
            "legal",
            "--json",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    asked = json.loads(result.output)["numbers"]
    assert held and asked == list(dict.fromkeys(epodoc_number(n) for n in held))


def _settings(tmp_path):
    from patnav.config import Settings

    return Settings(
        **{k.removeprefix("PATNAV_").lower(): v for k, v in _env(tmp_path).items()}
    )


def test_missing_credentials_are_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.delenv("PATNAV_LENS_TOKEN", raising=False)
    result = CliRunner().invoke(
        cli,
        [
            "--store",
            str(tmp_path / "s.duckdb"),
            "fetch",
            "lens",
            "--numbers",
            "EP1000000",
        ],
    )
    assert result.exit_code == 1
    assert "PATNAV_LENS_TOKEN" in result.output and "Traceback" not in result.output


def test_a_kind_the_service_does_not_give_is_refused(tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "--store",
            str(tmp_path / "s.duckdb"),
            "fetch",
            "uspto",
            "--numbers",
            "16330077",
            "--what",
            "family",
        ],
    )
    assert result.exit_code == 1
    assert "biblio, legal, transactions, assignments" in result.output


def test_query_is_lens_only(tmp_path):
    result = CliRunner(env=_env(tmp_path)).invoke(
        cli, ["--store", str(tmp_path / "s.duckdb"), "fetch", "epo", "--query", "drone"]
    )
    assert result.exit_code == 1 and "Lens only" in result.output


def test_a_number_list_file(tmp_path):
    listing = tmp_path / "numbers.txt"
    listing.write_text(
        "# pledged patents\nEP1000000A1, EP1000001\nEP1000002 # last\n", "utf-8"
    )
    assert read_numbers(listing) == ["EP1000000A1", "EP1000001", "EP1000002"]
