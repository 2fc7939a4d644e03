"""Reading an Anki package (.apkg or .colpkg): the zip, its collection, what is in it.

Pure of click and rich; reads only the package it is given and writes only a temporary
copy of its collection (removed when done). Anki's packages, as Anki's own code reads
them (ankitects/anki, rslib/src/import_export/package/meta.rs and
package/apkg/import/mod.rs):

- A zip. A `meta` member holds a protobuf `PackageMetadata` (proto/anki/import_export.proto)
  whose field 1 is the version: 1 (legacy 1: `collection.anki2`), 2 (legacy 2:
  `collection.anki21`), 3 (latest: `collection.anki21b`, the SQLite file compressed with
  zstd); 0 or anything else is a package newer than the reader ("TooNew" in Anki).
  Without `meta`, the collection is `collection.anki21` if present, else
  `collection.anki2`. A latest-format package also carries a `collection.anki2` that only
  says "please update Anki": the version decides which member is read.
- The collection is an SQLite file of schema version 11 to 18 (`col.ver`; rslib's
  storage/upgrades/mod.rs: SCHEMA_MIN_VERSION 11, SCHEMA_MAX_VERSION 18). From schema 15
  the note types are the `notetypes`, `fields` and `templates` tables (config a protobuf
  `Notetype.Config`, proto/anki/notetypes.proto, whose field 1 is the kind: 0 normal,
  1 cloze); before, they are the JSON of `col.models` (`type` 1 is cloze). The `notes`,
  `cards` and `revlog` tables have the same columns in every version
  (rslib/src/storage/schema11.sql).

Bounded work on untrusted input: member sizes are checked before anything is read,
the collection is streamed to a temporary file through a byte limit (zstd frames with a
bounded window), and any damage (a cut-short zip, a bad CRC, a bad zstd frame, a file
that is not SQLite) becomes one `AnkiPackageError` naming the file.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import IO, Any, cast

from trainer.errors import AnkiPackageError

#: The decompressed collection may be at most this large (the bench store's 100,000 cards
#: and 1,000,000 answers make a collection of about 100 MB).
MAX_COLLECTION_BYTES = 2 * 1024**3
#: zstd frames asking for a larger window than this are refused (zstd's own default limit
#: for decompression: 2**27 bytes).
MAX_ZSTD_WINDOW = 2**27
_MAX_META_BYTES = 64  # a varint in a one-field protobuf
_CHUNK = 1024 * 1024
SCHEMA_VERSIONS = range(11, 19)  # rslib: SCHEMA_MIN_VERSION 11 .. SCHEMA_MAX_VERSION 18


class PackageVersion(IntEnum):
    """`PackageMetadata.Version` (proto/anki/import_export.proto)."""

    LEGACY_1 = 1
    LEGACY_2 = 2
    LATEST = 3


_MEMBERS = {
    PackageVersion.LEGACY_1: "collection.anki2",
    PackageVersion.LEGACY_2: "collection.anki21",
    PackageVersion.LATEST: "collection.anki21b",
}


class NotetypeKind(IntEnum):
    NORMAL = 0
    CLOZE = 1


@dataclass(frozen=True)
class Notetype:
    """A note type of the collection: its name, kind, field names and template names."""

    id: int
    name: str
    kind: NotetypeKind
    fields: tuple[str, ...]
    templates: tuple[str, ...]  # by card ord


Progress = Callable[[int, int], None]
"""Called with (bytes done, bytes in all) as a package's collection is unpacked."""


def _error(path: Path, message: str) -> AnkiPackageError:
    return AnkiPackageError(path, message)


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """A protobuf varint at `pos`: (value, position after it)."""
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def protobuf_varint_field(data: bytes, number: int) -> int | None:
    """The value of varint field `number` of a protobuf message (the last one wins, as
    protobuf reads it); None if absent. Skips the other fields; ValueError if malformed."""
    pos, found = 0, None
    while pos < len(data):
        key, pos = _varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            if field == number:
                found = value
        elif wire == 1:
            pos += 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            pos += length
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"wire type {wire}")
        if pos > len(data):
            raise ValueError("truncated field")
    return found


