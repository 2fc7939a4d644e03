"""The class store on the real PostgreSQL cluster: learners are roles, the database enforces it.

Roles are cluster-wide while each test has its own schema (tests/pg.py), so every role
name a test makes starts with the test's schema name (`Class.prefix`), and the roles are
dropped when the test ends. The cluster trusts loopback connections, so a role signs in
by name; add-learner still sets a password (checked in the catalog as a SCRAM verifier).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import psycopg.conninfo
import pytest
from class_history import ALPHA, BETA, answer
from click.testing import CliRunner, Result
from freezegun import freeze_time
from sqlalchemy import make_url
from store_helpers import write_deck

from trainer.cli import cli
from trainer.errors import ClassError, StoreError
from trainer.progress import classroles
from trainer.progress import store as store_module
from trainer.progress.store import DeckSource, Store

NOW = "2026-11-23 12:00:00"
TODAY = date(2026, 11, 23)
A0F = "alpha/e0/forward"
# Per-learner tables of the schema today (setup finds them by their learner_id column).
PER_LEARNER = ["card_states", "deck_progress", "learner_schedulers", "review_days", "reviews"]
SECURED = f"row security on {', '.join(PER_LEARNER)} and learners."


def libpq(url: str) -> str:
    parsed = make_url(url)
    parts = {
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "dbname": parsed.database,
        "options": parsed.query["options"],
    }
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in parts.items()})


@dataclass
class Class:
    """A store in its own schema, and the roles a test made for it."""

    url: str  # the superuser's (the owner of the tables)
    prefix: str
    roles: list[str] = field(default_factory=list)

    def name(self, who: str) -> str:
        return f"{self.prefix}{who}"

    def url_of(self, role: str) -> str:
        return make_url(self.url).set(username=role).render_as_string(hide_password=False)

    def run(self, role: str | None, args: list[str], input: str | None = None) -> Result:
        """trainer as `role` (None: the owner), TRAINER_LEARNER unset unless args say."""
        url = self.url if role is None else self.url_of(role)
        with freeze_time(NOW):
            return CliRunner().invoke(
                cli, ["--db", url, *args], input=input, env={"TRAINER_LEARNER": None}
            )

    def sql(self, role: str | None, statement: str, params: Any = None) -> list[tuple[Any, ...]]:
        """One statement on `role`'s own connection (autocommit); its rows."""
        url = self.url if role is None else self.url_of(role)
        with psycopg.connect(libpq(url), autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def add(self, who: str, tmp_path: Path) -> str:
        role = self.name(who)
        secret = tmp_path / f"{who}.pw"
        secret.write_text(f"pw-{who}\n")
        result = self.run(None, ["class", "add-learner", role, "--password-file", str(secret)])
        assert result.exit_code == 0, result.output
        self.roles.append(role)
        return role


@pytest.fixture
def klass(pg_cluster: Any, tmp_path: Path) -> Iterator[Class]:
    url = pg_cluster.new_url()
    schema = url.rsplit("search_path%3D", 1)[1]
    made = Class(url=url, prefix=f"{schema}_")
    with Store.open(url) as store:
        store.sync_decks(
            [
                DeckSource(write_deck(tmp_path / "decks", "alpha", ALPHA), bundled=False),
                DeckSource(write_deck(tmp_path / "decks", "beta", BETA), bundled=False),
            ]
        )
    yield made
    groups = [made.name(classroles.INSTRUCTOR_SUFFIX), made.name(classroles.LEARNER_SUFFIX)]
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        for role in [*made.roles, *groups]:
            conn.execute(
                psycopg.sql.SQL("DROP ROLE IF EXISTS {}").format(psycopg.sql.Identifier(role))
            )


def setup(klass: Class) -> Result:
    result = klass.run(None, ["class", "setup", "--role-prefix", klass.prefix])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def two(klass: Class, tmp_path: Path) -> tuple[Class, str, str]:
    """A set-up class with the learners ann (who has answered A0F) and bo (nothing yet)."""
    setup(klass)
    ann, bo = klass.add("ann", tmp_path), klass.add("bo", tmp_path)
    quiz = klass.run(ann, ["quiz", "--deck", "alpha", "--new", "1", "--seed", "1"], "\n4\n")
    assert quiz.exit_code == 0, quiz.output
    return klass, ann, bo


def card_ids(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    return {row["id"]: row for row in json.loads(result.output)}


# -- setup ------------------------------------------------------------------------------


def _security(klass: Class) -> list[tuple[Any, ...]]:
    """Every policy, table grant and row-security flag of the schema."""
    schema = klass.prefix[:-1]
    return [
        *klass.sql(
            None,
            "SELECT tablename, policyname, cmd, roles::text, qual, with_check FROM pg_policies"
            " WHERE schemaname = %s ORDER BY 1, 2",
            [schema],
        ),
        *klass.sql(
            None,
            "SELECT table_name, grantee, privilege_type FROM information_schema.table_privileges"
            " WHERE table_schema = %s AND grantee <> current_user ORDER BY 1, 2, 3",
            [schema],
        ),
        *klass.sql(
            None,
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = %s AND relkind = 'r'"
            " ORDER BY 1",
            [schema],
        ),
    ]


def test_setup_creates_the_groups_and_is_idempotent(klass: Class) -> None:
    first = setup(klass)
    ig, lg = klass.name("instructor"), klass.name("learner")
    assert first.output.splitlines() == [
        f"Class store ready (created the roles {ig} and {lg}); {SECURED}"
    ]
    before = _security(klass)
    again = setup(klass)
    assert again.output.splitlines() == [
        f"Class store ready (kept the roles {ig} and {lg}); {SECURED}"
    ]
    assert _security(klass) == before
    assert klass.sql(
        None,
        "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN (%s, %s) ORDER BY 1",
        [ig, lg],
    ) == [(ig, False), (lg, False)]
    # Every table is known to setup: per-learner ones have RLS, the rest are deck tables.
    flags = {row[0]: row[1] for row in before if len(row) == 3 and isinstance(row[1], bool)}
    assert {name for name, on in flags.items() if on} == {*PER_LEARNER, "learners"}
    assert set(flags) - {*PER_LEARNER, "learners"} == {
        *classroles.DECK_TABLES,
        classroles.MIGRATIONS_TABLE,
    }
    # The schema is closed to PUBLIC; functions run as their caller with a fixed path.
    schema = klass.prefix[:-1]
    assert klass.sql(
        None,
        "SELECT has_schema_privilege('public', %s, 'USAGE'),"
        " has_schema_privilege(%s, %s, 'CREATE')",
        [schema, lg, schema],
    ) == [(False, False)]
    functions = klass.sql(
        None,
        "SELECT proname, prosecdef, proconfig, has_function_privilege('public', p.oid, 'EXECUTE')"
        " FROM pg_proc p JOIN pg_namespace n ON n.oid = pronamespace WHERE nspname = %s"
        " ORDER BY 1",
        [schema],
    )
    assert functions == [
        (name, False, [f"search_path={schema}, pg_temp"], False)
        for name in ("trainer_count_cards", "trainer_count_graded")
    ]


def test_setup_refuses_sqlite_and_another_prefix(klass: Class, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), "class", "setup"])
    assert (result.exit_code, result.output) == (
        1,
        "Error: trainer class setup is for a PostgreSQL store: a SQLite file belongs to one "
        "person, and its learners (--learner) are profiles, not access control\n",
    )
    setup(klass)
    other = klass.run(None, ["class", "setup", "--role-prefix", "other_"])
    assert (other.exit_code, other.output) == (
        1,
        f"Error: this store is already a class store with the roles "
        f"'{klass.name('instructor')}' and '{klass.name('learner')}'; run trainer class setup "
        "without --role-prefix\n",
    )


