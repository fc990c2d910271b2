"""Unpacking gzip input without letting a gzip bomb fill memory: shared by the library's readers
(:mod:`saferstats.io`) and the command line's CSV reader (``saferstats.__main__``), which both take
a ``.gz`` as published."""

from __future__ import annotations

import zlib

__all__ = ["gunzip_bounded"]


def gunzip_bounded(raw: bytes, limit: int) -> bytes | None:
    """gunzip ``raw`` (every member); ``None`` as soon as the output would pass ``limit`` bytes,
    so a gzip bomb is refused before it fills memory. Raises ``EOFError`` for a truncated
    stream and ``zlib.error`` for a corrupt one.

    >>> import gzip
    >>> gunzip_bounded(gzip.compress(b"a,b\\n1,2\\n"), 100)
    b'a,b\\n1,2\\n'
    >>> gunzip_bounded(gzip.compress(b"0" * 1000), 100) is None
    True
    """
    out = bytearray()
    data = raw
    while data:
        d = zlib.decompressobj(wbits=31)
        out += d.decompress(data, limit + 1 - len(out))
        if len(out) > limit or d.unconsumed_tail:
            return None
        if not d.eof:
            raise EOFError("the gzip stream is truncated")
        data = d.unused_data
    return bytes(out)
