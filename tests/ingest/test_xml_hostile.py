"""Malformed and hostile XML: a clear message and quarantine, never a crash, never a
fetched or expanded entity, never network access, memory flat in the file size."""

from __future__ import annotations

import gzip
import json
import re
import socketserver
import subprocess
import sys
import textwrap
import threading
import zipfile

import pytest

from patnav.ingest.base import Read, ReadOptions, Rejected, file_source
from patnav.ingest.pipeline import import_paths
from patnav.ingest.readers import uspto_xml
from patnav.ingest.xml import safe as xmlsafe

GRANT = "formats/uspto-xml/samples/xml2013/US08613112-20131224.XML"
WEEKLY = "formats/uspto-xml/patentsview-weekly/ipg120103.small.xml"
DECLARATION = (
    '<!DOCTYPE us-patent-grant SYSTEM "us-patent-grant-v44-2013-05-16.dtd" [ ]>'
)
TITLE = (
    "Article of clothing particularly intended to be used along with electronic devices"
)


def hostile_grant(data_dir, subset: str, title: str) -> bytes:
    """The real 2013 grant with a different document type declaration and title."""
    text = (data_dir / GRANT).read_text("utf-8")
    assert DECLARATION in text and TITLE in text
    text = text.replace(DECLARATION, subset).replace(TITLE, title)
    return text.encode("utf-8")


def everything_stored(store) -> str:
    """Every text the store holds, to look for leaked content."""
    parts = []
    for table in ("patents", "texts", "parties", "claims", "citations", "quarantine"):
        for row in store.query(f"SELECT * FROM {table}").to_pylist():
            parts.extend(str(v) for v in row.values())
    return "\n".join(parts)


class _Listener(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        self.connections = 0
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.server.connections += 1  # type: ignore[attr-defined]
        self.request.sendall(
            b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nNETWORK-CONTENT"
        )


@pytest.fixture
def listener():
    """A local HTTP server that counts the connections it receives."""
    server = _Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_external_entity_is_refused_and_the_secret_never_read(
    tmp_path, store, data_dir
):
    secret = tmp_path / "secret.txt"
    secret.write_text("PATNAV-SECRET-8f3a", "utf-8")
    subset = f'<!DOCTYPE us-patent-grant [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    path = tmp_path / "xxe.xml"
    path.write_bytes(hostile_grant(data_dir, subset, "Title &xxe; end"))
    report = import_paths(store, [path])
    (f,) = report.files
    # its one document refused: the file is not "ok" (issue 12)
    assert (f.format, f.status, f.new, f.quarantined) == (
        "uspto-xml",
        "quarantined",
        0,
        1,
    )
    (entry,) = f.quarantine
    assert entry.position == "document 1 (byte 0)"
    assert "external entity 'xxe'" in entry.reason and "refused" in entry.reason
    assert "PATNAV-SECRET-8f3a" not in everything_stored(store)


def test_billion_laughs_is_refused_without_expansion(tmp_path, store, data_dir):
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    subset = f"<!DOCTYPE us-patent-grant [{''.join(levels)}]>"
    path = tmp_path / "laughs.xml"
    path.write_bytes(hostile_grant(data_dir, subset, "&lol9;"))
    report = import_paths(store, [path])
    (f,) = report.files
    assert (f.status, f.quarantined, f.new) == ("quarantined", 1, 0)
    assert "internal entity 'lol0'" in f.quarantine[0].reason
    assert "lollollol" not in everything_stored(store)


def test_the_parser_itself_never_expands_entities():
    """Defence in depth: even a document that skipped preparation is not expanded."""
    levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 8))
    raw = f'<!DOCTYPE r [<!ENTITY l0 "lol">{levels}]><r>&l7;</r>'.encode()
    try:
        root = xmlsafe.parse_bytes(raw)
    except xmlsafe.BadDocumentError as exc:  # libxml2's amplification guard
        assert "amplification" in str(exc)
    else:
        assert len("".join(root.itertext())) < 100


def test_no_network_for_external_dtds_and_parameter_entities(
    tmp_path, store, data_dir, listener
):
    url = f"http://127.0.0.1:{listener.server_address[1]}"
    external_dtd = tmp_path / "external-dtd.xml"
    external_dtd.write_bytes(
        hostile_grant(
            data_dir, f'<!DOCTYPE us-patent-grant SYSTEM "{url}/grant.dtd">', TITLE
        )
    )
    parameter = tmp_path / "parameter.xml"
    parameter.write_bytes(
        hostile_grant(
            data_dir,
            f'<!DOCTYPE us-patent-grant [<!ENTITY % ext SYSTEM "{url}/x.dtd"> %ext;]>',
            TITLE,
        )
    )
    entity = tmp_path / "entity.xml"
    entity.write_bytes(
        hostile_grant(
            data_dir,
            f'<!DOCTYPE us-patent-grant [<!ENTITY net SYSTEM "{url}/e">]>',
            "&net;",
        )
    )
    report = import_paths(store, [external_dtd, parameter, entity])
    by_name = {f.file.rsplit("/", 1)[1]: f for f in report.files}
    # a DTD on the network is simply never loaded: the document reads normally
    assert by_name["external-dtd.xml"].new == 1
    assert "parameter entity 'ext'" in by_name["parameter.xml"].quarantine[0].reason
    assert "external entity 'net'" in by_name["entity.xml"].quarantine[0].reason
    assert listener.connections == 0
    assert "NETWORK-CONTENT" not in everything_stored(store)