# -- two learners -----------------------------------------------------------------------


def test_a_learner_sees_only_their_own_progress_through_trainer(
    two: tuple[Class, str, str],
) -> None:
    klass, ann, bo = two
    assert card_ids(klass.run(ann, ["cards", "--deck", "alpha", "--json"]))[A0F]["state"] != "new"
    theirs = card_ids(klass.run(bo, ["cards", "--deck", "alpha", "--json"]))
    assert {row["state"] for row in theirs.values()} == {"new"}
    stats = klass.run(bo, ["stats", "--json"])
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.output)["today"]["answers"] == 0
    status = klass.run(bo, ["status", "--json"])
    assert json.loads(status.output)["learner"] == bo
    report = klass.run(bo, ["class", "report", "--json"])
    assert report.exit_code == 0, report.output
    assert [row["learner"] for row in json.loads(report.output)["learners"]] == [bo]


@pytest.mark.parametrize(
    "args",
    [
        ["--learner", "{ann}", "status"],
        ["--learner", "{ann}", "quiz", "--deck", "alpha"],
        ["--learner", "{ann}", "cards", "--json"],
        ["stats", "--learner", "{ann}", "--json"],
        ["--learner", "{ann}", "import-anki", "course.apkg"],
    ],
)
def test_a_learner_cannot_name_another(two: tuple[Class, str, str], args: list[str]) -> None:
    klass, ann, bo = two
    result = klass.run(bo, [arg.format(ann=ann) for arg in args])
    assert (result.exit_code, result.output) == (
        1,
        f"Error: you are signed in to this class store as learner '{bo}': --learner '{ann}' "
        "is refused (a learner uses only their own progress)\n",
    )
    # Their own name, given, is fine; and TRAINER_LEARNER counts as given.
    assert klass.run(bo, ["--learner", bo, "status"]).exit_code == 0
    with freeze_time(NOW):
        env = CliRunner().invoke(
            cli, ["--db", klass.url_of(bo), "status"], env={"TRAINER_LEARNER": ann}
        )
    assert env.exit_code == 1 and f"--learner '{ann}' is refused" in env.output


