"""Content recombined from others' documents (拼凑他人技术方案) on real texts: documents
planted from passages of real Tai'an abstracts of two or three other applicants are
flagged with those sources and the share each covers (recomputed here with plain Python
over the raw texts); text made only of the corpus's recurring wording is not; reuse of
one's own, one's family's or one's priority's documents is not; a later document is no
source; an unknown filing date is counted, not judged; the thresholds come from YAML."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from patnav.cli import cli
from patnav.models.abnormal import Thresholds, detect
from patnav.schema.records import Party, PatentRecord, PatentType, Priority, Role
from patnav.storage.store import PatentStore
from patnav.storage.writer import DocumentWriter

TAIAN = "corpora/cn-taian-7384/taian_patents.xlsx"
CCF = "corpora/cn-ccf-bdci-4097/train.json"
# the CJK characters the detector shingles: kana, CJK ideographs, hangul (kana's ・ and
# ー occur in Chinese texts as separators)
_HAN = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002ffff]"
)


def grams(text: str, n: int) -> set[str]:
    """The character n-grams of the Chinese characters of ``text`` (independent of the
    detector's hashing)."""
    han = "".join(_HAN.findall(unicodedata.normalize("NFKC", text).lower()))
    return {han[i : i + n] for i in range(len(han) - n + 1)}


def _app(raw_number: str) -> str:
    return raw_number.split(".")[0]


def _type(app: str) -> PatentType:
    """A CN application number's type digit (1 invention, 2 utility model, 3 design),
    in the forms before and after 2003."""
    digits = app[2:]
    digit = digits[4] if len(digits) >= 12 else digits[2]
    return {"2": PatentType.UTILITY_MODEL, "3": PatentType.DESIGN}.get(
        digit, PatentType.INVENTION
    )


def _is_design(app: str) -> bool:
    return _type(app) == PatentType.DESIGN


def _day(value: str) -> date:
    return pd.Timestamp(value).date()


@pytest.fixture(scope="module")
def corpus(data_dir, tmp_path_factory):
    """The Tai'an corpus as the raw file gives it, written as records (so that a few
    chosen sources can be given a family or a priority), plus the planted documents.
    Returns the store path, the planted cases and every application's abstract."""
    raw = pd.read_excel(data_dir / TAIAN, dtype=str)
    raw = raw.dropna(subset=["申请号"]).drop_duplicates("申请号")
    ccf = [
        json.loads(line)["abstract"]
        for line in (data_dir / CCF).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rng = random.Random(1818)
    # texts without Latin letters or digits: the shares recomputed below count Chinese
    # character n-grams only (the detector adds English word shingles)
    latin = r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]"
    usable = raw[
        raw["摘要"].str.len().ge(180)
        & ~raw["摘要"].fillna("").str.contains(latin)
        & raw["申请人"].notna()
        & raw["申请日"].notna()
    ]
    usable = usable[pd.to_datetime(usable["申请日"]).dt.year.between(2008, 2014)]
    # one document per applicant: the sources of a plant are of distinct applicants
    one_each = usable.drop_duplicates("申请人").sample(frac=1, random_state=18)
    picks = iter(one_each.to_dict("records"))
    family = {}  # app -> family id given to the source
    priority = {}  # app -> priority number given to the source
    cases: dict[str, dict] = {}
    planted: list[PatentRecord] = []

    def plant(
        name,
        sources,
        *,
        length=110,
        filler=0,
        applicant=None,
        day=date(2016, 3, 1),
        **extra,
    ):
        parts = []
        for s in sources:
            start = rng.randrange(len(s["摘要"]) - length + 1)
            parts.append(s["摘要"][start : start + length])
        if filler:
            own = [c for c in ccf if len(c) > filler and not re.search(latin, c)]
            parts.append(rng.choice(own)[:filler])
        text = "。".join(parts) + "。"
        n = len(planted) + 1
        number = f"CN2016{n:08d}"
        planted.append(
            PatentRecord(
                pub_number=f"CN98{n:07d}A",
                office="CN",
                kind="A",
                app_number=number,
                app_date=day,
                patent_type=PatentType.INVENTION,
                title=f"一种组合装置{n}",
                abstract=text,
                parties=(
                    Party(Role.APPLICANT, applicant or f"拼凑申请人{name}"),
                    Party(Role.AGENCY, "拼凑代理事务所"),
                ),
                **extra,
            )
        )
        cases[name] = {
            "app": number,
            "text": text,
            "sources": [_app(s["申请号"]) for s in sources],
            "applicants": {s["申请人"] for s in sources},
        }

    plant("two", [next(picks), next(picks)])
    plant("three", [next(picks), next(picks), next(picks)], length=80)
    plant("two_with_own_text", [next(picks), next(picks)], length=100, filler=45)
    plant("two_more", [next(picks), next(picks)])
    # one's own documents: the sources' applicant files the recombination
    mine = usable[usable["申请人"].map(usable["申请人"].value_counts()).ge(2)]
    owner = mine["申请人"].iloc[0]
    own = mine[mine["申请人"] == owner].head(2).to_dict("records")
    plant("own", own, applicant=owner)
    s_family, other = next(picks), next(picks)
    family[_app(s_family["申请号"])] = "FAMILY-18"
    plant("family", [s_family, other], family_id="FAMILY-18")
    s_priority, other = next(picks), next(picks)
    priority[_app(s_priority["申请号"])] = "CN201099999999"
    plant(
        "priority",
        [s_priority, other],
        priorities=(Priority("CN", "CN201099999999"),),
    )
    early, late = next(picks), next(picks)
    plant("later_source", [early, late], day=_day(late["申请日"]))
    plant("no_date", [next(picks), next(picks)], day=None)
    # a text made only of the corpus's recurring sentences (each in more than 30
    # applications' abstracts), taken from other applicants' real documents
    sentences = Counter(
        s
        for text in raw["摘要"].dropna()
        for s in {x.strip() for x in re.split("[，。；：,;]", text)}
        if len(s) >= 6
    )
    common = [s for s, c in sentences.most_common() if c > 30]
    boiler = "，".join(common)[:200] + "。"
    n = len(planted) + 1
    planted.append(
        PatentRecord(
            pub_number=f"CN98{n:07d}A",
            office="CN",
            kind="A",
            app_number=f"CN2016{n:08d}",
            app_date=date(2016, 3, 1),
            patent_type=PatentType.UTILITY_MODEL,
            title="一种通用装置",
            abstract=boiler,
            parties=(Party(Role.APPLICANT, "套话申请人"),),
        )
    )
    cases["boilerplate"] = {"app": f"CN2016{n:08d}", "text": boiler, "common": common}
    records = []
    for i, row in enumerate(raw.to_dict("records")):
        app = _app(row["申请号"])
        records.append(
            PatentRecord(
                pub_number=f"CN7{i:08d}A",
                office="CN",
                kind="A",
                app_number=app,
                app_date=_day(row["申请日"])
                if isinstance(row["申请日"], str)
                else None,
                title=row["专利名称"],
                abstract=row["摘要"] if isinstance(row["摘要"], str) else None,
                family_id=family.get(app),
                priorities=(Priority("CN", priority[app]),) if app in priority else (),
                parties=(Party(Role.APPLICANT, row["申请人"]),)
                if isinstance(row["申请人"], str)
                else (),
            )
        )
    path = tmp_path_factory.mktemp("recombined") / "taian.duckdb"
    with PatentStore.open(path) as store, store.transaction():
        writer = DocumentWriter(store, import_id=1, file="taian", fmt="json")
        for i, r in enumerate(records + planted):
            writer.add(r, f"row {i + 1}")
        writer.finish()
    abstracts = {r.app_number: r.abstract or "" for r in records + planted}
    dates = {r.app_number: r.app_date for r in records + planted}
    applicants = {
        r.app_number: {p.name for p in r.parties if p.role == Role.APPLICANT}
        for r in records + planted
    }
    return path, cases, abstracts, dates, applicants


@pytest.fixture(scope="module")
def found(corpus):
    path = corpus[0]
    with PatentStore.open(path, read_only=True) as store:
        result = detect(store)
    flags = {f.applications[0]: f for f in result.flags if f.kind == "recombined"}
    return result, flags


def _independent_shares(corpus, case):
    """Each planted source's share of the planted text's uncommon n-grams, counted over
    the raw texts (a gram in more applications than the shipped threshold is common)."""
    _, _, abstracts, _, _ = corpus
    t = Thresholds.load()
    n, common_over = t.recombined_cjk_ngram, t.recombined_common_documents
    mine = grams(case["text"], n)
    df: Counter[str] = Counter()
    for app, text in abstracts.items():
        if not _is_design(app):  # designs are not in the rule (their text is a form)
            df.update(mine & grams(text, n))
    rare = {g for g in mine if df[g] <= common_over}
    return {
        s: len(rare & grams(abstracts[s], n)) / len(rare) for s in case["sources"]
    }, len(rare)


@pytest.mark.parametrize("name", ["two", "three", "two_with_own_text", "two_more"])
def test_planted_recombinations_are_flagged_with_their_sources(corpus, found, name):
    _, cases, abstracts, dates, applicants = corpus
    _, flags = found
    case = cases[name]
    flag = flags.get(case["app"])
    assert flag is not None, f"{name}: {case['app']} not flagged"
    ev = flag.evidence
    got = {s["application"] for s in ev["sources"]}
    # the planted sources, or an identical filing of the same applicant (一案双申 twin)
    assert {a for s in got for a in applicants[s]} == case["applicants"]
    assert len(got) == len(case["sources"])
    shares, rare = _independent_shares(corpus, case)
    assert ev["shingles"] == pytest.approx(rare, abs=2)
    for s in ev["sources"]:
        assert dates[s["application"]] < dates[case["app"]]
        if s["application"] in shares:
            assert s["share_alone"] == pytest.approx(shares[s["application"]], abs=0.02)
        # every passage is the planted text's own, and found in the source's abstract
        for p in s["passages"]:
            p = p.removesuffix("…")  # cut to the excerpt width
            assert p in case["text"]
            assert "".join(_HAN.findall(p)) in "".join(
                _HAN.findall(abstracts[s["application"]])
            )
        assert s["passages"]
    assert ev["coverage"] == pytest.approx(sum(s["share"] for s in ev["sources"]), 0.01)
    assert ev["coverage"] >= Thresholds.load().recombined_coverage and ev[
        "original"
    ] == pytest.approx(1 - ev["coverage"], abs=0.001)
    assert ev["text_used"] == "abstract" and ev["text_used_label"] == "摘要"
    assert flag.kind == "recombined" and "拼凑" in flag.to_dict()["kind_label"]
    assert flag.applications == (case["app"],)


def test_text_of_recurring_wording_only_is_not_flagged(corpus, found):
    """The planted text is 200 characters of real sentences each found in more than 30
    Tai'an abstracts; two earlier documents of other applicants each hold a fifth of its
    n-grams or more (without the boilerplate rule it would qualify) — it is not
    flagged: it has too few uncommon shingles to judge."""
    _, cases, abstracts, dates, applicants = corpus
    result, flags = found
    case = cases["boilerplate"]
    n = Thresholds.load().recombined_cjk_ngram
    mine = grams(case["text"], n)
    holders = [
        a
        for a, text in abstracts.items()
        if dates[a] is not None
        and dates[a] < date(2016, 3, 1)
        and "套话申请人" not in applicants[a]
        and len(mine & grams(text, n)) >= 0.2 * len(mine)
    ]
    assert len(holders) >= 2
    assert case["app"] not in flags
    assert result.recombined is not None and result.recombined.too_short >= 1


@pytest.mark.parametrize("name", ["own", "family", "priority", "later_source"])
def test_own_family_priority_and_later_documents_are_no_sources(found, corpus, name):
    """Each of these plants is two real passages that would qualify — recomputed here,
    each source holds at least the minimum share and together the coverage — but one
    source is the filer's own, in its family, under its priority, or filed later."""
    _, cases, *_ = corpus
    _, flags = found
    t = Thresholds.load()
    shares, _ = _independent_shares(corpus, cases[name])
    assert min(shares.values()) >= t.recombined_source_share
    assert sum(shares.values()) >= t.recombined_coverage
    assert cases[name]["app"] not in flags


def test_unknown_filing_date_is_counted_not_judged(found, corpus):
    _, cases, *_ = corpus
    result, flags = found
    assert cases["no_date"]["app"] not in flags
    check = result.to_dict()["recombined_check"]
    assert check["not_judged_date_unknown"] == 1
    assert check["judged_on_abstract"] == check["judged"]


def test_an_application_not_judged_is_unknown_to_agencies(found, corpus):
    """The undated application is not judged for recombination: the agency count leaves
    it out as unknown (``agency_flagged``), though it was compared for near-duplicates;
    a flagged application is never unknown."""
    from patnav.models.abnormal import agency_flagged

    path, cases, *_ = corpus
    result, _ = found
    undated = cases["no_date"]["app"]
    assert undated in result.not_judged_recombined_applications
    with PatentStore.open(path, read_only=True) as store:
        marked, unknown = agency_flagged(store, None)
    assert undated in unknown
    assert not marked & unknown
    assert (
        unknown
        >= (
            result.not_compared_applications | result.not_judged_recombined_applications
        )
        - marked
    )


def test_real_tai_an_documents_are_not_flagged(found, corpus):
    """Of the 7,384 real documents, none is flagged (their texts share wording, and
    some copy one earlier document, but none is assembled from two others')."""
    _, cases, *_ = corpus
    _, flags = found
    assert set(flags) <= {c["app"] for c in cases.values()}


def test_thresholds_from_yaml_are_honoured(corpus, tmp_path):
    path, cases, *_ = corpus
    strict = tmp_path / "strict.yaml"
    strict.write_text(
        "recombined_coverage: 0.99\nrecombined_cjk_ngram: 4\n", encoding="utf-8"
    )
    t = Thresholds.load(strict)
    assert (t.recombined_coverage, t.recombined_cjk_ngram) == (0.99, 4)
    with PatentStore.open(path, read_only=True) as store:
        result = detect(store, thresholds=t)
    flagged = {f.applications[0]: f for f in result.flags if f.kind == "recombined"}
    assert cases["two_with_own_text"]["app"] not in flagged
    for f in flagged.values():
        assert f.evidence["coverage"] >= 0.99 and f.evidence["ngram"] == 4
        assert "99%" in f.threshold


def test_cli_selection_finds_sources_outside_it_and_counts_the_agency(corpus, tmp_path):
    """``--applicant 拼凑申请人`` judges the planted documents only, against the whole
    store; the agency that filed them is rated with them (rule 4)."""
    path, cases, *_ = corpus
    loose = tmp_path / "agency.yaml"
    loose.write_text("agency_min_applications: 5\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "--store",
            str(path),
            "abnormal",
            "--applicant",
            "拼凑申请人",
            "--thresholds",
            str(loose),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    flags = [f for f in data["flags"] if f["kind"] == "recombined"]
    want = {cases[k]["app"] for k in ("two", "three", "two_with_own_text", "two_more")}
    assert {f["applications"][0] for f in flags} == want
    assert data["counts"]["recombined"] == len(want)
    for f in flags:
        assert f["kind_label"] == "拼凑他人技术方案"
        assert all(s["applicants"] for s in f["evidence"]["sources"])
    agency = [f for f in data["flags"] if f["kind"] == "agency"]
    assert [f["subject"] for f in agency] == ["拼凑代理事务所"]
    assert set(agency[0]["applications"]) == want
    text = CliRunner().invoke(cli, ["--store", str(path), "abnormal"])
    assert "拼凑他人技术方案" in text.output and "拼凑核查" in text.output


def test_a_threshold_that_is_not_a_number_is_refused(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("recombined_coverage: high\n", encoding="utf-8")
    from patnav.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="recombined_coverage"):
        Thresholds.load(bad)


def test_claims_are_judged_where_the_store_has_them(data_dir, tmp_path):
    """The Chinese database export carries each document's first claim (主权项): a
    document whose claim is assembled from two real claims of other applicants, with an
    abstract of its own, is flagged on its claims; the same passages in the abstract of
    a document that has claims of its own are not judged there."""
    from patnav.ingest.pipeline import import_paths

    source = data_dir / "formats/cn-excel/cnipa_export_199.xlsx"
    raw = pd.read_excel(source, dtype=str)
    raw = raw[raw["主权项"].str.len().ge(150)].drop_duplicates("申请（专利权）人")
    first, second = raw.iloc[0], raw.iloc[1]
    ccf = [
        json.loads(line)["abstract"]
        for line in (data_dir / CCF).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    claim = first["主权项"][:100] + "；" + second["主权项"][-100:]
    path = tmp_path / "claims.duckdb"
    with PatentStore.open(path) as store:
        assert import_paths(store, [source], raise_unexpected=True).ok
        with store.transaction():
            writer = DocumentWriter(store, import_id=9, file="planted", fmt="json")
            for n, (abstract, claims) in enumerate(
                [(ccf[0], claim), (claim, ccf[1])], start=1
            ):
                writer.add(
                    PatentRecord(
                        pub_number=f"CN98{n:07d}U",
                        office="CN",
                        kind="U",
                        app_number=f"CN2014{n:08d}",
                        app_date=date(2014, 6, n),
                        patent_type=PatentType.UTILITY_MODEL,
                        title="一种组合装置",
                        abstract=abstract,
                        claims=claims,
                        parties=(Party(Role.APPLICANT, f"拼凑申请人{n}"),),
                    ),
                    f"planted {n}",
                )
            writer.finish()
    with PatentStore.open(path, read_only=True) as store:
        result = detect(store)
    flags = {f.applications[0]: f for f in result.flags if f.kind == "recombined"}
    assert set(flags) == {"CN201400000001"}
    ev = flags["CN201400000001"].evidence
    assert ev["text_used"] == "claims" and "权利要求" in flags["CN201400000001"].message
    assert {a for s in ev["sources"] for a in s["applicants"]} == {
        first["申请（专利权）人"],
        second["申请（专利权）人"],
    }
    check = result.to_dict()["recombined_check"]
    assert check["judged_on_claims"] == check["judged"]  # every document has its claim