def package_version(path: Path, archive: zipfile.ZipFile) -> PackageVersion:
    """Which collection member the package holds (Anki's `Meta::from_archive`)."""
    names = set(archive.namelist())
    if "meta" in names:
        info = archive.getinfo("meta")
        if info.file_size > _MAX_META_BYTES:
            raise _error(path, "its meta member is not Anki's package metadata")
        data = _read_small(path, archive, info)
        try:
            number = protobuf_varint_field(data, 1) or 0
        except ValueError:
            raise _error(path, "its meta member is not Anki's package metadata") from None
        if number not in PackageVersion._value2member_map_:
            raise _error(
                path,
                f"package version {number} is newer than trainer reads (1-3); "
                "export it from Anki with 'Support older Anki versions' ticked",
            )
        return PackageVersion(number)
    if "collection.anki21" in names:
        return PackageVersion.LEGACY_2
    if "collection.anki2" in names:
        return PackageVersion.LEGACY_1
    raise _error(
        path,
        "it holds no Anki collection (collection.anki21b, collection.anki21 or "
        "collection.anki2); export the deck from Anki with File > Export",
    )


def _read_small(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(info) as member:
            return member.read(_MAX_META_BYTES + 1)[:_MAX_META_BYTES]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise _damaged(path, error) from error


def _damaged(path: Path, error: BaseException) -> AnkiPackageError:
    return _error(
        path,
        f"the package is damaged or cut short ({error}); export it from Anki again",
    )


class _Counting:
    """A reader that reports the bytes read through it."""

    def __init__(self, source: IO[bytes], total: int, on_progress: Progress | None) -> None:
        self._source = source
        self._total = total
        self._done = 0
        self._on_progress = on_progress

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self._done += len(data)
        if self._on_progress is not None and data:
            self._on_progress(self._done, self._total)
        return data


def _copy_limited(path: Path, source: Any, target: IO[bytes], *, limit: int) -> None:
    """Copy `source` to `target`, refusing more than `limit` bytes (before writing them)."""
    copied = 0
    while chunk := source.read(_CHUNK):
        copied += len(chunk)
        if copied > limit:
            raise _too_large(path, limit)
        target.write(chunk)


def _too_large(path: Path, limit: int) -> AnkiPackageError:
    return _error(
        path,
        f"its collection is larger than {limit // 1024**2} MB once unpacked; "
        "export fewer decks from Anki",
    )


@contextmanager
def open_collection(
    path: Path,
    *,
    max_bytes: int | None = None,
    on_progress: Progress | None = None,
) -> Iterator[tuple[PackageVersion, sqlite3.Connection]]:
    """The package's collection, unpacked to a temporary file and opened read-only.

    `on_progress` is called with (bytes read, bytes in all) of the collection's zip member
    as it is unpacked; `max_bytes` bounds the unpacked collection (default:
    MAX_COLLECTION_BYTES). AnkiPackageError(path, message) for anything that is not a
    readable package.
    """
    if max_bytes is None:
        max_bytes = MAX_COLLECTION_BYTES
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise _error(path, "no such file") from None
    except IsADirectoryError:
        raise _error(path, "it is a folder, not an Anki package") from None
    except zipfile.BadZipFile:
        raise _error(
            path,
            "it is not a zip file, or it is cut short: an Anki package (.apkg, .colpkg) is "
            "a zip; export it from Anki again with File > Export",
        ) from None
    except OSError as error:
        raise _error(path, f"cannot read it: {error.strerror or error}") from None
    with archive, tempfile.TemporaryDirectory(prefix="trainer-anki-import-") as scratch:
        version = package_version(path, archive)
        name = _MEMBERS[version]
        try:
            info = archive.getinfo(name)
        except KeyError:
            raise _error(
                path, f"its metadata names {name}, which it does not hold; export it again"
            ) from None
        if version is not PackageVersion.LATEST and info.file_size > max_bytes:
            raise _too_large(path, max_bytes)
        db_path = Path(scratch) / "collection.sqlite"
        try:
            with archive.open(info) as member, db_path.open("wb") as target:
                source = cast(IO[bytes], _Counting(member, info.file_size, on_progress))
                if version is PackageVersion.LATEST:
                    import zstandard

                    decompressor = zstandard.ZstdDecompressor(max_window_size=MAX_ZSTD_WINDOW)
                    with decompressor.stream_reader(source, read_across_frames=True) as reader:
                        _copy_limited(path, reader, target, limit=max_bytes)
                else:
                    _copy_limited(path, source, target, limit=max_bytes)
        except AnkiPackageError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise _damaged(path, error) from error
        except OSError as error:
            raise _error(
                path,
                f"cannot unpack it into the temporary folder {scratch}: "
                f"{error.strerror or error}; set TMPDIR to a folder with free space",
            ) from error
        except Exception as error:  # zstandard.ZstdError: a bad or cut-short frame
            if type(error).__module__.startswith("zstandard"):
                raise _damaged(path, error) from error
            raise
        conn = _open_sqlite(path, db_path)
        try:
            yield version, conn
        finally:
            conn.close()
            shutil.rmtree(scratch, ignore_errors=True)


def _open_sqlite(path: Path, db_path: Path) -> sqlite3.Connection:
    with db_path.open("rb") as handle:
        header = handle.read(16)
    if header != b"SQLite format 3\x00":
        raise _error(path, "its collection is not an Anki collection (not SQLite); export it again")
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT ver FROM col").fetchone()
    except sqlite3.DatabaseError as error:
        conn.close()
        raise _error(path, f"its collection cannot be read ({error}); export it again") from None
    if row is None or not isinstance(row[0], int) or row[0] not in SCHEMA_VERSIONS:
        conn.close()
        version = row[0] if row else None
        raise _error(
            path,
            f"its collection has schema version {version}, which trainer does not read "
            f"({SCHEMA_VERSIONS.start}-{SCHEMA_VERSIONS.stop - 1}); export it again from an "
            "up-to-date Anki",
        )
    return conn


def notetypes(path: Path, conn: sqlite3.Connection) -> dict[int, Notetype]:
    """Every note type of the collection, by id."""
    try:
        has_tables = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'notetypes'"
        ).fetchone()
        if has_tables:
            return _notetypes_from_tables(conn)
        (models_json,) = conn.execute("SELECT models FROM col").fetchone()
        return _notetypes_from_json(models_json)
    except (sqlite3.DatabaseError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise _error(path, f"its note types cannot be read ({error}); export it again") from None


def _notetypes_from_tables(conn: sqlite3.Connection) -> dict[int, Notetype]:
    fields: dict[int, list[str]] = {}
    for ntid, name in conn.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(ntid, []).append(str(name))
    templates: dict[int, list[str]] = {}
    for ntid, name in conn.execute("SELECT ntid, name FROM templates ORDER BY ntid, ord"):
        templates.setdefault(ntid, []).append(str(name))
    found: dict[int, Notetype] = {}
    for ntid, name, config in conn.execute("SELECT id, name, config FROM notetypes"):
        kind = protobuf_varint_field(bytes(config or b""), 1) or 0
        found[ntid] = Notetype(
            id=ntid,
            name=str(name),
            kind=NotetypeKind.CLOZE if kind == 1 else NotetypeKind.NORMAL,
            fields=tuple(fields.get(ntid, ())),
            templates=tuple(templates.get(ntid, ())),
        )
    return found


def _notetypes_from_json(models_json: str) -> dict[int, Notetype]:
    models = json.loads(models_json or "{}")
    found: dict[int, Notetype] = {}
    for key, model in models.items():
        ntid = int(model.get("id", key))
        flds = sorted(model.get("flds", []), key=lambda f: int(f.get("ord", 0)))
        tmpls = sorted(model.get("tmpls", []), key=lambda t: int(t.get("ord", 0)))
        found[ntid] = Notetype(
            id=ntid,
            name=str(model.get("name", "")),
            kind=NotetypeKind.CLOZE if int(model.get("type", 0)) == 1 else NotetypeKind.NORMAL,
            fields=tuple(str(f.get("name", "")) for f in flds),
            templates=tuple(str(t.get("name", "")) for t in tmpls),
        )
    return found
