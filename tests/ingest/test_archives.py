"""Archives: members read lazily, zip bombs and truncated archives refused with a reason."""

from __future__ import annotations

import gzip
import io
import os
import zipfile

import pytest

from patnav.errors import UnsafeInputError
from patnav.ingest.archives import Limits, Problem, expand_paths


def _zip(path, members: dict[str, bytes], method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_real_patentscope_zip_yields_its_xls_members_and_skips_macos_forks(data_dir):
    sources = list(
        expand_paths(
            [data_dir / "formats/patentscope/pizza_all_24294_raw.zip"], Limits()
        )
    )
    names = sorted(s.name.rsplit("!", 1)[1] for s in sources)
    assert names == [
        "pizza_all_24294/patentscope_pizza_1940_2005_9659.xls",
        "pizza_all_24294/patentscope_pizza_2006_2011_8458.xls",
        "pizza_all_24294/patentscope_pizza_2012_2015_6177.xls",
        "pizza_all_24294/pizza_all_codebook_09022016.txt",
    ]
    assert all(not isinstance(s, Problem) for s in sources)
    assert sources[0].head(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_zip_bomb_member_is_a_problem_and_others_still_come(tmp_path):
    path = _zip(tmp_path / "bomb.zip", {"a.csv": b"x" * 50_000_000, "b.csv": b"ok\n"})
    items = list(expand_paths([path], Limits(max_ratio=100)))
    problems = [i for i in items if isinstance(i, Problem)]
    assert len(problems) == 1 and problems[0].name.endswith("!a.csv")
    assert "zip bomb" in problems[0].reason
    assert [i.name for i in items if not isinstance(i, Problem)] == [f"{path}!b.csv"]


def test_oversized_member_is_refused(tmp_path):
    path = _zip(tmp_path / "big.zip", {"a.csv": b"y" * 3_000_000}, zipfile.ZIP_STORED)
    items = list(expand_paths([path], Limits(max_file_bytes=1_000_000)))
    assert isinstance(items[0], Problem)
    assert "over the limit" in items[0].reason


def test_gzip_bomb_stops_while_streaming(tmp_path):
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb", compresslevel=9) as f:
        for _ in range(200):
            f.write(b"\0" * 1_000_000)
    (source,) = list(expand_paths([path], Limits(max_ratio=100)))
    assert source.name.endswith("!bomb.csv")
    with (
        pytest.raises(UnsafeInputError, match="decompression bomb"),
        source.open() as f,
    ):
        while f.read(1 << 20):
            pass


def test_truncated_zip_is_a_problem(tmp_path):
    good = _zip(tmp_path / "g.zip", {"a.csv": os.urandom(20_000)})
    bad = tmp_path / "t.zip"
    bad.write_bytes(good.read_bytes()[:10_000])
    (problem,) = list(expand_paths([bad], Limits()))
    assert isinstance(problem, Problem) and "truncated" in problem.reason


def test_nested_zip_within_depth_is_opened(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("x/data.csv", b"a,b\n")
    outer = _zip(tmp_path / "outer.zip", {"inner.zip": inner.getvalue()})
    # members of a nested archive can be opened while the iteration is at them
    seen = [(s.name, s.head()) for s in expand_paths([outer], Limits())]
    assert seen == [(f"{outer}!inner.zip!x/data.csv", b"a,b\n")]
    (problem,) = list(expand_paths([outer], Limits(max_depth=0)))
    assert isinstance(problem, Problem) and "nested" in problem.reason


def test_xlsx_is_a_file_not_an_archive(data_dir):
    path = data_dir / "formats/cn-excel/cnipa_export_199.xlsx"
    (source,) = list(expand_paths([path], Limits()))
    assert source.path == path
