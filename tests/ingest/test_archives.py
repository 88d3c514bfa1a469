"""Archives: members read lazily, zip bombs and truncated archives refused with a reason."""

from __future__ import annotations

import gzip
import io
import os
import zipfile

import pytest

from patnav.errors import UnsafeInputError
from patnav.ingest.archives import Limits, Problem, expand_paths
from tests.ingest.bombs import MEMBER_JUST_UNDER_1_MIB, repeated_member_zip


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


# -- issue 12: limits on the archive as a whole, whatever each member's size ----------


def test_the_reported_bomb_is_refused_whole_before_any_member_is_read(tmp_path):
    # 3,000 members of just under 1 MiB: each below the size where a member's ratio
    # is checked, 3 GB in all from 3.4 MB
    path = repeated_member_zip(
        tmp_path / "bomb.zip", members=3000, data=MEMBER_JUST_UNDER_1_MIB
    )
    assert path.stat().st_size < 3_500_000
    with zipfile.ZipFile(path) as zf:  # a valid archive, as the report's was
        assert len(zf.infolist()) == 3000
        assert zf.read("m02999.csv") == MEMBER_JUST_UNDER_1_MIB
    (problem,) = list(expand_paths([path], Limits()))
    assert isinstance(problem, Problem) and problem.name == str(path)
    assert "3,000 members" in problem.reason and "zip bomb" in problem.reason
    assert "3,145,725,000 bytes" in problem.reason
    assert len(problem.reason) < 400


def test_bytes_expanded_in_all_are_capped_even_when_nothing_compresses(tmp_path):
    # random bytes do not compress, so no ratio check can catch this archive
    members = {f"m{i:02d}.csv": os.urandom(100_000) for i in range(30)}
    path = _zip(tmp_path / "many.zip", members)
    (problem,) = list(expand_paths([path], Limits(max_archive_bytes=2_000_000)))
    assert isinstance(problem, Problem) and problem.name == str(path)
    assert "3,000,000 bytes in all" in problem.reason
    assert "PATNAV_MAX_ARCHIVE_BYTES" in problem.reason
    sources = list(expand_paths([path], Limits(max_archive_bytes=4_000_000)))
    assert [s.name.rsplit("!", 1)[1] for s in sources] == sorted(members)


def test_member_count_is_capped_whatever_the_member_size(tmp_path):
    path = repeated_member_zip(tmp_path / "many.zip", members=50, data=b"a,b\n")
    (problem,) = list(expand_paths([path], Limits(max_members=40)))
    assert isinstance(problem, Problem)
    assert "50 members" in problem.reason and "PATNAV_MAX_ARCHIVE_MEMBERS" in (
        problem.reason
    )


def test_nested_archives_draw_on_one_budget(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("data.csv", os.urandom(1_000_000))
    outer = _zip(
        tmp_path / "outer.zip",
        {f"inner{i}.zip": inner.getvalue() for i in range(3)},
        zipfile.ZIP_STORED,
    )
    # the outer archive expands to 3 MB, each inner one to 1 MB more: 6 MB in all
    items = list(expand_paths([outer], Limits(max_archive_bytes=4_500_000)))
    names = [(i.name.split("!", 1)[1], isinstance(i, Problem)) for i in items]
    assert names == [
        ("inner0.zip!data.csv", False),
        ("inner1.zip", True),
        ("inner2.zip", True),
    ]
    assert all("PATNAV_MAX_ARCHIVE_BYTES" in i.reason for i in items[1:])
    assert len(list(expand_paths([outer], Limits(max_archive_bytes=6_100_000)))) == 3


def test_a_gzip_stream_may_expand_only_to_what_is_left_of_the_budget(tmp_path):
    path = tmp_path / "data.csv.gz"
    with gzip.open(path, "wb") as f:
        f.write(os.urandom(3_000_000))  # does not compress: no ratio guard fires
    (source,) = list(expand_paths([path], Limits(max_archive_bytes=1_000_000)))
    with pytest.raises(UnsafeInputError, match="1,000,000 bytes"), source.open() as f:
        while f.read(1 << 20):
            pass
