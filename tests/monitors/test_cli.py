"""``patnav monitor`` from the command line, on the real Patentics exports."""

from __future__ import annotations

import json

from click.testing import CliRunner

from patnav.cli import cli
from patnav.ingest.pipeline import import_paths
from patnav.storage.store import PatentStore
from tests.monitors.data import patentics_parts


def test_add_run_alerts_ack_mute_remove(data_dir, tmp_path):
    one, two = patentics_parts(data_dir, tmp_path)
    path = tmp_path / "s.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [tmp_path / "vr.csv"], raise_unexpected=True).ok

    def run(*args: str):
        result = CliRunner().invoke(cli, ["--store", str(path), "monitor", *args])
        assert result.exit_code == 0, result.output
        return result.output

    out = run(
        "add",
        "增强现实",
        "--set",
        "TI=增强现实",
        "--rule",
        "new-documents",
        "--schedule",
        "weekly",
    )
    assert "已添加监控 增强现实" in out and "新增文献" in out
    numbers = tmp_path / "portfolio.txt"
    numbers.write_text("\n".join(one["公开号"].head(5)) + "\n", encoding="utf-8")
    run("add", "组合", "--numbers-file", str(numbers), "--rule", "status-change")
    listed = json.loads(run("list", "--json"))
    assert [m["name"] for m in listed] == ["增强现实", "组合"]
    assert listed[1]["numbers"] == list(one["公开号"].head(5))

    first = json.loads(run("run", "--json"))
    assert first["alerts"] == [] and len(first["runs"]) == 2
    with PatentStore.open(path) as store:
        assert import_paths(store, [tmp_path / "ar.csv"], raise_unexpected=True).ok
    second = json.loads(run("run", "增强现实", "--json"))
    in1 = set(one[one["标题"].str.contains("增强现实", na=False)]["公开号"])
    in2 = set(two[two["标题"].str.contains("增强现实", na=False)]["公开号"])
    assert {a["pub_number"] for a in second["alerts"]} == in2 - in1
    alert = second["alerts"][0]
    assert {"monitor", "rule", "pub_number", "message", "evidence"} <= set(alert)
    assert json.loads(run("run", "--json"))["alerts"] == []

    unread = json.loads(run("alerts", "--unread", "--json", "--limit", "1000"))[
        "alerts"
    ]
    assert len(unread) == len(in2 - in1)
    assert "已由 张三 确认" in run("ack", str(alert["alert_id"]), "--by", "张三")
    assert "已屏蔽" in run(
        "mute", "--monitor", "增强现实", "--pub", unread[0]["pub_number"]
    )
    left = json.loads(run("alerts", "--unread", "--json", "--limit", "1000"))["alerts"]
    assert len(left) == len(unread) - 2
    text = run("alerts", "--limit", "3")
    assert "新增文献" in text and "状态" in text
    runs = run("runs", "增强现实")
    assert "成功" in runs
    assert "已删除监控 组合" in run("remove", "组合")

    bad = CliRunner().invoke(
        cli, ["--store", str(path), "monitor", "add", "x", "--rule", "event"]
    )
    assert bad.exit_code != 0 and "只给出一个监控对象" in bad.output
    bad = CliRunner().invoke(cli, ["--store", str(path), "monitor", "run", "无此监控"])
    assert bad.exit_code == 1 and "没有名为" in bad.output


def test_a_spec_node_is_watched_within_the_specs_base_query(data_dir, tmp_path):
    """``--spec FILE --node NAME``: the node's query within the spec's base query; the
    new documents of the second real export in that node alert once (pandas)."""
    one, two = patentics_parts(data_dir, tmp_path)
    path = tmp_path / "s.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [tmp_path / "vr.csv"], raise_unexpected=True).ok
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "title: 增强现实产业\ntype: industry\nregion: {country: CN}\n"
        "base_query: 'TI=增强现实'\n"
        "scope:\n  - node: 显示\n    query: 'TI=显示'\n  - node: 交互\n"
        "    query: 'TI=交互'\n",
        encoding="utf-8",
    )

    def run(*args: str):
        result = CliRunner().invoke(cli, ["--store", str(path), "monitor", *args])
        assert result.exit_code == 0, result.output
        return result.output

    added = json.loads(
        run(
            "add",
            "显示",
            "--spec",
            str(spec),
            "--node",
            "显示",
            "--rule",
            "new-documents",
            "--json",
        )
    )
    assert added["target"] == "(TI=增强现实) AND (TI=显示)"
    run("run")
    with PatentStore.open(path) as store:
        assert import_paths(store, [tmp_path / "ar.csv"], raise_unexpected=True).ok
    alerts = json.loads(run("run", "--json"))["alerts"]

    def node(frame):
        title = frame["标题"].fillna("")
        return set(
            frame[title.str.contains("增强现实") & title.str.contains("显示")]["公开号"]
        )

    expected = node(two) - node(one)
    assert expected and {a["pub_number"] for a in alerts} == expected
    bad = CliRunner().invoke(
        cli,
        [
            "--store",
            str(path),
            "monitor",
            "add",
            "x",
            "--spec",
            str(spec),
            "--node",
            "没有",
            "--rule",
            "new-documents",
        ],
    )
    assert bad.exit_code != 0 and "可选节点" in bad.output
