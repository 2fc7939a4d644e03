"""The user's files: read only regular files, and only so much; replace only regular files.

A path given for a deck file, a CSV file, a glossary document or the settings may name a
named pipe (reading it waits for a writer forever), a device such as /dev/zero (endless)
or a folder. `read_regular` opens without waiting, refuses anything that is not a regular
file and reads at most `limit + 1` bytes, so a file whose size the file system does not
report (/proc, a file still growing) cannot take more time or memory either.

`check_replaceable` is for a file about to be written over (`--force`, `--csv`): only a
regular file may be replaced; a device node or a pipe at that path is refused.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

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
