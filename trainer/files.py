"""Writing a file in one step: a hidden temporary file in the same folder, then a rename.

The rename is atomic on one file system, so a reader sees the old file or the new one,
never half of it; on any error the temporary file is removed and the target is untouched.
Raises OSError; the callers turn it into their own domain error.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_write(
    path: Path,
    *,
    binary: bool = False,
    encoding: str = "utf-8",
    newline: str | None = None,
    mode: int | None = None,
) -> Iterator[IO[Any]]:
    """A handle on a temporary file that replaces `path` when the block ends without error.

    `mode`: the new file's permissions; None lets the umask decide, as for any new file.
    """
    temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if binary:
            with os.fdopen(fd, "wb") as handle:
                yield handle
        else:
            with os.fdopen(fd, "w", encoding=encoding, newline=newline) as handle:
                yield handle
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