def test_truncated_weekly_file_keeps_what_came_before(tmp_path, store, data_dir):
    data = (data_dir / WEEKLY).read_bytes()
    starts = [m.start() for m in re.finditer(rb"<\?xml ", data)]
    cut = starts[9] + (starts[10] - starts[9]) // 2  # inside document 10
    path = tmp_path / "ipg-truncated.xml"
    path.write_bytes(data[:cut])
    report = import_paths(store, [path])
    (f,) = report.files
    assert (f.status, f.new, f.quarantined) == ("ok", 9, 1)
    (entry,) = f.quarantine
    assert entry.position == f"document 10 (byte {starts[9]:,})"
    assert "truncated" in entry.reason and "download it again" in entry.reason
    raw = store.scalar("SELECT raw FROM quarantine")
    assert raw == data[starts[9] : starts[9] + 65536].decode("utf-8")


def test_a_broken_document_in_the_middle_costs_only_itself(tmp_path, data_dir):
    data = (data_dir / WEEKLY).read_bytes()
    starts = [m.start() for m in re.finditer(rb"<\?xml ", data)]
    broken = data[starts[4] : starts[5]].replace(b"</invention-title>", b"", 1)
    path = tmp_path / "ipg-broken.xml"
    path.write_bytes(data[: starts[4]] + broken + data[starts[5] :])
    items = list(uspto_xml.read(file_source(path), ReadOptions()))
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert [r.position for r in rejected] == [f"document 5 (byte {starts[4]:,})"]
    assert "not well-formed" in rejected[0].reason
    assert len([i for i in items if isinstance(i, Read)]) == 24


