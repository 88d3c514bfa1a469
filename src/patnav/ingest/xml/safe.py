"""Safe, streaming XML for the patent-office readers.

Patent XML arrives in three shapes, and all three are read with flat memory:

- one document per file (CNIPA, EPO publication server);
- many documents concatenated, each with its own ``<?xml …?>`` declaration (a USPTO
  weekly file, several GB): :func:`split_documents` cuts the byte stream at every
  declaration;
- one huge document holding many records (a DOCDB exchange file):
  :func:`split_elements` cuts out each record element.

Each piece is then prepared and parsed on its own (:func:`parse_document`), so a broken
document costs that document only. Preparation is where safety lives:

- the document type declaration is **removed** before parsing; its DTD is never loaded,
  from disk or network. Its system identifier is kept, to tell DTD versions apart;
- a document whose internal subset declares a parsed or parameter entity is **refused**
  (:class:`UnsafeDocumentError`): that is how XML external entity (XXE) and "billion laughs"
  attacks work, and real office XML never does it (USPTO declares only unparsed
  ``NDATA`` entities for its images, which are harmless and ignored);
- named character references (``&mdash;``, ``&lsquo;``, DOCDB's ``&SACUTE;``, ISO 8879
  Greek ``&agr;``) come from DTDs patnav does not load, so they are replaced from a
  built-in table (HTML 5 names plus the ISO sets offices use); an unknown name is kept
  as literal text, never expanded;
- lxml parses with ``resolve_entities=False, no_network=True, load_dtd=False``;
  ``huge_tree`` (text nodes over 10 MB) is switched on only for documents that are
  themselves over :data:`HUGE_TREE_BYTES`.
"""

from __future__ import annotations

import html.entities
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from lxml import etree

from patnav.errors import BadDocumentError, UnsafeDocumentError, excerpt

MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
"""A single document larger than this is rejected unread (the largest real USPTO grant
documents are tens of MB)."""
HUGE_TREE_BYTES = 8 * 1024 * 1024
"""Documents larger than this are parsed with lxml's ``huge_tree``."""
RAW_BYTES = 64 * 1024
"""Bytes of a rejected document kept as its raw content in quarantine."""
CHUNK_BYTES = 1024 * 1024

Element = Any
"""An lxml element (lxml ships no type stubs)."""


class ByteStream(Protocol):
    """Anything with ``read(n) -> bytes``: a file, an archive member, a limited reader."""

    def read(self, size: int, /) -> bytes: ...


# --- cutting a stream into documents ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Piece:
    """One document (or record element) cut out of a stream.

    ``data`` is empty when the piece was over the size limit (``size`` says how big);
    ``last`` is true for the final piece of the stream, which a truncated file cuts off.
    """

    number: int
    offset: int
    data: bytes
    size: int
    last: bool = False

    @property
    def position(self) -> str:
        """Where the piece is, for reports: ``document 17 (byte 12,345,678)``."""
        return f"document {self.number} (byte {self.offset:,})"

    @property
    def oversized(self) -> bool:
        """Whether the piece was skipped for being over the size limit."""
        return not self.data and self.size > 0

    @property
    def raw(self) -> str:
        """The first 64 KiB, as text, for quarantine."""
        return self.data[:RAW_BYTES].decode("utf-8", errors="replace")


_DECL = re.compile(rb"<\?xml[ \t\r\n]")
_BOM = b"\xef\xbb\xbf"


