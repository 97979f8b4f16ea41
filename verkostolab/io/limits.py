"""Size limits of imported files, in one place (issue 16, finding 6).

Each limit has a default chosen so that real networks fit many times over, and an
environment variable that changes it (a whole number; ``0`` switches the limit off):

=============================  ==========  ==================================================
variable                       default     what
=============================  ==========  ==================================================
VERKOSTOLAB_MAX_ZIP_BYTES      500 MB      an archive (Slack zip) on disk, compressed
VERKOSTOLAB_MAX_MEMBER_BYTES   100 MB      one member of an archive, unpacked
VERKOSTOLAB_MAX_UNZIPPED_BYTES 1 GB        all members of an archive together, unpacked
VERKOSTOLAB_MAX_ROWS           1000000     rows of one sheet of a workbook
VERKOSTOLAB_MAX_COLUMNS        1000        columns of a sheet or of a text file
VERKOSTOLAB_MAX_LINE_CHARS     100000      characters of one line of a text file
=============================  ==========  ==================================================

An exceeded limit is an :class:`~verkostolab.errors.InputError` whose problem
``too_large`` names the file (sheet, row, column), the limit and its variable.
"""

from __future__ import annotations

import os

from ..errors import InputError, Problem

__all__ = ["LIMITS", "LimitError", "limit", "too_large", "read_member"]

#: name -> (environment variable, default)
LIMITS = {
    "zip_bytes": ("VERKOSTOLAB_MAX_ZIP_BYTES", 500 * 2**20),
    "member_bytes": ("VERKOSTOLAB_MAX_MEMBER_BYTES", 100 * 2**20),
    "unzipped_bytes": ("VERKOSTOLAB_MAX_UNZIPPED_BYTES", 2**30),
    "rows": ("VERKOSTOLAB_MAX_ROWS", 1_000_000),
    "columns": ("VERKOSTOLAB_MAX_COLUMNS", 1000),
    "line_chars": ("VERKOSTOLAB_MAX_LINE_CHARS", 100_000),
}


def limit(name: str) -> int | None:
    """The limit ``name`` now (``None``: off); a broken variable keeps the default."""
    env, default = LIMITS[name]
    raw = os.environ.get(env, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        value = default
    return value if value > 0 else None


class LimitError(InputError):
    """An exceeded size limit: it guards the whole file, so a lenient reader refuses the
    file rather than leaving one record out."""


def too_large(name: str, *, file, value, sheet=None, row=None, column=None) -> LimitError:
    env, _ = LIMITS[name]
    problem = Problem(f"too_large_{name}", file=str(file), sheet=sheet, row=row, column=column,
                      value=value, params={"limit": limit(name), "env": env})
    return LimitError([problem], source=str(file))


def read_member(zf, info, *, file: str, used: list[int]) -> bytes:
    """Unpack one archive member, stopping at the member and total limits (the sizes in
    the archive's directory can lie, so the bytes are counted as they come)."""
    member, total = limit("member_bytes"), limit("unzipped_bytes")
    for name, cap, size in (("member_bytes", member, info.file_size),
                            ("unzipped_bytes", total, used[0] + info.file_size)):
        if cap is not None and size > cap:
            raise too_large(name, file=file, value=size)
    chunks, got = [], 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            got += len(chunk)
            if member is not None and got > member:
                raise too_large("member_bytes", file=file, value=got)
            if total is not None and used[0] + got > total:
                raise too_large("unzipped_bytes", file=file, value=used[0] + got)
            chunks.append(chunk)
    used[0] += got
    return b"".join(chunks)