def test_a_learner_cannot_change_decks(two: tuple[Class, str, str], tmp_path: Path) -> None:
    klass, _ann, bo = two
    deck = write_deck(tmp_path / "mine", "gammas", [("z1", "Zeta", "The last letter.")])
    result = klass.run(bo, ["deck", "add", str(deck)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: the class store {make_url(klass.url_of(bo))} refused: permission denied for "
        "table decks (a learner changes only their own progress; decks and the schema are the "
        "instructor's)"
    )
    assert klass.sql(None, "SELECT count(*) FROM decks WHERE slug = 'gammas'") == [(0,)]


def _ids(klass: Class, ann: str, bo: str) -> tuple[int, int]:
    rows = dict(klass.sql(None, "SELECT name, id FROM learners WHERE name IN (%s, %s)", [ann, bo]))
    return rows[ann], rows[bo]


def _progress(klass: Class) -> list[Any]:
    """Every learner and per-learner row, as the owner sees them."""
    return [klass.sql(None, f"SELECT * FROM {t} ORDER BY 1, 2") for t in [*PER_LEARNER, "learners"]]


def _everything(klass: Class) -> list[Any]:
    """Every per-learner row and deck row, as the owner sees them."""
    tables = [*PER_LEARNER, "learners", "decks", "cards", "deck_sizes"]
    return [klass.sql(None, f"SELECT * FROM {table} ORDER BY 1, 2") for table in tables]


def test_direct_sql_on_a_learners_own_connection(two: tuple[Class, str, str]) -> None:
    klass, ann, bo = two
    ann_id, bo_id = _ids(klass, ann, bo)
    # ann's own settings: a learner writes their own per-learner rows.
    klass.sql(ann, f"INSERT INTO learner_schedulers VALUES ({ann_id}, 'fsrs', 0.9, NULL)")
    before = _everything(klass)
    for table in PER_LEARNER:
        assert klass.sql(bo, f"SELECT count(*) FROM {table}") == [(0,)], table
        assert klass.sql(ann, f"SELECT count(*) FROM {table} WHERE learner_id <> {ann_id}") == [
            (0,)
        ]
        assert klass.sql(ann, f"SELECT count(*) FROM {table}")[0][0] > 0, table
        # Changing or deleting ann's rows finds none of them.
        assert klass.sql(bo, f"DELETE FROM {table} WHERE learner_id = {ann_id} RETURNING 1") == []
    assert klass.sql(bo, "SELECT name FROM learners") == [(bo,)]
    assert (
        klass.sql(bo, f"UPDATE card_states SET n = 9 WHERE learner_id = {ann_id} RETURNING 1") == []
    )
    # Statistics of the planner do not leak other rows either.
    assert klass.sql(bo, "SELECT count(*) FROM pg_stats WHERE tablename = 'reviews'") == [(0,)]
    denied = [
        # a row of another learner, or moving one's own row to them
        f"INSERT INTO card_states (learner_id, card_id, n, ef, interval, lapses, suspended, leech)"
        f" VALUES ({ann_id}, 'alpha/e1/forward', 1, 250, 1, 0, false, false)",
        "INSERT INTO card_states (learner_id, card_id, n, ef, interval, lapses, suspended, leech)"
        f" VALUES ({bo_id}, 'alpha/e1/forward', 1, 250, 1, 0, false, false);"
        f" UPDATE card_states SET learner_id = {ann_id} WHERE learner_id = {bo_id}",
        # the next answer's id, the sequence, the learners, the decks, the schema
        "INSERT INTO reviews (id, learner_id, card_id, at, day, grade, kind, n_before, ef_before,"
        " interval_before, lapses_before, n_after, ef_after, interval_after, lapses_after,"
        f" answer_ms) VALUES (99999, {bo_id}, '{A0F}', now(), '2026-11-23', 4, 'learn',"
        " 0, 250, 0, 0, 1, 250, 1, 0, 0)",
        "SELECT setval(pg_get_serial_sequence('reviews', 'id'), 1000000)",
        "INSERT INTO learners (name) VALUES ('mallory')",
        f"UPDATE learners SET name = 'x' WHERE id = {bo_id}",
        "UPDATE decks SET title = 'pwned'",
        "DELETE FROM cards",
        "UPDATE deck_sizes SET live = 0",
        "TRUNCATE reviews",
        "ALTER TABLE reviews DISABLE ROW LEVEL SECURITY",
        "DROP POLICY trainer_learner_own ON reviews",
        "CREATE TABLE sneaky (x int)",
        "CREATE VIEW all_reviews AS SELECT * FROM reviews",
        "CREATE FUNCTION trainer_count_graded() RETURNS trigger LANGUAGE sql AS 'SELECT NULL'",
        "CREATE TRIGGER t AFTER INSERT ON reviews EXECUTE FUNCTION trainer_count_cards()",
        "DELETE FROM schema_migrations",
        f"GRANT {klass.name('instructor')} TO {bo}",
        f"SET ROLE {klass.name('instructor')}",
    ]
    for statement in denied:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            klass.sql(bo, statement)
    assert _everything(klass) == before
    # In its own group the role still sees nobody's rows.
    with psycopg.connect(libpq(klass.url_of(bo)), autocommit=True) as conn:
        conn.execute(f"SET ROLE {klass.name('learner')}")
        assert conn.execute("SELECT count(*) FROM reviews").fetchall() == [(0,)]


def test_a_temporary_table_does_not_stand_in_for_the_stores(two: tuple[Class, str, str]) -> None:
    """The trigger keeping deck_progress runs with search_path = schema, pg_temp."""
    klass, ann, bo = two
    _, bo_id = _ids(klass, ann, bo)
    with psycopg.connect(libpq(klass.url_of(bo)), autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE cards (id text, deck_slug text)")
        conn.execute("INSERT INTO pg_temp.cards VALUES ('alpha/e1/forward', 'fake')")
        conn.execute(
            "INSERT INTO card_states (learner_id, card_id, n, ef, interval, due, lapses,"
            " suspended, leech)"
            f" VALUES ({bo_id}, 'alpha/e1/forward', 1, 250, 1, '2026-11-24', 0, false, false)"
        )
    assert klass.sql(
        None, f"SELECT deck_slug, graded FROM deck_progress WHERE learner_id = {bo_id}"
    ) == [("alpha", 1)]


def test_the_instructor_reads_everyone_and_answers_for_no_one(two: tuple[Class, str, str]) -> None:
    klass, ann, bo = two
    answered = klass.run(bo, ["quiz", "--deck", "beta", "--new", "1", "--seed", "1"], "\n3\n")
    assert answered.exit_code == 0, answered.output
    assistant = klass.name("ta")
    klass.roles.append(assistant)
    klass.sql(None, f"CREATE ROLE {assistant} LOGIN IN ROLE {klass.name('instructor')}")
    for instructor in (None, assistant):  # the owner, and a member of the instructor group
        report = klass.run(instructor, ["class", "report", "--json"])
        assert report.exit_code == 0, report.output
        rows = {row["learner"]: row["answers"] for row in json.loads(report.output)["learners"]}
        assert rows == {ann: 1, bo: 1}
        theirs = card_ids(klass.run(instructor, ["--learner", ann, "cards", "--json"]))
        assert theirs[A0F]["state"] != "new"
        stats = klass.run(instructor, ["stats", "--learner", bo, "--json"])
        assert json.loads(stats.output)["today"]["answers"] == 1
    writes = [["quiz", "--deck", "alpha"], ["import-anki", "course.apkg"]]
    for instructor, who in ((None, "trainer"), (assistant, assistant)):
        for args in writes:
            refused = klass.run(instructor, ["--learner", ann, *args], "\n4\n")
            assert (refused.exit_code, refused.output) == (
                1,
                f"Error: '{who}' is an instructor of this class store: instructors may read a "
                "learner's progress (--learner NAME) but not answer as them; each learner "
                "studies with their own role\n",
            )
    # The database refuses the instructor group's writes to progress too.
    ann_id, _ = _ids(klass, ann, bo)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        klass.sql(assistant, f"UPDATE card_states SET n = 9 WHERE learner_id = {ann_id}")
    assert klass.sql(assistant, "SELECT count(*) FROM reviews") == [(2,)]


def test_a_view_reads_as_its_caller(two: tuple[Class, str, str]) -> None:
    """setup makes views security_invoker: one granted to a learner still shows only theirs."""
    klass, ann, bo = two
    klass.sql(None, "CREATE VIEW all_reviews AS SELECT learner_id, card_id FROM reviews")
    setup(klass)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # instructors only by default
        klass.sql(bo, "SELECT * FROM all_reviews")
    klass.sql(None, f"GRANT SELECT ON all_reviews TO {klass.name('learner')}")
    assert klass.sql(bo, "SELECT * FROM all_reviews") == []
    assert klass.sql(ann, "SELECT card_id FROM all_reviews") == [(A0F,)]


def test_an_outsider_role_sees_nothing(two: tuple[Class, str, str]) -> None:
    klass, _ann, _bo = two
    outsider = klass.name("eve")
    klass.roles.append(outsider)
    klass.sql(None, f"CREATE ROLE {outsider} LOGIN")
    result = klass.run(outsider, ["status"])
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {make_url(klass.url_of(outsider))} has no schema this role may use (a class "
        "store lets in only its learners and instructors); ask the instructor to add you\n",
    )
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        klass.sql(outsider, f"SELECT * FROM {klass.prefix[:-1]}.reviews")


# -- adding and removing learners ---------------------------------------------------------


def test_add_learner_with_a_prompt_and_a_scram_verifier(klass: Class) -> None:
    setup(klass)
    cy = klass.name("cy")
    klass.roles.append(cy)
    result = klass.run(None, ["class", "add-learner", cy], input="s3cret pass\ns3cret pass\n")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"Added the learner {cy}: they sign in as the role {cy}.\n")
    assert "s3cret" not in result.output
    [(login, verifier, comment)] = klass.sql(
        None,
        "SELECT rolcanlogin, rolpassword, shobj_description(oid, 'pg_authid') FROM pg_authid"
        " WHERE rolname = %s",
        [cy],
    )
    assert login and verifier.startswith("SCRAM-SHA-256$") and "s3cret" not in verifier
    assert comment == f"trainer learner of trainer_test.{klass.prefix[:-1]}"
    assert klass.sql(cy, "SELECT name FROM learners") == [(cy,)]


def test_a_learner_name_is_quoted_everywhere(klass: Class, tmp_path: Path) -> None:
    """Names are untrusted: SQL in one is a name, nothing more."""
    setup(klass)
    nasty = klass.add("x'); DROP TABLE reviews; --\"y", tmp_path)
    assert klass.sql(None, "SELECT count(*) FROM reviews") == [(0,)]  # still there
    assert klass.sql(nasty, "SELECT name FROM learners") == [(nasty,)]
    assert klass.sql(None, "SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", [nasty]) == [
        (True,)
    ]
    removed = klass.run(None, ["class", "remove-learner", nasty, "--delete-progress"])
    assert removed.exit_code == 0, removed.output
    assert klass.sql(None, "SELECT count(*) FROM pg_roles WHERE rolname = %s", [nasty]) == [(0,)]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("pg_monitor", "PostgreSQL reserves role names that begin with pg_"),
        ("a" * 64, "PostgreSQL role names are at most 63 bytes"),
        ("evil\x1b[2J", "the name has control or format characters"),
        ("abc\u202edef", "the name has control or format characters"),
        ("", "the name is empty"),
    ],
)
def test_add_learner_refuses_names_that_cannot_be_roles(klass: Class, name: str, why: str) -> None:
    setup(klass)
    result = klass.run(None, ["class", "add-learner", name], input="pw\npw\n")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"Error: cannot add the learner {name!r}: {why}"