def split_documents(
    stream: ByteStream,
    *,
    max_bytes: int | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[Piece]:
    """Cut a byte stream into XML documents at each ``<?xml …?>`` declaration.

    The first document may lack a declaration (it starts at byte 0). Memory holds one
    document and one chunk at a time; a document over ``max_bytes`` is skipped without
    being held and reported as an oversized piece (``max_bytes`` defaults to
    :data:`MAX_DOCUMENT_BYTES`).
    """
    max_bytes = MAX_DOCUMENT_BYTES if max_bytes is None else max_bytes
    buf = bytearray()
    offset = 0  # stream offset of buf[0]
    skipped = 0  # bytes of the current (oversized) document already dropped
    scan = 1  # where to look for the next declaration: past the current one's own
    number = 0
    eof = False
    pending: Piece | None = None
    while True:
        m = _DECL.search(buf, scan)
        if m is None and not eof:
            if skipped or len(buf) > max_bytes:
                drop = len(buf) - 5  # a declaration may straddle the chunk edge
                if drop > 0:
                    skipped += drop
                    offset += drop
                    del buf[:drop]
            scan = 0 if skipped else max(1, len(buf) - 5)
            chunk = stream.read(chunk_bytes)
            if chunk:
                buf += chunk
            else:
                eof = True
            continue
        end = m.start() if m is not None else len(buf)
        if m is not None and end > 3 and buf[end - 3 : end] == _BOM:
            end -= 3  # the next document's byte-order mark is not this one's tail
        if skipped:
            piece = Piece(number + 1, offset - skipped, b"", skipped + end)
        elif end > max_bytes:
            piece = Piece(number + 1, offset, b"", end)
        else:
            piece = Piece(number + 1, offset, bytes(buf[:end]), end)
        if piece.oversized or piece.data.strip(b" \t\r\n\xef\xbb\xbf"):
            number += 1
            if pending is not None:
                yield pending
            pending = piece
        del buf[:end]
        offset += end
        skipped = 0
        scan = 4 if buf.startswith(_BOM) else 1  # past this document's own declaration
        if m is None:
            break
    if pending is not None:
        yield Piece(
            pending.number, pending.offset, pending.data, pending.size, last=True
        )


def split_elements(
    stream: ByteStream,
    names: Iterable[bytes],
    *,
    max_bytes: int | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[Piece | Prolog]:
    """Cut the record elements named ``names`` (``b"exch:exchange-document"``) out of a
    stream, for formats that put many records in one huge document (DOCDB).

    The first item is the :class:`Prolog`: the bytes before the first record (the XML
    declaration, the document type declaration, the container's start tag), for the
    reader to check. Then each record comes as a piece; a record that never ends (a
    truncated file) is the last piece, cut off.
    """
    max_bytes = MAX_DOCUMENT_BYTES if max_bytes is None else max_bytes
    starts = [re.escape(b"<" + n) + rb"[\s>/]" for n in names]
    start_re = re.compile(b"|".join(starts))
    end_res = {n: re.compile(re.escape(b"</" + n) + rb"\s*>") for n in names}
    buf = bytearray()
    base = 0
    number = 0
    eof = False
    prolog_done = False
    while True:
        m = start_re.search(buf)
        if m is None:
            if not prolog_done and (len(buf) > max_bytes or eof):
                yield Prolog(bytes(buf[:RAW_BYTES]))
                prolog_done = True
            if eof:
                return
            keep = 64
            if prolog_done and len(buf) > keep:
                base += len(buf) - keep
                del buf[:-keep]
            chunk = stream.read(chunk_bytes)
            if not chunk:
                eof = True
            buf += chunk
            continue
        if not prolog_done:
            yield Prolog(bytes(buf[: m.start()]))
            prolog_done = True
        name = bytes(m.group(0)[1:-1])  # before buf changes: m reads it lazily
        base += m.start()
        del buf[: m.start()]
        end_re = end_res[name]
        scan = 0
        while True:
            e = end_re.search(buf, scan)
            if e is not None:
                break
            if eof:
                break
            if len(buf) > max_bytes + chunk_bytes:
                break
            scan = max(0, len(buf) - len(name) - 8)
            chunk = stream.read(chunk_bytes)
            if not chunk:
                eof = True
            buf += chunk
        number += 1
        if e is None:
            if eof:
                yield Piece(number, base, bytes(buf), len(buf), last=True)
                return
            # oversized: skip to the end tag without holding it
            skipped = len(buf)
            del buf[:]
            while True:
                chunk = stream.read(chunk_bytes)
                if not chunk:
                    yield Piece(number, base, b"", skipped, last=True)
                    return
                buf += chunk
                e = end_re.search(buf)
                if e is not None:
                    skipped += e.end()
                    yield Piece(number, base, b"", skipped)
                    base += skipped
                    del buf[: e.end()]
                    break
                skipped += max(0, len(buf) - 64)
                del buf[:-64]
            continue
        data = bytes(buf[: e.end()])
        yield Piece(number, base, data, len(data))
        base += e.end()
        del buf[: e.end()]


@dataclass(frozen=True, slots=True)
class Prolog:
    """What precedes the first record of a record stream (see :func:`split_elements`)."""

    data: bytes


# --- document type declarations -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntityDecl:
    """An entity declared in a document's internal subset."""

    name: str
    kind: str  # internal | external | unparsed | parameter
    target: str | None = None


@dataclass(frozen=True, slots=True)
class Doctype:
    """A document type declaration: root name, identifiers, declared entities."""

    root: str
    public_id: str | None = None
    system_id: str | None = None
    entities: tuple[EntityDecl, ...] = ()
    has_parameter_refs: bool = False


_NAME = re.compile(rb"[^\s\[\]>\"'%]+")


def _skip_ws(data: bytes, i: int) -> int:
    n = len(data)
    while i < n and data[i] in b" \t\r\n":
        i += 1
    return i


def _quoted(data: bytes, i: int) -> tuple[str, int]:
    quote = data[i : i + 1]
    end = data.find(quote, i + 1)
    if end < 0:
        raise BadDocumentError(
            "an unterminated string in the document type declaration"
        )
    return data[i + 1 : end].decode("utf-8", errors="replace"), end + 1


def _external_id(data: bytes, i: int) -> tuple[str | None, str | None, int]:
    """PUBLIC "pub" "sys" | SYSTEM "sys", at ``i`` (after whitespace)."""
    public = system = None
    if data.startswith(b"PUBLIC", i):
        i = _skip_ws(data, i + 6)
        public, i = _quoted(data, i)
        i = _skip_ws(data, i)
        if data[i : i + 1] in (b'"', b"'"):
            system, i = _quoted(data, i)
    elif data.startswith(b"SYSTEM", i):
        i = _skip_ws(data, i + 6)
        system, i = _quoted(data, i)
    return public, system, i


def _prolog_end(data: bytes) -> tuple[int, int]:
    """(start, end) of the DOCTYPE declaration, or (-1, root start) when there is none.

    Skips a byte-order mark, the XML declaration, comments, processing instructions and
    whitespace. Raises BadDocumentError when the prolog is unterminated.
    """
    i = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    n = len(data)
    while True:
        i = _skip_ws(data, i)
        if i >= n:
            return -1, i
        if data.startswith(b"<?", i):
            end = data.find(b"?>", i + 2)
            if end < 0:
                raise BadDocumentError("the XML declaration is never closed")
            i = end + 2
        elif data.startswith(b"<!--", i):
            end = data.find(b"-->", i + 4)
            if end < 0:
                raise BadDocumentError(
                    "a comment before the root element is never closed"
                )
            i = end + 3
        elif data.startswith(b"<!DOCTYPE", i):
            return i, i
        else:
            return -1, i


def _parse_doctype(data: bytes, start: int) -> tuple[Doctype, int]:
    """The declaration starting at ``start`` and the index just after it."""
    i = _skip_ws(data, start + 9)
    m = _NAME.match(data, i)
    if not m:
        raise BadDocumentError("the document type declaration names no root element")
    root = m.group(0).decode("utf-8", errors="replace")
    i = _skip_ws(data, m.end())
    public, system, i = _external_id(data, i)
    i = _skip_ws(data, i)
    entities: list[EntityDecl] = []
    pe_refs = False
    if data[i : i + 1] == b"[":
        i += 1
        n = len(data)
        while True:
            i = _skip_ws(data, i)
            if i >= n:
                raise BadDocumentError("the document type declaration is never closed")
            if data[i : i + 1] == b"]":
                i += 1
                break
            if data.startswith(b"<!--", i):
                end = data.find(b"-->", i + 4)
                if end < 0:
                    raise BadDocumentError(
                        "a comment in the internal subset is never closed"
                    )
                i = end + 3
            elif data.startswith(b"<?", i):
                end = data.find(b"?>", i + 2)
                if end < 0:
                    raise BadDocumentError("a processing instruction is never closed")
                i = end + 2
            elif data.startswith(b"<!ENTITY", i):
                decl, i = _entity_decl(data, i + 8)
                entities.append(decl)
            elif data.startswith(b"<!", i):
                i = _skip_markup(data, i + 2)
            elif data[i : i + 1] == b"%":
                pe_refs = True
                end = data.find(b";", i)
                i = end + 1 if end > 0 else n
            else:
                raise BadDocumentError(
                    f"unexpected {excerpt(data[i : i + 20])} in the document type declaration"
                )
    i = _skip_ws(data, i)
    if data[i : i + 1] != b">":
        raise BadDocumentError("the document type declaration is not closed with '>'")
    doctype = Doctype(root, public, system, tuple(entities), pe_refs)
    return doctype, i + 1


def _skip_markup(data: bytes, i: int) -> int:
    """Past an ELEMENT, ATTLIST or NOTATION declaration (quotes may hold '>')."""
    n = len(data)
    while i < n:
        c = data[i : i + 1]
        if c in (b'"', b"'"):
            _, i = _quoted(data, i)
            continue
        if c == b">":
            return i + 1
        i += 1
    raise BadDocumentError(
        "a markup declaration in the internal subset is never closed"
    )


def _entity_decl(data: bytes, i: int) -> tuple[EntityDecl, int]:
    i = _skip_ws(data, i)
    parameter = data[i : i + 1] == b"%"
    if parameter:
        i = _skip_ws(data, i + 1)
    m = _NAME.match(data, i)
    if not m:
        raise BadDocumentError("an entity declaration without a name")
    name = m.group(0).decode("utf-8", errors="replace")
    i = _skip_ws(data, m.end())
    kind = "internal"
    target: str | None = None
    if data[i : i + 1] in (b'"', b"'"):
        value, i = _quoted(data, i)
        target = value[:80]
    else:
        _, system, i = _external_id(data, i)
        target = system
        kind = "external"
        i = _skip_ws(data, i)
        if data.startswith(b"NDATA", i):
            kind = "unparsed"
    end = _skip_markup(data, i)
    if parameter:
        kind = "parameter"
    return EntityDecl(name, kind, target), end


def read_doctype(data: bytes) -> Doctype | None:
    """The document type declaration at the head of ``data``, if any.

    Raises:
        BadDocumentError: the prolog or the declaration is malformed or cut off.
    """
    start, _ = _prolog_end(data)
    if start < 0:
        return None
    doctype, _ = _parse_doctype(data, start)
    return doctype


# --- the root element, for sniffing ---------------------------------------------------

_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*(?::[\w.\-]+)?)")


def root_name(head: bytes) -> str | None:
    """The qualified name of the root element (``business:PatentDocumentAndRelated``),
    from the head of a document; the doctype's root name when the head ends before the
    root element; None when the head is not XML.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    try:
        start, i = _prolog_end(head)
        if start >= 0:
            doctype, i = _parse_doctype(head, start)
            j = _skip_ws(head, i)
            while head.startswith((b"<!--", b"<?"), j):
                j = _prolog_end(head[j:])[1] + j
            m = _ROOT.match(head, j)
            return m.group(1).decode() if m else doctype.root
    except BadDocumentError:
        return None
    m = _ROOT.match(head, i)
    return m.group(1).decode() if m else None


def local_name(qname: str | None) -> str | None:
    """``exch:exchange-document`` → ``exchange-document``; ``{ns}x`` → ``x``."""
    if qname is None:
        return None
    return qname.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


# --- character entities --------------------------------------------------------------

_PREDEFINED = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_GREEK = (
    "A:Α:alpha B:Β:beta G:Γ:gamma D:Δ:delta E:Ε:epsilon Z:Ζ:zeta EE:Η:eta TH:Θ:theta "
    "I:Ι:iota K:Κ:kappa L:Λ:lambda M:Μ:mu N:Ν:nu X:Ξ:xi O:Ο:omicron P:Π:pi R:Ρ:rho "
    "S:Σ:sigma T:Τ:tau U:Υ:upsilon PH:Φ:phi KH:Χ:chi PS:Ψ:psi OH:Ω:omega"
)


def _iso_greek() -> dict[str, str]:
    """ISO 8879 ISOgrk1 and ISOgrk2 (``agr`` α, ``THgr`` Θ, ``aacgr`` ά), which USPTO
    and DOCDB texts use and HTML 5 lacks."""
    out: dict[str, str] = {"sfgr": "ς"}
    for item in _GREEK.split():
        latin, upper, _ = item.split(":")
        out[latin + "gr"] = upper
        out[latin.lower() + "gr"] = upper.lower()
    accented = {
        "Aacgr": "Ά", "aacgr": "ά", "Eacgr": "Έ", "eacgr": "έ", "EEacgr": "Ή",
        "eeacgr": "ή", "Iacgr": "Ί", "iacgr": "ί", "idiagr": "ΐ", "Idigr": "Ϊ",
        "idigr": "ϊ", "Oacgr": "Ό", "oacgr": "ό", "OHacgr": "Ώ", "ohacgr": "ώ",
        "Uacgr": "Ύ", "uacgr": "ύ", "udiagr": "ΰ", "Udigr": "Ϋ", "udigr": "ϋ",
    }  # fmt: skip
    out.update(accented)
    return out


_EXTRA_ENTITIES: dict[str, str] = {
    **_iso_greek(),
    # DOCDB and USPTO names outside HTML 5
    "rlarr2": "⇄", "thetas": "θ", "phis": "φ", "supl": "¹", "degree": "°",
    "Trade": "™", "Check": "✓", "Mldr": "…", "newline": "\n", "percent": "%",
    "litre": "ℓ", "lparstr": "′", "rparstr": "″", "circlef": "●", "efdot": "≒",
    "sl0": "Ø", "utilde": "ũ", "Utilde": "Ũ", "hyphen": "‐", "plusmn": "±",
    # DOCDB's chemistry glyphs, private-use code points in its DTD: nearest real ones
    "LeftBracketingBar": "|", "RightBracketingBar": "|", "Dotthalfcircle": "◓",
    "Dotlhalfcircle": "◐", "Dotrhalfcircle": "◑", "Lhalfcircle": "◖",
    "Rhalfcircle": "◗", "Quadbond": "≣", "Ovalhollow": "⬯", "Ovalsolid": "⬮",
    "Linevertsplit": "¦", "Parenopenst": "(", "Parenclosest": ")",
    "Brketopenst": "[", "Brketclosest": "]",
}  # fmt: skip


@lru_cache(maxsize=4096)
def resolve_entity(name: str) -> str | None:
    """The text a named character reference stands for, or None when unknown.

    HTML 5 names, ISO 8879 Greek, DOCDB's upper-case variants (``SACUTE`` is ``Sacute``,
    Ś; ``MDASH`` is ``mdash``) and its bold Greek (``b.alpha``, read as α).
    """
    html5 = html.entities.html5
    if (text := html5.get(name + ";")) is not None:
        return text
    if (text := _EXTRA_ENTITIES.get(name)) is not None:
        return text
    if name.startswith("b.") and len(name) > 2:
        return resolve_entity(name[2:])
    if name.isupper() and len(name) > 1:
        # DOCDB spells names in capitals: EEGR is EEgr (Η), CHCY is CHcy (Ч), OELIG is
        # OElig (Œ), SACUTE is Sacute (Ś). The case of the letter follows the name's
        # (the DTD itself is inconsistent: it maps SACUTE to Ś but EACUTE to é).
        variants = [name[0] + name[1:].lower(), name.lower()]
        for suffix in ("GR", "CY", "LIG"):
            if name.endswith(suffix) and len(name) > len(suffix):
                variants.insert(0, name[: -len(suffix)] + suffix.lower())
        for variant in variants:
            if (text := resolve_entity(variant)) is not None:
                return text
    return None


_ENTITY_REF = re.compile(rb"&([A-Za-z][A-Za-z0-9._\-]*);")


def replace_entities(data: bytes, unknown: Counter[str] | None = None) -> bytes:
    """Named character references replaced by numeric ones; unknown names made literal.

    ``unknown`` counts the names that were not recognised.
    """

    def sub(m: re.Match[bytes]) -> bytes:
        name = m.group(1)
        if name in _PREDEFINED:
            return m.group(0)
        text = resolve_entity(name.decode("ascii"))
        if text is None:
            if unknown is not None:
                unknown[name.decode("ascii")] += 1
            return b"&amp;" + name + b";"
        return b"".join(b"&#x%X;" % ord(c) for c in text)

    if b"&" not in data:
        return data
    return _ENTITY_REF.sub(sub, data)


# --- preparing and parsing a document --------------------------------------------------


@dataclass(slots=True)
class Prepared:
    """A document ready for lxml: no DTD, no named entities; its doctype kept aside."""

    data: bytes
    doctype: Doctype | None
    unknown_entities: Counter[str] = field(default_factory=Counter)
    repaired: str | None = None
    """Why the document had to be repaired or read in recovery mode, if it had."""


def _to_utf8(data: bytes) -> bytes:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
        text = re.sub(r"^(<\?xml[^>]*?)\s+encoding=[\"'][^\"']*[\"']", r"\1", text)
        return text.encode("utf-8")
    return data


def prepare(data: bytes) -> Prepared:
    """Remove the document type declaration and replace named entities.

    Raises:
        UnsafeDocumentError: the internal subset declares a parsed or parameter entity.
        BadDocumentError: the prolog is malformed or cut off.
    """
    data = _to_utf8(data)
    start, _ = _prolog_end(data)
    doctype = None
    if start >= 0:
        doctype, end = _parse_doctype(data, start)
        refuse_entities(doctype)
        # keep line numbers: the declaration becomes as many newlines as it had
        blank = b"\n" * data.count(b"\n", start, end)
        data = data[:start] + blank + data[end:]
    unknown: Counter[str] = Counter()
    data = replace_entities(data, unknown)
    return Prepared(data, doctype, unknown)


def refuse_entities(doctype: Doctype) -> None:
    """Raise UnsafeDocumentError if ``doctype`` declares anything that could expand.

    Unparsed (``NDATA``) entities are allowed: they only name image files.
    """
    for decl in doctype.entities:
        if decl.kind == "unparsed":
            continue
        what = {
            "internal": "an internal entity",
            "external": "an external entity",
            "parameter": "a parameter entity",
        }[decl.kind]
        target = (
            f" pointing at {excerpt(decl.target)}" if decl.kind != "internal" else ""
        )
        raise UnsafeDocumentError(
            f"the document declares {what} '{decl.name}'{target}. patnav never expands "
            "or fetches entities declared inside a document (the XML external entity and "
            "'billion laughs' attacks work that way), so it was not read. Patent-office "
            "XML declares no such entities: check where this file came from."
        )
    if doctype.has_parameter_refs:
        raise UnsafeDocumentError(
            "the document type declaration refers to parameter entities, which could "
            "pull in outside content; patnav never loads them, so the document was not "
            "read. Check where this file came from."
        )


_PARSERS: dict[tuple[bool, bool], Any] = {}


def _parser(huge: bool, recover: bool) -> Any:
    parser = _PARSERS.get((huge, recover))
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            attribute_defaults=False,
            huge_tree=huge,
            recover=recover,
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
        )
        _PARSERS[(huge, recover)] = parser
    return parser


def parse_bytes(data: bytes, *, recover: bool = False) -> Element:
    """Parse prepared bytes with the hardened parser (``recover``: libxml2's recovery
    mode, for documents that are complete but not well-formed).

    Raises:
        BadDocumentError: not well-formed, with lxml's message (line and column).
    """
    try:
        root = etree.fromstring(data, _parser(len(data) > HUGE_TREE_BYTES, recover))
    except etree.XMLSyntaxError as exc:
        raise BadDocumentError(f"not well-formed XML: {exc.msg}") from None
    if root is None:
        raise BadDocumentError("the document is empty")
    return root


_BARE_AMP = re.compile(rb"&(?!(?:[A-Za-z_][\w.\-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")
HEAD_SCAN = 256 * 1024
_STRUCTURAL = re.compile(r"tag mismatch|Premature end|Extra content|EndTag|not closed")


def is_complete(data: bytes) -> bool:
    """Whether the document ends with its root element's end tag (a truncated one
    does not)."""
    name = root_name(data[:HEAD_SCAN])
    if name is None:
        return False
    return data.rstrip().endswith(b"</" + name.encode() + b">")


def parse_document(data: bytes) -> tuple[Element, Prepared]:
    """Prepare and parse one document.

    A document that is complete but not well-formed in its content (a bare ``&``,
    markup unescaped by a browser's "save as") is repaired or read in recovery mode;
    ``Prepared.repaired`` then says what went wrong. A broken element structure is not
    guessed at. Prefixes a fragment uses without declaring them (a record cut out of a
    bigger document) are declared.

    Raises:
        UnsafeDocumentError: it declares entities.
        BadDocumentError: it is truncated, empty, or beyond repair.
    """
    prepared = prepare(data)
    try:
        return parse_bytes(prepared.data), prepared
    except BadDocumentError as exc:
        error = exc
    if "Excessive depth" in str(error):
        # recovery would return a tree cut at libxml2's limit, fields lost unseen
        raise BadDocumentError(
            "the document nests elements deeper than the parser's limit (256 levels; "
            "2,048 for documents over 8 MB), so it was not read: patent XML nests a "
            "few dozen levels deep. Check where this file came from."
        )
    if "Namespace prefix" in str(error):
        fixed = declare_prefixes(prepared.data, {})
        if fixed is not prepared.data:
            prepared.data = fixed
            try:
                return parse_bytes(prepared.data), prepared
            except BadDocumentError as exc:
                error = exc
    if not is_complete(prepared.data):
        raise BadDocumentError(
            f"{error}; the document stops before its root element is closed, so the "
            "file is truncated (an interrupted download?): download it again"
        )
    prepared.repaired = str(error)
    repaired = _BARE_AMP.sub(b"&amp;", prepared.data)
    try:
        return parse_bytes(repaired), prepared
    except BadDocumentError as exc:
        if _STRUCTURAL.search(str(exc)):
            # recovery would guess where elements end and put fields in wrong places
            raise BadDocumentError(
                f"{exc}; the document's element structure is broken, so it was not "
                "read (recovery would misplace its fields)"
            ) from None
        return parse_bytes(repaired, recover=True), prepared


_PREFIXED_TAG = re.compile(rb"</?([A-Za-z_][\w.\-]*):[A-Za-z_]")


def declare_prefixes(data: bytes, namespaces: dict[str, str]) -> bytes:
    """Add ``xmlns:prefix`` declarations to the first start tag for prefixes the
    fragment uses but does not declare (a record cut out of a bigger document, or a
    DOCDB sample saved without its container). Unknown prefixes get a ``urn:`` name.
    """
    if _PREFIXED_TAG.search(data) is None:
        return data
    used = {p.decode() for p in _PREFIXED_TAG.findall(data)} - {"xml", "xmlns"}
    m = _ROOT.search(data)
    if not used or m is None:
        return data
    declared = set(
        re.findall(rb"xmlns:([\w.\-]+)\s*=", data[: data.find(b">", m.end())])
    )
    missing = sorted(p for p in used if p.encode() not in declared)
    if not missing:
        return data
    decls = "".join(
        f' xmlns:{p}="{namespaces.get(p, "urn:patnav:undeclared:" + p)}"'
        for p in missing
    )
    return data[: m.end()] + decls.encode() + data[m.end() :]


def strip_namespaces(root: Element) -> Element:
    """Replace every ``{uri}name`` tag in the tree by ``name`` (prefixes are not
    stable across DOCDB samples, bulk files and single documents)."""
    for el in root.iter():
        tag = el.tag
        if isinstance(tag, str) and tag[:1] == "{":
            el.tag = tag.rsplit("}", 1)[1]
    return root
