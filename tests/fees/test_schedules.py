"""Schedules are data: a new fee table is a file change; malformed files are refused."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from patnav.errors import ScheduleError
from patnav.fees import cn
from patnav.fees.schedules import SCHEDULE_DIR, _load_cn, _load_us, cn_schedule


def test_every_schedule_names_its_legal_source_and_effective_dates():
    sched = cn_schedule()
    assert all(r.source for r in sched.terms)
    assert all(f.source and f.effective_from for f in sched.annual_fees)
    assert all(r.source and r.effective_from for r in sched.reductions)
    assert "实施细则" in sched.payment_source


def _copy(tmp_path):
    folder = tmp_path / "schedules"
    shutil.copytree(SCHEDULE_DIR, folder)
    return folder


def test_a_new_fee_schedule_is_a_data_change(tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "cn.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "\npayment:",
        """  - effective_from: 2030-01-01
    source: 假设的新收费标准（测试）
    fees:
      invention: {1-3: 950, 4-6: 1300, 7-9: 2100, 10-12: 4100, 13-15: 6100, 16-20: 8100}
      utility_model: {1-3: 600, 4-5: 900, 6-8: 1200, 9-10: 2000}
      design: {1-3: 600, 4-5: 900, 6-8: 1200, 9-10: 2000, 11-15: 3000}

payment:""",
    )
    (folder / "cn.yaml").write_text(text, encoding="utf-8")
    sched = _load_cn(folder / "cn.yaml")
    app = date(2020, 6, 1)
    assert cn.annual_fee("invention", app, 10, schedule=sched).full_cny == 4000  # 2029
    new = cn.annual_fee("invention", app, 11, schedule=sched)  # due 2030-06-01
    assert (new.full_cny, new.source) == (4100, "假设的新收费标准（测试）")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("4-6: 1200, 7-9: 2000, 10-12: 4000, 13-15: 6000, 16-20: 8000}\n      utility_model",
         "4-6: 1200, 8-9: 2000, 10-12: 4000, 13-15: 6000, 16-20: 8000}\n      utility_model",
         "连续"),
        ("effective_from: 2021-06-01", "effective_from: 2016-06-01", "递增"),
        ("    years: 20\n    source: 《中华人民共和国专利法》第四十二条\n",
         "    years: 20\n", "法律依据"),
        ("grace_months: 6\n  # 滞纳金", "grace_months: six\n  # 滞纳金", "整数"),
    ],
)  # fmt: skip
def test_a_malformed_cn_schedule_is_refused_with_where_and_what(
    tmp_path, old, new, message
):
    folder = _copy(tmp_path)
    text = (folder / "cn.yaml").read_text(encoding="utf-8")
    assert old in text
    (folder / "cn.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ScheduleError, match=message) as caught:
        _load_cn(folder / "cn.yaml")
    assert "cn.yaml" in str(caught.value)


def test_a_us_schedule_must_price_every_stage(tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "us.yaml").read_text(encoding="utf-8")
    (folder / "us.yaml").write_text(
        text.replace('"11.5": 7700', '"11": 7700'), encoding="utf-8"
    )
    with pytest.raises(ScheduleError, match="覆盖各阶段"):
        _load_us(folder / "us.yaml")