def test_truncated_gzip_keeps_what_came_before(tmp_path, store, data_dir):
    packed = gzip.compress((data_dir / WEEKLY).read_bytes())
    path = tmp_path / "ipg120103.xml.gz"
    path.write_bytes(packed[: len(packed) // 2])
    report = import_paths(store, [path])
    (f,) = report.files
    assert (f.format, f.status) == ("uspto-xml", "ok")
    assert 5 <= f.new < 25
    assert any("cut off or corrupt" in q.reason for q in f.quarantine)


def test_zip_and_gzip_members_are_recognised(tmp_path, store, data_dir):
    archive = tmp_path / "bulk.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(data_dir / "formats/cnipa-xml/cn_new1.xml", "cn/cn_new1.xml")
        zf.write(data_dir / "formats/epo-xml/v1-5-B1.xml", "ep/EP3404678.xml")
        zf.write(data_dir / "formats/epo-docdb/DE-backfile.xml", "docdb/DE.xml")
    weekly = tmp_path / "ipg120103.xml.gz"
    weekly.write_bytes(gzip.compress((data_dir / WEEKLY).read_bytes()))
    report = import_paths(store, [archive, weekly])
    formats = {f.file.rsplit("!", 1)[-1]: (f.format, f.new) for f in report.files}
    assert formats == {
        "cn/cn_new1.xml": ("cnipa-xml", 1),
        "ep/EP3404678.xml": ("epo-xml", 1),
        "docdb/DE.xml": ("epo-docdb", 10),
        "ipg120103.xml": ("uspto-xml", 25),
    }


def test_an_oversized_document_is_skipped_unread(tmp_path, monkeypatch, data_dir):
    monkeypatch.setattr(xmlsafe, "MAX_DOCUMENT_BYTES", 150_000)
    items = list(uspto_xml.read(file_source(data_dir / WEEKLY), ReadOptions()))
    rejected = [i for i in items if isinstance(i, Rejected)]
    reads = [i for i in items if isinstance(i, Read)]
    assert rejected and reads and len(rejected) + len(reads) == 25
    assert all("over the limit of 150,000" in r.reason for r in rejected)
    assert all(r.raw is None for r in rejected)


def test_split_documents_handles_declarations_across_chunk_edges(data_dir):
    data = (data_dir / WEEKLY).read_bytes()
    import io

    for chunk in (7, 1000, 65536):
        pieces = list(xmlsafe.split_documents(io.BytesIO(data), chunk_bytes=chunk))
        assert len(pieces) == 25
        assert b"".join(p.data for p in pieces) == data
        assert pieces[-1].last and not pieces[0].last


def test_not_xml_is_not_claimed_by_an_xml_reader(tmp_path):
    from patnav.ingest.readers import cnipa_xml, epo_docdb, epo_xml

    path = tmp_path / "fake.xml"
    path.write_bytes(b"\x00\x01binary junk <us-patent-grant>")
    for reader in (cnipa_xml, uspto_xml, epo_xml, epo_docdb):
        assert not reader.sniff(file_source(path))


MEASURE = textwrap.dedent(
    """
    import json, resource, sys
    from pathlib import Path
    from patnav.ingest.readers import uspto_xml
    from patnav.ingest.base import Read, ReadOptions, file_source
    n = sum(isinstance(i, Read) for i in uspto_xml.read(
        file_source(Path(sys.argv[1])), ReadOptions()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"records": n, "peak_mb": peak}))
    """
)


def _peak(path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


def _concatenation(tmp_path, data_dir, megabytes: int):
    weekly = (data_dir / WEEKLY).read_bytes()
    path = tmp_path / f"weekly-{megabytes}mb.xml"
    copies = max(1, megabytes * 1024 * 1024 // len(weekly))
    with path.open("wb") as out:
        for _ in range(copies):
            out.write(weekly)
    return path, copies * 25


def test_memory_stays_flat_on_a_4x_larger_weekly_file(tmp_path, data_dir):
    small, small_n = _concatenation(tmp_path, data_dir, 12)
    big, big_n = _concatenation(tmp_path, data_dir, 48)
    one, four = _peak(small), _peak(big)
    assert (one["records"], four["records"]) == (small_n, big_n)
    # 36 MB more input, and the reader's peak grows by far less than that
    assert four["peak_mb"] - one["peak_mb"] < 15, (one, four)


@pytest.mark.slow
def test_memory_stays_flat_on_a_200_mb_weekly_file(tmp_path, data_dir):
    small, _ = _concatenation(tmp_path, data_dir, 50)
    big, big_n = _concatenation(tmp_path, data_dir, 200)
    one, four = _peak(small), _peak(big)
    assert four["records"] == big_n
    assert four["peak_mb"] - one["peak_mb"] < 20, (one, four)


def test_concatenated_documents_with_byte_order_marks(data_dir):
    """A document's byte-order mark belongs to it, not to the end of the one before."""
    import io

    with_bom = (data_dir / "formats/cnipa-xml/cn_old1.xml").read_bytes()
    without = (data_dir / "formats/cnipa-xml/cn_old3.xml").read_bytes()
    assert with_bom.startswith(b"\xef\xbb\xbf")
    data = without + with_bom + without
    pieces = list(xmlsafe.split_documents(io.BytesIO(data), chunk_bytes=1000))
    assert [p.offset for p in pieces] == [0, len(without), len(without + with_bom)]
    numbers = [
        xmlsafe.parse_document(p.data)[0].findtext(".//doc-number") for p in pieces
    ]
    assert numbers == ["104245682", "104223352", "104245682"]


def test_docdb_bulk_file_declaring_an_entity_is_refused(tmp_path, store, data_dir):
    secret = tmp_path / "secret.txt"
    secret.write_text("PATNAV-SECRET-docdb", "utf-8")
    text = (data_dir / "formats/epo-docdb/DE-backfile.xml").read_text("utf-8")
    declaration = '<!DOCTYPE exch:exchange-documents SYSTEM "docdb-entities.dtd">'
    assert declaration in text
    hostile = text.replace(
        declaration,
        f'<!DOCTYPE exch:exchange-documents [<!ENTITY s SYSTEM "file://{secret}">]>',
    ).replace("Zuendanlage fuer Brennkraftmaschinen", "&s;")
    path = tmp_path / "docdb-xxe.xml"
    path.write_text(hostile, "utf-8")
    report = import_paths(store, [path])
    (f,) = report.files
    assert (f.format, f.new, f.quarantined) == ("epo-docdb", 0, 1)
    assert "external entity 's'" in f.quarantine[0].reason
    assert "PATNAV-SECRET-docdb" not in everything_stored(store)


def test_truncated_docdb_bulk_file_keeps_the_records_before(tmp_path, store, data_dir):
    data = (data_dir / "formats/epo-docdb/DE-backfile.xml").read_bytes()
    starts = [m.start() for m in re.finditer(rb"<exch:exchange-document ", data)]
    path = tmp_path / "docdb-cut.xml"
    path.write_bytes(data[: starts[7] + 500])  # inside record 8
    report = import_paths(store, [path])
    (f,) = report.files
    assert (f.format, f.new, f.quarantined) == ("epo-docdb", 7, 1)
    (entry,) = f.quarantine
    assert entry.position == f"document 8 (byte {starts[7]:,})"
    assert "truncated" in entry.reason
