"""A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, a loopback port.

`start_cluster()` finds the server programs (PATH, then Debian's
/usr/lib/postgresql/<version>/bin, newest first), runs `initdb` into a fresh
temporary folder and starts the server on a free 127.0.0.1 port with its unix
socket in that folder. The server refuses to run as root: when the tests run as
root, the cluster belongs to the `postgres` user (created by the Debian package)
and the programs run through `runuser`. Durability is switched off (fsync,
synchronous_commit, full_page_writes): the cluster is deleted at the end.

Each test gets its own schema (`Cluster.new_url()`): creating a schema takes a
millisecond where creating a database takes hundreds.

With TRAINER_TEST_PG_URL set (an SQLAlchemy URL of a database the tests may fill
with schemas), that server is used instead and nothing is started.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SERVER_USER = "postgres"  # who runs the server when the tests run as root
SUPERUSER = "trainer"  # the cluster's superuser (trust authentication on loopback only)
DATABASE = "trainer_test"
START_TIMEOUT_S = 60


class ClusterUnavailable(Exception):
    """No PostgreSQL server could be started; the message says why."""


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl: PATH first, then Debian's versioned folders."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = sorted(
            (p for p in debian.iterdir() if p.name.isdigit()),
            key=lambda p: int(p.name),
            reverse=True,
        )
        for version in versions:
            bindir = version / "bin"
            if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
                return bindir
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A running server (or an external one) and the URL of its test database."""

    url: str  # postgresql+psycopg://.../trainer_test
    folder: Path | None = None  # None: an external server we did not start
    pg_ctl: list[str] = field(default_factory=list)
    _schemas: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def new_url(self) -> str:
        """A fresh, empty schema, as the URL of a store that lives in it (search_path)."""
        import psycopg

        name = f"t{os.getpid()}_{next(self._schemas)}"
        with psycopg.connect(_libpq(self.url), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{name}"')
        separator = "&" if "?" in self.url else "?"
        return f"{self.url}{separator}options=-csearch_path%3D{name}"

    def drop(self, url: str) -> None:
        """Drop the schema of a `new_url()` (on an external server, where nothing is deleted)."""
        import psycopg

        name = url.rsplit("search_path%3D", 1)[1]
        with psycopg.connect(_libpq(self.url), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

    def stop(self) -> None:
        if self.folder is None:
            return
        subprocess.run(
            [*self.pg_ctl, "stop", "-m", "immediate", "-w"],
            capture_output=True,
            timeout=START_TIMEOUT_S,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None


def _libpq(url: str) -> str:
    """The libpq connection string of an SQLAlchemy URL."""
    from sqlalchemy import make_url

    parsed = make_url(url)
    parts = {
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "password": parsed.password,
        "dbname": parsed.database,
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value is not None)


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ClusterUnavailable("running as root and `runuser` is missing")
    return [runuser, "-u", SERVER_USER, "--", *command]


def start_cluster() -> Cluster:
    """Start a throwaway cluster (or use TRAINER_TEST_PG_URL); raise ClusterUnavailable."""
    try:
        import psycopg
    except ImportError:
        raise ClusterUnavailable(
            "psycopg is not installed (pip install -e '.[test]' brings it)"
        ) from None
    external = os.environ.get("TRAINER_TEST_PG_URL")
    if external:
        try:
            psycopg.connect(_libpq(external), connect_timeout=10).close()
        except psycopg.Error as error:
            message = " ".join(str(error).split())
            raise ClusterUnavailable(f"TRAINER_TEST_PG_URL cannot be used: {message}") from None
        return Cluster(url=external)
    bindir = find_bindir()
    if bindir is None:
        raise ClusterUnavailable(
            "no PostgreSQL server programs (initdb, pg_ctl) on PATH or in /usr/lib/postgresql; "
            "install them (Debian: apt-get install postgresql)"
        )
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise ClusterUnavailable(
                f"running as root and there is no {SERVER_USER!r} user to run the server"
            ) from None
    folder = Path(tempfile.mkdtemp(prefix="trainer-pg-"))
    if owner is not None:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data, log = folder / "data", folder / "server.log"
    port = free_port()
    pg_ctl = _as_server_user([str(bindir / "pg_ctl"), "-D", str(data)])
    cluster = Cluster(
        url=f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}",
        folder=folder,
        pg_ctl=pg_ctl,
    )
    steps = [
        _as_server_user(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ]
        ),
        [
            *pg_ctl,
            "start",
            "-w",
            "-t",
            str(START_TIMEOUT_S),
            "-l",
            str(log),
            "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
        ],
    ]
    try:
        for command in steps:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=START_TIMEOUT_S + 10, check=False
            )
            if done.returncode != 0:
                server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise ClusterUnavailable(
                    f"{Path(command[0]).name} {command[1] if len(command) > 1 else ''} failed "
                    f"(exit {done.returncode}): {(done.stderr or done.stdout).strip()[-2000:]}"
                    + (f"\nserver log:\n{server_log}" if server_log else "")
                )
        admin = _libpq(cluster.url).replace(f"dbname={DATABASE}", "dbname=postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
    except (OSError, subprocess.SubprocessError, psycopg.Error) as error:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
        raise ClusterUnavailable(f"cannot start a PostgreSQL server: {error}") from None
    except ClusterUnavailable:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return cluster
