"""The store of the SME cultivation library tests: the PatSnap 中之信 head store (see
``prevalue_data.checks_store``) with a MADE-UP register of real Hubei owners imported
and linked."""

from __future__ import annotations

import shutil
from pathlib import Path

from patnav.storage.store import PatentStore

# MADE UP: real owners of the PatSnap export with invented figures (2021, 万元), for
# tests only — NOT real enterprise data.
MADE_UP_REGISTER = (
    "企业名称,统一社会信用代码,所在地区,行业代码,2021年从业人员,"
    "2021年营业收入（万元）,2021年研发投入（万元）,2021年研发人员,备注\n"
    "宜昌市统领家私有限公司,,湖北省宜昌市,C2110,120,8000,900,30,虚构数据（测试用）\n"
    "宜昌神达科技有限公司,,湖北省宜昌市,C4011,100,2500,250,10,虚构数据（测试用）\n"
    "宜昌勤业空调有限公司,,湖北省宜昌市,C3464,1500,60000,2000,200,虚构数据（测试用）\n"
    "宜昌兆峰自动化仪表有限责任公司,,湖北省宜昌市,C4011,80,,200,,虚构数据（测试用）\n"
    "宜昌银罡桑蚕科技股份有限公司,,湖北省宜昌市,A0319,60,1500,60,5,虚构数据（测试用）\n"
    "湖北金德源电气设备股份有限公司,,湖北省,C38,200,5000,100,15,虚构数据（测试用）\n"
    "重庆颢晨机械有限公司,,重庆市,C3484,50,3000,400,12,虚构数据（测试用）\n"
    "宜昌飞瑞球体制造有限公司,,,C3489,40,800,50,4,虚构数据（测试用，无注册地）\n"
)
HUBEI = [
    "宜昌市统领家私有限公司",
    "宜昌神达科技有限公司",
    "宜昌勤业空调有限公司",
    "宜昌兆峰自动化仪表有限责任公司",
    "宜昌银罡桑蚕科技股份有限公司",
    "湖北金德源电气设备股份有限公司",
]

# MADE-UP codes to test the matching — NOT the 2019 专利密集型产业 classification.
TEST_DENSE_LIST = (
    "行业代码,行业名称,备注\n2110,测试小类,\n3823,测试小类,\n4011,测试小类,*\n"
)


def build_sme_store(path: Path, folder: Path) -> Path:
    """A copy of the store at ``path`` in ``folder`` with the made-up register imported
    and linked to the applicants and owners."""
    from patnav.enterprises.links import link_enterprises
    from patnav.enterprises.store import import_register

    copy = folder / "sme.duckdb"
    shutil.copy(path, copy)
    register = folder / "企业库_虚构.csv"
    register.write_text(MADE_UP_REGISTER, encoding="utf-8")
    with PatentStore.open(copy) as store:
        import_register(store, register)
        link_enterprises(store)
    return copy