def test_add_learner_never_takes_over_an_existing_role(klass: Class, tmp_path: Path) -> None:
    setup(klass)
    other = klass.name("dba")
    klass.roles.append(other)
    klass.sql(None, f"CREATE ROLE {other} LOGIN SUPERUSER")
    (tmp_path / "pw").write_text("x\n")
    for name in (other, "trainer"):  # another role, and the cluster's superuser itself
        result = klass.run(
            None, ["class", "add-learner", name, "--password-file", str(tmp_path / "pw")]
        )
        assert (result.exit_code, result.output) == (
            1,
            f"Error: a role named '{name}' already exists on this server and is not a learner of "
            "this store; trainer does not take over other roles: choose another name\n",
        )
    assert klass.sql(None, "SELECT count(*) FROM learners") == [(0,)]


def test_password_files(klass: Class, tmp_path: Path) -> None:
    setup(klass)
    ann = klass.name("ann")
    empty = tmp_path / "empty"
    empty.write_text("\n")
    big = tmp_path / "big"
    big.write_bytes(b"x" * 5000)
    cases = [
        (empty, f"Error: {empty}: the first line (the password) is empty"),
        (big, f"Error: {big} is over 4096 bytes: not a password file"),
        (Path("/dev/zero"), "Error: /dev/zero is not a regular file; give a password file"),
        (
            tmp_path / "none",
            f"Error: cannot read the password file {tmp_path / 'none'}: No such file or directory",
        ),
    ]
    for path, message in cases:
        result = klass.run(None, ["class", "add-learner", ann, "--password-file", str(path)])
        assert (result.exit_code, result.output.splitlines()[-1]) == (2, message)
    assert klass.sql(None, "SELECT count(*) FROM pg_roles WHERE rolname = %s", [ann]) == [(0,)]


