"""User settings: settings.toml in the data folder, overridden by environment variables.

```toml
timezone = "Europe/Berlin"   # IANA name; default: the system's time zone (UTC if unknown)
rollover_hour = 4            # the study day starts at this local hour (0-23)
new_per_day = 20             # new cards introduced per study day
reviews_per_day = 200        # due reviews per study day
```

`TRAINER_TZ` overrides `timezone` and `TRAINER_ROLLOVER_HOUR` overrides
`rollover_hour`. A missing file means all defaults.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trainer import paths
from trainer.errors import SettingsError
from trainer.files import TooLargeError, read_regular
from trainer.scheduling.studyday import DEFAULT_ROLLOVER_HOUR

KEYS = ("timezone", "rollover_hour", "new_per_day", "reviews_per_day")
#: The most new cards and due reviews one study day may hold (here and in quiz --new, --reviews).
MAX_NEW_PER_DAY = 10_000
MAX_REVIEWS_PER_DAY = 100_000


def system_timezone() -> ZoneInfo:
    """The system's IANA time zone: $TZ, /etc/localtime's link target, /etc/timezone; else UTC."""
    candidates: list[str] = []
    tz_env = os.environ.get("TZ", "").lstrip(":")
    if tz_env:
        candidates.append(tz_env)
    localtime = Path("/etc/localtime")
    try:
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for name in candidates:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


@dataclass(frozen=True)
class Settings:
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR
    new_per_day: int = 20
    reviews_per_day: int = 200


def _zone(name: object, where: str) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise SettingsError(f"{where}: timezone must be an IANA name such as 'Europe/Berlin'")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"{where}: unknown time zone {name!r}; use an IANA name such as 'Europe/Berlin'"
        ) from None


def _count(value: object, key: str, where: str, low: int, high: int) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SettingsError(f"{where}: {key} must be a whole number from {low} to {high}")
    return value


#: A settings file is a few lines; anything larger is not one.
MAX_SETTINGS_BYTES = 64 * 1024


def _read(path: Path) -> bytes | None:
    """The settings file's bytes; None if there is none. SettingsError if it cannot be
    read (a folder, a pipe, a device, too large, no permission)."""
    try:
        return read_regular(path, MAX_SETTINGS_BYTES)
    except FileNotFoundError:
        return None
    except TooLargeError:
        raise SettingsError(
            f"{path}: the settings file is larger than {MAX_SETTINGS_BYTES // 1024} KB; "
            "fix or delete it"
        ) from None
    except OSError as error:
        raise SettingsError(
            f"{path}: cannot read the settings file: {error.strerror}; fix or delete it"
        ) from None


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file (default: settings.toml in the data folder) and the environment."""
    path = path or paths.settings_path()
    data: dict[str, object] = {}
    raw = _read(path)
    if raw is not None:
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as error:
            reason = "nested too deeply" if isinstance(error, RecursionError) else error
            raise SettingsError(
                f"{path}: not valid TOML ({reason}); fix or delete the file"
            ) from None
        unknown = sorted(set(data) - set(KEYS))
        if unknown:
            raise SettingsError(
                f"{path}: unknown setting {unknown[0]!r}; known settings: {', '.join(KEYS)}"
            )
    where = str(path)
    tz = _zone(data["timezone"], where) if "timezone" in data else system_timezone()
    if os.environ.get("TRAINER_TZ"):
        tz = _zone(os.environ["TRAINER_TZ"], "TRAINER_TZ")
    rollover = data.get("rollover_hour", DEFAULT_ROLLOVER_HOUR)
    rollover_where = where
    if os.environ.get("TRAINER_ROLLOVER_HOUR"):
        rollover, rollover_where = os.environ["TRAINER_ROLLOVER_HOUR"], "TRAINER_ROLLOVER_HOUR"
    return Settings(
        timezone=tz,
        rollover_hour=_count(rollover, "rollover_hour", rollover_where, 0, 23),
        new_per_day=_count(data.get("new_per_day", 20), "new_per_day", where, 0, MAX_NEW_PER_DAY),
        reviews_per_day=_count(
            data.get("reviews_per_day", 200), "reviews_per_day", where, 0, MAX_REVIEWS_PER_DAY
        ),
    )
