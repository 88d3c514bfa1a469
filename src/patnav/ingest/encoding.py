"""Detect the text encoding of an exported file.

Chinese databases export UTF-8 (with or without a byte-order mark), GBK/GB18030 and
UTF-16; Western tools add Windows-1252 and Latin-1. The order of evidence:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) — trusted only if the bytes agree;
2. NUL-byte patterns of BOM-less UTF-16;
3. a strict UTF-8 decode of the *whole* stream, chunk by chunk (memory stays flat),
because a
   GBK character may first appear deep in the file;
4. otherwise GB18030 if the non-ASCII text it decodes to is overwhelmingly common
Chinese
   (characters of GB2312), else Windows-1252, else Mac Roman. Bytes that Windows-1252
   leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are the mark of files saved by Mac
   Excel — the Lens and Patentscope exports here, with their CR line ends; Mac Roman
   reads them as letters (François), where Latin-1 would make control characters. Mac
   Roman maps all 256 bytes, so no byte is ever lost.

A declared encoding (``--encoding``, or a BOM) that the bytes contradict is not trusted:
the detection result wins and the reason is reported.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

CHUNK = 1024 * 1024
SAMPLE_LIMIT = (
    2 * 1024 * 1024
)  # bytes of non-ASCII-bearing chunks used to tell GBK from Latin


@dataclass(frozen=True, slots=True)
class Detected:
    """An encoding and why it was chosen."""

    encoding: str
    evidence: str
    warning: str | None = None
    skip: int = 0
    """Bytes to skip before decoding: a byte-order mark the content contradicts."""


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _strict_decodes(opener: Callable[[], IO[bytes]], encoding: str) -> int | None:
    """None if the whole stream decodes strictly as ``encoding``, else the bad byte offset."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    with opener() as f:
        while True:
            chunk = f.read(CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return offset + max(exc.start, 0)
            if not chunk:
                return None
            offset += len(chunk)


def _looks_utf16(head: bytes) -> str | None:
    sample = head[:4096]
    if len(sample) < 8:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _chinese_share(sample: bytes) -> float:
    """Share of the non-ASCII characters GB18030 decodes ``sample`` to that are GB2312."""
    text = sample.decode("gb18030", errors="replace")
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return 0.0
    common = 0
    for ch in non_ascii:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(non_ascii)


def _high_byte_sample(opener: Callable[[], IO[bytes]]) -> bytes:
    parts: list[bytes] = []
    size = 0
    with opener() as f:
        while size < SAMPLE_LIMIT:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            if max(chunk) > 127:
                # cut at a line end so multi-byte characters are not split at the edges
                start = chunk.find(b"\n") + 1 if parts else 0
                end = chunk.rfind(b"\n")
                parts.append(chunk[start : end if end > start else len(chunk)])
                size += len(chunk)
    return b"\n".join(parts)


def detect_encoding(
    opener: Callable[[], IO[bytes]], *, declared: str | None = None
) -> Detected:
    """Decide how to decode the stream ``opener()`` returns.

    Args:
        opener: opens a fresh binary stream over the whole content (called several
        times). declared: an encoding the user or the file claims; verified before it is
        trusted.
    """
    with opener() as f:
        head = f.read(4096)
    warning = None
    if declared:
        try:
            codecs.lookup(declared)
        except LookupError:
            warning = f"unknown encoding '{declared}' ignored"
        else:
            bad = _strict_decodes(opener, declared)
            if bad is None:
                return Detected(
                    declared, f"declared {declared}, and every byte decodes"
                )
            warning = f"declared {declared}, but byte {bad:,} is not valid {declared}"

    skip = 0
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            bad = _strict_decodes(opener, encoding)
            if bad is None:
                return Detected(encoding, f"{encoding} byte-order mark", warning)
            if encoding == "utf-8-sig":  # its decoder counts from after the mark
                bad += len(bom)
            warning = (
                (f"{warning}; " if warning else "")
                + f"starts with a {encoding} byte-order mark, but byte {bad:,} is not {encoding}"
            )
            skip = len(bom)
            break

    if skip:
        inner = opener

        def opener() -> IO[bytes]:
            stream = inner()
            stream.read(skip)
            return stream

        head = head[skip:]

    utf16 = _looks_utf16(head)
    if utf16 and _strict_decodes(opener, utf16) is None:
        return Detected(
            utf16, "NUL-byte pattern of UTF-16 without byte-order mark", warning, skip
        )

    bad = _strict_decodes(opener, "utf-8")
    if bad is None:
        encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        return Detected(encoding, "every byte is valid UTF-8", warning, skip)

    sample = _high_byte_sample(opener)
    share = _chinese_share(sample)
    if share >= 0.8 and _strict_decodes(opener, "gb18030") is None:
        return Detected(
            "gb18030",
            f"not UTF-8 (byte {bad:,}); {share:.0%} of its non-ASCII text reads as common "
            "Chinese in GB18030",
            warning,
            skip,
        )
    if _strict_decodes(opener, "cp1252") is None:
        return Detected(
            "cp1252", f"not UTF-8 (byte {bad:,}) and not Chinese text", warning, skip
        )
    return Detected(
        "mac_roman",
        f"not UTF-8 (byte {bad:,}), not Chinese, and bytes undefined in Windows-1252: "
        "a Mac Excel export, read as Mac Roman",
        warning,
        skip,
    )