def test_remove_learner_keeps_progress_until_asked(
    two: tuple[Class, str, str], tmp_path: Path
) -> None:
    klass, ann, bo = two
    ann_id, _ = _ids(klass, ann, bo)
    opened = psycopg.connect(libpq(klass.url_of(ann)), autocommit=True)
    result = klass.run(None, ["class", "remove-learner", ann])
    assert (result.exit_code, result.output) == (
        0,
        f"Removed the login of {ann}; their progress stays "
        "(--delete-progress deletes it; class add-learner lets them in again).\n",
    )
    assert klass.sql(
        None, "SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = %s", [ann]
    ) == [(False, None)]
    with pytest.raises(psycopg.OperationalError, match="is not permitted to log in"):
        klass.sql(ann, "SELECT 1")
    assert opened.execute("SELECT current_schema()").fetchall() == [(None,)]  # open: no access
    opened.close()
    assert klass.sql(None, f"SELECT count(*) FROM reviews WHERE learner_id = {ann_id}") == [(1,)]
    setup(klass)  # a removed learner stays removed
    assert klass.sql(None, "SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", [ann]) == [
        (False,)
    ]
    klass.add("ann", tmp_path)  # back, with the progress kept
    assert card_ids(klass.run(ann, ["cards", "--deck", "alpha", "--json"]))[A0F]["state"] != "new"
    gone = klass.run(None, ["class", "remove-learner", ann, "--delete-progress"])
    assert gone.output == f"Removed the learner {ann}: their role and progress are deleted.\n"
    for table in PER_LEARNER:
        assert klass.sql(None, f"SELECT count(*) FROM {table} WHERE learner_id = {ann_id}") == [
            (0,)
        ]
    assert klass.sql(None, "SELECT count(*) FROM pg_roles WHERE rolname = %s", [ann]) == [(0,)]
    again = klass.run(None, ["class", "remove-learner", ann])
    assert (again.exit_code, again.output) == (
        1,
        f"Error: '{ann}' is not a learner of this class store\n",
    )
    other = klass.run(None, ["class", "remove-learner", "trainer"])
    assert other.output == "Error: 'trainer' is not a learner of this class store\n"


