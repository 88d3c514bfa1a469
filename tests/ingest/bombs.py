"""Hostile files built by tests, bounded in size and time.

``repeated_member_zip`` writes a zip whose members all hold the same content, compressed
once: the 3.4 MB archive of 3,000 members of just under 1 MiB each (3 GB expanded) that
issue 12 reported takes a fraction of a second to build this way, instead of
compressing 3 GB.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

MEMBER_JUST_UNDER_1_MIB = b"x" * (1024 * 1024 - 1)
"""The member of the reported bomb: one line, no header, just under the 1 MiB below
which a member's compression ratio was never checked."""


def repeated_member_zip(
    path: Path, *, members: int, data: bytes, name: str = "m{:05d}.csv"
) -> Path:
    """A valid zip of ``members`` deflated members holding ``data``, named by ``name``."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = packer.compress(data) + packer.flush()
    crc = zlib.crc32(data)
    central = bytearray()
    with path.open("wb") as out:
        for i in range(members):
            filename = name.format(i).encode()
            offset = out.tell()
            out.write(
                struct.pack(
                    "<4s5H3L2H",
                    b"PK\x03\x04",
                    20,  # version needed
                    0,  # flags
                    8,  # deflate
                    0,  # time
                    0x21,  # date: 1980-01-01
                    crc,
                    len(raw),
                    len(data),
                    len(filename),
                    0,
                )
            )
            out.write(filename)
            out.write(raw)
            central += struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(raw),
                len(data),
                len(filename),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            central += filename
        start = out.tell()
        out.write(central)
        out.write(
            struct.pack(
                "<4s4H2LH",
                b"PK\x05\x06",
                0,
                0,
                members,
                members,
                len(central),
                start,
                0,
            )
        )
    return path
