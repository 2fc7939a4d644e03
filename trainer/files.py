"""The user's files: read only regular files, and only so much; replace only regular files;
write a file in one step.

A path given for a deck file, a CSV file, a glossary document or the settings may name a
named pipe (reading it waits for a writer forever), a device such as /dev/zero (endless)
or a folder. `read_regular` opens without waiting, refuses anything that is not a regular
file and reads at most `limit + 1` bytes, so a file whose size the file system does not
report (/proc, a file still growing) cannot take more time or memory either.

`check_replaceable` is for a file about to be written over (`--force`, `--csv`): only a
regular file may be replaced; a device node or a pipe at that path is refused.

`atomic_write` writes a hidden temporary file in the same folder, then renames it over the
target: the rename is atomic on one file system, so a reader sees the old file or the new
one, never half of it; on any error the temporary file is removed and the target is
untouched. Raises OSError; the callers turn it into their own domain error.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


class NotRegularFileError(OSError):
    """The path is a folder, a named pipe, a device or a socket, not a regular file."""

    def __init__(self, path: Path, mode: int) -> None:
        super().__init__(errno.EINVAL, f"it is {kind_of(mode)}, not a regular file", str(path))


class TooLargeError(OSError):
    """The file holds more than the limit; `size` is its size when the file system says it."""

    def __init__(self, path: Path, limit: int, size: int | None) -> None:
        super().__init__(errno.EFBIG, f"it is larger than {limit} bytes", str(path))
        self.size = size


def kind_of(mode: int) -> str:
    """What a file is, for a message: "a folder", "a named pipe (FIFO)", ..."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, if it holds at most `limit` bytes.

    Raises NotRegularFileError, TooLargeError (after reading `limit + 1` bytes at most)
    or the OSError of opening or reading it.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(path, info.st_mode)
        if info.st_size > limit:
            raise TooLargeError(path, limit, info.st_size)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise TooLargeError(path, limit, None)
    return data


def check_replaceable(path: Path) -> None:
    """Raise NotRegularFileError if something other than a regular file is at `path`
    (a missing file is fine: it will be created)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFileError(path, info.st_mode)


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