def test_learner_commands_need_setup(klass: Class, tmp_path: Path) -> None:
    for command in (["add-learner", klass.name("x")], ["remove-learner", klass.name("x")]):
        result = klass.run(None, ["class", *command], input="p\np\n")
        assert (result.exit_code, result.output) == (  # asked no password
            1,
            "Error: this store is not a class store yet; run trainer class setup first "
            "(as the owner of the database)\n",
        )
        sqlite = CliRunner().invoke(cli, ["--db", str(tmp_path / "p.db"), "class", *command])
        assert (sqlite.exit_code, sqlite.output) == (
            1,
            f"Error: trainer class {command[0]} is for a PostgreSQL store: a SQLite file belongs "
            "to one person, and its learners (--learner) are profiles, not access control\n",
        )


def test_a_learner_cannot_run_setup_or_add_learners(two: tuple[Class, str, str]) -> None:
    klass, _ann, bo = two
    result = klass.run(bo, ["class", "setup"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot set up the class store: ")
    assert result.output.endswith(
        "; run it as the owner of the store's tables, with the CREATEROLE privilege "
        "(or as a superuser)\n"
    )
    added = klass.run(bo, ["class", "add-learner", klass.name("zed")], input="p\np\n")
    assert added.exit_code == 1
    assert "permission denied to create role" in added.output


# -- upgrade of an older store --------------------------------------------------------------


def test_setup_upgrades_an_older_store_keeping_every_learners_progress(
    klass: Class, tmp_path: Path
) -> None:
    ann, bo, long = klass.name("ann"), klass.name("bo"), "L" * 70
    klass.roles += [ann, bo]
    with Store.open(klass.url) as store:  # the store as trainer used it before classes
        answer(store, ann, A0F, 4, TODAY)
        answer(store, bo, A0F, 2, TODAY)
        answer(store, bo, "beta/e0/forward", 5, TODAY)
        answer(store, long, A0F, 5, TODAY)
    before = _progress(klass)
    result = klass.run(None, ["class", "setup", "--role-prefix", klass.prefix])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        f"Learners given a role without a login yet: {ann}, {bo}. "
        "Give each a password: trainer class add-learner NAME",
        f"Warning: learner {long!r} has no role (PostgreSQL role names are at most 63 bytes); "
        "their progress stays",
    ]
    assert _progress(klass) == before
    assert klass.sql(None, "SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", [ann]) == [
        (False,)
    ]
    secret = tmp_path / "pw"
    secret.write_text("pw\n")
    let_in = klass.run(None, ["class", "add-learner", bo, "--password-file", str(secret)])
    assert let_in.output == f"The learner {bo} can sign in (again) with the new password.\n"
    mine = card_ids(klass.run(bo, ["cards", "--json"]))
    assert mine[A0F]["state"] != "new" and mine["beta/e0/forward"]["state"] != "new"
    assert klass.sql(bo, "SELECT count(*) FROM reviews") == [(2,)]
    report = klass.run(None, ["class", "report", "--json"])
    assert sorted(r["learner"] for r in json.loads(report.output)["learners"]) == sorted(
        [ann, bo, long]
    )
    assert _security(klass) == (setup(klass) and _security(klass))


def test_a_learner_cannot_migrate_the_store(two: tuple[Class, str, str]) -> None:
    klass, _ann, bo = two
    last = klass.sql(None, "SELECT max(name) FROM schema_migrations")[0][0]
    klass.sql(None, "DELETE FROM schema_migrations WHERE name = %s", [last])
    with pytest.raises(StoreError) as error:
        Store.open(klass.url_of(bo))
    assert str(error.value) == (
        f"the class store {make_url(klass.url_of(bo))} needs upgrading to this trainer's "
        "schema, which your role may not do; ask its owner to run trainer class setup"
    )


# -- many learners at once ------------------------------------------------------------------


def test_fifty_learners_with_their_own_roles_answer_at_once(klass: Class) -> None:
    setup(klass)
    names = [klass.name(f"s{i:02}") for i in range(50)]
    with Store.open(klass.url) as owner:
        for name in names:
            classroles.add_learner(owner.engine, name, f"pw-{name}")
            klass.roles.append(name)
    cards = [f"alpha/e{i}/{way}" for i in range(4) for way in ("forward", "reverse")]
    barrier = threading.Barrier(len(names))
    errors: list[BaseException] = []

    def study(name: str) -> None:
        try:
            with Store.open(klass.url_of(name)) as store:
                barrier.wait(timeout=60)
                for card in cards:
                    answer(store, name, card, 4, TODAY)
                store.undo_last(name)
                answer(store, name, cards[-1], 5, TODAY)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=study, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    per_learner = klass.sql(
        None,
        "SELECT l.name, count(r.id), sum(r.grade) FROM learners l JOIN reviews r"
        " ON r.learner_id = l.id GROUP BY l.name ORDER BY 1",
    )
    assert per_learner == [(name, len(cards), 4 * (len(cards) - 1) + 5) for name in names]
    totals = klass.sql(None, "SELECT count(DISTINCT learner_id), sum(answers) FROM review_days")
    assert totals == [(50, 50 * len(cards))]
    assert klass.sql(None, "SELECT count(*), sum(graded) FROM deck_progress") == [
        (50, 50 * len(cards))
    ]
    # Each saw only their own while answering: nobody else's row changed hands.
    for name in names[:3]:
        assert klass.sql(name, "SELECT count(*) FROM reviews") == [(len(cards),)]


def test_learner_for_rules() -> None:
    groups = classroles.Groups("i", "l")
    learner = classroles.Signin("ann", classroles.Standing.LEARNER, "ann", groups)
    assert classroles.learner_for(learner, "root", explicit=False, answering=True) == "ann"
    assert classroles.learner_for(learner, "ann", explicit=True, answering=True) == "ann"
    with pytest.raises(ClassError):
        classroles.learner_for(learner, "bo", explicit=True, answering=False)
    teacher = classroles.Signin("t", classroles.Standing.INSTRUCTOR, None, groups)
    assert classroles.learner_for(teacher, "bo", explicit=True, answering=False) == "bo"
    with pytest.raises(ClassError):
        classroles.learner_for(teacher, "bo", explicit=True, answering=True)


def test_a_learner_holding_trainers_lock_makes_others_busy_not_stuck(
    two: tuple[Class, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Advisory locks are open to every role: holding one is a delay with one line, no more."""
    klass, ann, bo = two
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 1000)
    with psycopg.connect(libpq(klass.url_of(ann)), autocommit=True) as conn:
        conn.execute(f"SELECT pg_advisory_lock({store_module.DECKS_LOCK})")
        result = klass.run(bo, ["status"])
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {make_url(klass.url_of(bo))} is busy: another trainer has held it for more "
        "than 1 s; try again when it is done\n",
    )
    assert klass.run(bo, ["status"]).exit_code == 0


def test_a_table_a_later_version_adds_is_closed_until_setup_secures_it(
    two: tuple[Class, str, str],
) -> None:
    """Fail closed: a new table has no grants; setup then gives it row security by learner_id."""
    klass, ann, bo = two
    ann_id, bo_id = _ids(klass, ann, bo)
    klass.sql(None, "CREATE TABLE learner_notes (learner_id int, note text)")
    klass.sql(None, f"INSERT INTO learner_notes VALUES ({ann_id}, 'ann''s note')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        klass.sql(bo, "SELECT * FROM learner_notes")
    result = setup(klass)
    assert "learner_notes" in result.output.splitlines()[0]
    assert klass.sql(bo, "SELECT * FROM learner_notes") == []
    klass.sql(bo, f"INSERT INTO learner_notes VALUES ({bo_id}, 'mine')")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        klass.sql(bo, f"INSERT INTO learner_notes VALUES ({ann_id}, 'forged')")
    assert klass.sql(ann, "SELECT note FROM learner_notes") == [("ann's note",)]
    # A table without learner_id that setup does not know: the instructors' only, and said so.
    klass.sql(None, "CREATE TABLE mystery (x int)")
    assert setup(klass).output.splitlines()[-1] == (
        "Warning: table 'mystery' is unknown to class setup: instructors only"
    )
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        klass.sql(bo, "SELECT * FROM mystery")


def test_the_password_prompt_does_not_echo_in_a_real_terminal(klass: Class, tmp_path: Path) -> None:
    """add-learner without --password-file, in a pseudo-terminal: nothing typed is shown."""
    import io
    import os
    import sys

    import pexpect

    setup(klass)
    kim = klass.name("kim")
    klass.roles.append(kim)
    env = {**os.environ, "TRAINER_HOME": str(tmp_path / "home"), "TERM": "xterm"}
    env.pop("TRAINER_LEARNER", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "trainer", "--db", klass.url, "class", "add-learner", kim],
        env=env,
        encoding="utf-8",
        timeout=60,
    )
    seen = io.StringIO()
    child.logfile_read = seen  # everything the terminal shows
    child.expect_exact(f"Password for {kim}: ")
    child.sendline("typed-secret-1")
    child.expect_exact("Repeat for confirmation: ")
    child.sendline("typed-secret-1")
    child.expect_exact(f"Added the learner {kim}: they sign in as the role {kim}.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "typed-secret" not in seen.getvalue()
    assert "Repeat for confirmation" in seen.getvalue()
    [(verifier,)] = klass.sql(None, "SELECT rolpassword FROM pg_authid WHERE rolname = %s", [kim])
    assert verifier.startswith("SCRAM-SHA-256$")


def test_a_teacher_who_is_no_superuser_runs_the_class(pg_cluster: Any, tmp_path: Path) -> None:
    """The README's setup: the instructor owns the schema and may create roles, nothing more."""
    import os

    schema = f"teach{os.getpid()}"
    teacher = f"{schema}_teacher"
    admin = Class(url=pg_cluster.new_url(), prefix="")
    admin.sql(None, f"CREATE ROLE {teacher} LOGIN CREATEROLE")
    admin.sql(None, f"CREATE SCHEMA {schema} AUTHORIZATION {teacher}")
    url = (
        make_url(admin.url)
        .set(username=teacher)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    klass = Class(url=url, prefix=f"{schema}_")
    try:
        with Store.open(url) as store:
            store.sync_decks(
                [DeckSource(write_deck(tmp_path / "decks", "alpha", ALPHA), bundled=False)]
            )
        setup(klass)
        ann = klass.add("ann", tmp_path)
        quiz = klass.run(ann, ["quiz", "--deck", "alpha", "--new", "1", "--seed", "1"], "\n4\n")
        assert quiz.exit_code == 0, quiz.output
        report = klass.run(None, ["class", "report", "--json"])
        assert [(r["learner"], r["answers"]) for r in json.loads(report.output)["learners"]] == [
            (ann, 1)
        ]
        refused = klass.run(None, ["--learner", ann, "quiz"])
        assert refused.exit_code == 1
        assert refused.output.startswith(f"Error: '{teacher}' is an instructor of this class")
        assert klass.run(None, ["class", "remove-learner", ann]).exit_code == 0
        klass.add("ann", tmp_path)
        gone = klass.run(None, ["class", "remove-learner", ann, "--delete-progress"])
        assert gone.exit_code == 0, gone.output
        assert klass.sql(None, "SELECT count(*) FROM reviews") == [(0,)]
    finally:
        admin.sql(None, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        for role in [*klass.roles, f"{schema}_instructor", f"{schema}_learner", teacher]:
            admin.sql(None, f'DROP ROLE IF EXISTS "{role}"')
        pg_cluster.drop(admin.url)
