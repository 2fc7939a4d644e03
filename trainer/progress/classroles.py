"""The class store on PostgreSQL: learners are database roles; the database decides who sees what.

`setup` turns a migrated store (in the connection's current schema) into a class store:

- two group roles without login, `<prefix>instructor` and `<prefix>learner`;
- the schema closed to PUBLIC (no CREATE, no USAGE) and open (USAGE) to the two groups;
- row-level security on `learners` and on every table with a `learner_id` column (card
  states, the review log, per-day totals, deck progress and any per-learner table a
  later migration adds): a learner role reads and writes only the rows of the learner
  whose name is its role name (`current_user`); the instructor group reads every row
  and may delete them (`class remove-learner --delete-progress`);
- privileges: learners SELECT the decks and cards; the instructor group also writes
  them (deck management) and the learners table; only the owner changes the schema.
  No one may give a serial id by hand (the sequence's columns are left out of INSERT
  and UPDATE), so a learner cannot take the id the next answer of another learner gets;
- every function of the schema runs as its caller (SECURITY INVOKER) with a fixed
  search_path (the schema, then pg_temp), so a learner's temporary tables or
  functions cannot stand in for the store's; views run as their caller too.

The owner of the tables (who runs `setup` and the migrations) keeps every right, as
owners do (row security is enabled, not forced: a migration that backfills a
per-learner table must see every row). The configuration lives in the database itself:
the group roles are those the policies name, so every trainer finds them.

A learner's role is named as the learner; `add_learner` creates it (LOGIN, in the
learner group, the password sent as a SCRAM verifier computed here, never as text),
`remove_learner` takes its login and its group away. Roles trainer creates carry a
comment naming the store; a role that exists without it is never taken over.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from trainer.errors import ClassError

INSTRUCTOR_SUFFIX = "instructor"
LEARNER_SUFFIX = "learner"
MAX_ROLE_BYTES = 63  # PostgreSQL's NAMEDATALEN - 1: longer names are cut short
LEARNERS_TABLE = "learners"
LEARNER_COLUMN = "learner_id"  # a table with this column holds per-learner rows
# Tables every learner reads and the instructor group writes (deck management).
DECK_TABLES = ("decks", "cards", "deck_sizes")
MIGRATIONS_TABLE = "schema_migrations"
# Policy names (the policies on `learners` also record which roles are the groups).
OWN_ROWS = "trainer_learner_own"
INSTRUCTOR_ALL = "trainer_instructor_all"
INSTRUCTOR_READ = "trainer_instructor_read"
INSTRUCTOR_DELETE = "trainer_instructor_delete"


class Standing(Enum):
    """What the connection's role is in a class store."""

    OWNER = "owner"  # owns the tables (or is a superuser): runs setup and migrations
    INSTRUCTOR = "instructor"  # in the instructor group: reads everyone, manages decks
    LEARNER = "learner"  # in the learner group: their own rows only
    OUTSIDER = "outsider"  # neither: sees nothing of the class


@dataclass(frozen=True)
class Groups:
    """The class's two group roles."""

    instructor: str
    learner: str


@dataclass(frozen=True)
class Signin:
    """Who the connection is in a class store."""

    role: str
    standing: Standing
    learner: str | None  # the learner's name (= role) for a learner with a learners row
    groups: Groups


@dataclass(frozen=True)
class SetupReport:
    """What `setup` did."""

    groups: Groups
    created_groups: tuple[str, ...]
    per_learner_tables: tuple[str, ...]
    new_roles: tuple[str, ...]  # existing learners given a role (no login until add-learner)
    mapped: tuple[str, ...]  # learners that already had their role
    unmapped: tuple[tuple[str, str], ...]  # (learner, why it has no role)
    other_tables: tuple[str, ...]  # tables setup does not know: instructor read only


def role_name_problem(name: str) -> str | None:
    """Why `name` cannot be a learner's role name, or None if it can."""
    if not name:
        return "the name is empty"
    if len(name.encode()) > MAX_ROLE_BYTES:
        return f"PostgreSQL role names are at most {MAX_ROLE_BYTES} bytes"
    if any(unicodedata.category(char).startswith("C") for char in name):
        return "the name has control or format characters"
    if name.lower().startswith("pg_"):
        return "PostgreSQL reserves role names that begin with pg_"
    return None


# -- reading the configuration ----------------------------------------------------------

_GROUPS_SQL = """
SELECT policyname, roles::text[] FROM pg_policies
WHERE schemaname = current_schema() AND tablename = :table AND policyname IN (:own, :all)
"""


def groups(conn: Connection) -> Groups | None:
    """The class's group roles, from the policies on `learners`; None before `setup`."""
    if conn.dialect.name != "postgresql":
        return None
    found: dict[str, list[str]] = dict(
        conn.execute(
            text(_GROUPS_SQL),
            {"table": LEARNERS_TABLE, "own": OWN_ROWS, "all": INSTRUCTOR_ALL},
        ).all()
    )
    if OWN_ROWS not in found or INSTRUCTOR_ALL not in found:
        return None
    return Groups(instructor=found[INSTRUCTOR_ALL][0], learner=found[OWN_ROWS][0])


_SIGNIN_SQL = """
SELECT CAST(current_user AS text),
       r.rolsuper OR pg_has_role(current_user, c.relowner, 'MEMBER'),
       pg_has_role(current_user, CAST(:instructor AS name), 'MEMBER'),
       pg_has_role(current_user, CAST(:learner AS name), 'MEMBER')
FROM pg_roles r, pg_class c
WHERE r.rolname = current_user
  AND c.oid = to_regclass(quote_ident(current_schema()) || '.' || quote_ident(:table))
"""


def signin(bind: Engine | Connection) -> Signin | None:
    """Who the connection's role is in the class store; None if it is not one (or SQLite)."""
    with _connection(bind) as conn:
        found = groups(conn)
        if found is None:
            return None
        role, owner, instructor, learner = conn.execute(
            text(_SIGNIN_SQL),
            {"instructor": found.instructor, "learner": found.learner, "table": LEARNERS_TABLE},
        ).one()
        if owner:
            standing = Standing.OWNER
        elif instructor:
            standing = Standing.INSTRUCTOR
        elif learner:
            standing = Standing.LEARNER
        else:
            return Signin(role, Standing.OUTSIDER, None, found)
        name = None
        if standing is Standing.LEARNER:  # the policy shows a learner their own row only
            name = conn.execute(
                text("SELECT name FROM learners WHERE name = CAST(current_user AS text)")
            ).scalar()
        return Signin(role, standing, name, found)


def learner_for(who: Signin, requested: str, *, explicit: bool, answering: bool) -> str:
    """The learner a command works on in a class store, or ClassError saying why not.

    A learner is always themselves (an explicit other name is refused); an instructor
    or the owner may name a learner to read their progress, never to answer.
    """
    if who.standing is Standing.LEARNER:
        if who.learner is None:
            raise ClassError(
                f"the role {who.role!r} has no learner in this class store; ask the "
                "instructor to run: trainer class add-learner " + _shell_word(who.role)
            )
        if explicit and requested != who.learner:
            raise ClassError(
                f"you are signed in to this class store as learner {who.learner!r}: "
                f"--learner {requested!r} is refused (a learner uses only their own progress)"
            )
        return who.learner
    if who.standing is Standing.OUTSIDER:
        raise ClassError(
            f"the role {who.role!r} is neither a learner nor an instructor of this class store; "
            "ask the instructor to run: trainer class add-learner " + _shell_word(who.role)
        )
    if answering:
        raise ClassError(
            f"{who.role!r} is an instructor of this class store: instructors may read a "
            "learner's progress (--learner NAME) but not answer as them; each learner "
            "studies with their own role"
        )
    return requested


def _shell_word(word: str) -> str:
    import shlex

    return shlex.quote(word)


# -- setup ------------------------------------------------------------------------------


@contextmanager
def _connection(bind: Engine | Connection) -> Iterator[Connection]:
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            yield conn
    else:
        yield bind


@contextmanager
def _class_errors(what: str) -> Iterator[None]:
    """The server's refusals (no privilege, a role that exists) as one-line ClassErrors."""
    import psycopg
    from sqlalchemy import exc

    try:
        yield
    except (psycopg.Error, exc.DBAPIError) as error:
        orig = getattr(error, "orig", None) or error
        message = " ".join(str(orig).split())
        hint = ""
        if getattr(orig, "sqlstate", None) == "42501":
            hint = (
                "; run it as the owner of the store's tables, with the CREATEROLE privilege "
                "(or as a superuser)"
            )
        raise ClassError(f"cannot {what}: {message}{hint}") from None


def _ddl(conn: Connection, statement: Any) -> None:
    """Run a psycopg.sql statement (identifiers and literals quoted by psycopg)."""
    conn.connection.driver_connection.execute(statement)  # type: ignore[union-attr]


def _marker(conn: Connection) -> str:
    """The comment on the roles trainer creates for this store (its database and schema)."""
    database, schema = conn.execute(text("SELECT current_database(), current_schema()")).one()
    return f"trainer learner of {database}.{schema}"


@dataclass(frozen=True)
class _Role:
    exists: bool
    ours: bool  # created by trainer for this store (the comment)
    member: bool  # in the class's learner group
    login: bool


def _role(conn: Connection, name: str, group: str, marker: str) -> _Role:
    row = conn.execute(
        text(
            "SELECT r.rolcanlogin, shobj_description(r.oid, 'pg_authid') = :marker,"
            " EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
            "         WHERE m.member = r.oid AND g.rolname = :group)"
            " FROM pg_roles r WHERE r.rolname = :name"
        ),
        {"name": name, "group": group, "marker": marker},
    ).first()
    if row is None:
        return _Role(exists=False, ours=False, member=False, login=False)
    return _Role(exists=True, ours=bool(row[1]), member=bool(row[2]), login=bool(row[0]))


def setup(engine: Engine, *, prefix: str | None = None) -> SetupReport:
    """Make the store a class store (see the module docstring); safe to run again.

    `prefix` names the group roles (`<prefix>instructor`, `<prefix>learner`); by default
    the database's name and an underscore, or the groups of an earlier setup. Existing
    learners get a role of their name without a login (add_learner gives it a password);
    those whose name cannot be a role, or whose role exists and is not this store's,
    are reported and keep their progress. Raises ClassError.
    """
    from psycopg import sql

    from trainer.progress.store import DECKS_LOCK

    _require_postgresql(engine, "setup")
    with _class_errors("set up the class store"), engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DECKS_LOCK})
        earlier = groups(conn)
        if earlier is not None and prefix is not None:
            wanted = Groups(prefix + INSTRUCTOR_SUFFIX, prefix + LEARNER_SUFFIX)
            if wanted != earlier:
                raise ClassError(
                    f"this store is already a class store with the roles {earlier.instructor!r} "
                    f"and {earlier.learner!r}; run trainer class setup without --role-prefix"
                )
        if earlier is not None:
            found = earlier
        else:
            if prefix is None:
                prefix = str(conn.execute(text("SELECT current_database()")).scalar_one()) + "_"
            found = Groups(prefix + INSTRUCTOR_SUFFIX, prefix + LEARNER_SUFFIX)
        created = _create_groups(conn, found)
        schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
        ig, lg = sql.Identifier(found.instructor), sql.Identifier(found.learner)
        both = sql.SQL("{}, {}").format(ig, lg)
        s = sql.Identifier(schema)
        _ddl(conn, sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC, {}").format(s, both))
        _ddl(conn, sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, both))
        per_learner, other = _secure_tables(conn, schema, found)
        _secure_functions(conn, schema)
        new_roles, mapped, unmapped = _map_learners(conn, found)
    return SetupReport(
        groups=found,
        created_groups=tuple(created),
        per_learner_tables=tuple(per_learner),
        new_roles=tuple(new_roles),
        mapped=tuple(mapped),
        unmapped=tuple(unmapped),
        other_tables=tuple(other),
    )


def _create_groups(conn: Connection, found: Groups) -> list[str]:
    from psycopg import sql

    created = []
    for name in (found.instructor, found.learner):
        problem = role_name_problem(name)
        if problem is not None:
            raise ClassError(f"cannot name a group role {name!r}: {problem}; pick another prefix")
        row = conn.execute(
            text("SELECT rolcanlogin OR rolsuper FROM pg_roles WHERE rolname = :name"),
            {"name": name},
        ).first()
        if row is None:
            _ddl(conn, sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
            created.append(name)
        elif row[0]:
            raise ClassError(
                f"the role {name!r} already exists and can log in, so it cannot be a group "
                "of this class; pick another --role-prefix"
            )
    return created


_TABLES_SQL = """
SELECT c.relname, c.relkind,
       EXISTS (SELECT 1 FROM pg_attribute a
               WHERE a.attrelid = c.oid AND a.attname = :column AND NOT a.attisdropped)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm')
ORDER BY c.relname
"""
# Columns a user writes: not dropped, not system, without a serial or identity default.
_WRITABLE_COLUMNS_SQL = """
SELECT a.attname,
       a.attidentity <> '' OR COALESCE(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false),
       pg_get_serial_sequence(quote_ident(:schema) || '.' || quote_ident(:table), a.attname)
FROM pg_attribute a
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = to_regclass(quote_ident(:schema) || '.' || quote_ident(:table))
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""


def _secure_tables(conn: Connection, schema: str, found: Groups) -> tuple[list[str], list[str]]:
    """Privileges and row security of every table and view; (per-learner, unknown) tables."""
    from psycopg import sql

    ig, lg = sql.Identifier(found.instructor), sql.Identifier(found.learner)
    per_learner: list[str] = []
    other: list[str] = []
    own_learner = sql.SQL(
        "(SELECT l.id FROM {}.{} l WHERE l.name = CAST(current_user AS text))"
    ).format(sql.Identifier(schema), sql.Identifier(LEARNERS_TABLE))
    tables = conn.execute(text(_TABLES_SQL), {"schema": schema, "column": LEARNER_COLUMN}).all()
    for name, kind, has_learner in tables:
        t = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))
        _ddl(conn, sql.SQL("REVOKE ALL ON {} FROM PUBLIC, {}, {}").format(t, ig, lg))
        if kind in ("v", "m"):  # a view would read as its owner, past row security
            if kind == "v":
                _ddl(conn, sql.SQL("ALTER VIEW {} SET (security_invoker = true)").format(t))
            _ddl(conn, sql.SQL("GRANT SELECT ON {} TO {}").format(t, ig))
            other.append(name)
            continue
        columns = conn.execute(text(_WRITABLE_COLUMNS_SQL), {"schema": schema, "table": name}).all()
        writable = sql.SQL(", ").join(sql.Identifier(c) for c, serial, _ in columns if not serial)
        sequences = [seq for _, serial, seq in columns if serial and seq]
        for seq in sequences:
            _ddl(conn, sql.SQL("REVOKE ALL ON SEQUENCE {} FROM PUBLIC").format(sql.SQL(seq)))
        if name == LEARNERS_TABLE:
            _enable_row_security(conn, t)
            _policy(conn, OWN_ROWS, t, "SELECT", lg, sql.SQL("name = CAST(current_user AS text)"))
            _policy(conn, INSTRUCTOR_ALL, t, "ALL", ig, sql.SQL("true"))
            _ddl(conn, sql.SQL("GRANT SELECT ON {} TO {}").format(t, lg))
            _ddl(conn, sql.SQL("GRANT SELECT, DELETE ON {} TO {}").format(t, ig))
            _ddl(conn, sql.SQL("GRANT INSERT ({}) ON {} TO {}").format(writable, t, ig))
            _grant_sequences(conn, sequences, ig)
        elif has_learner:
            per_learner.append(name)
            _enable_row_security(conn, t)
            mine = sql.SQL("{} = {}").format(sql.Identifier(LEARNER_COLUMN), own_learner)
            _policy(conn, OWN_ROWS, t, "ALL", lg, mine)
            _policy(conn, INSTRUCTOR_READ, t, "SELECT", ig, sql.SQL("true"))
            _policy(conn, INSTRUCTOR_DELETE, t, "DELETE", ig, sql.SQL("true"))
            _ddl(conn, sql.SQL("GRANT SELECT, DELETE ON {} TO {}").format(t, lg))
            _ddl(
                conn,
                sql.SQL("GRANT INSERT ({cols}), UPDATE ({cols}) ON {t} TO {lg}").format(
                    cols=writable, t=t, lg=lg
                ),
            )
            _ddl(conn, sql.SQL("GRANT SELECT, DELETE ON {} TO {}").format(t, ig))
            _grant_sequences(conn, sequences, lg)
        elif name in DECK_TABLES:
            _ddl(conn, sql.SQL("GRANT SELECT ON {} TO {}").format(t, lg))
            _ddl(conn, sql.SQL("GRANT SELECT, DELETE ON {} TO {}").format(t, ig))
            _ddl(
                conn,
                sql.SQL("GRANT INSERT ({cols}), UPDATE ({cols}) ON {t} TO {ig}").format(
                    cols=writable, t=t, ig=ig
                ),
            )
            _grant_sequences(conn, sequences, ig)
        elif name == MIGRATIONS_TABLE:
            _ddl(conn, sql.SQL("GRANT SELECT ON {} TO {}, {}").format(t, ig, lg))
        else:
            _ddl(conn, sql.SQL("GRANT SELECT ON {} TO {}").format(t, ig))
            other.append(name)
    return per_learner, other


def _enable_row_security(conn: Connection, table: Any) -> None:
    from psycopg import sql

    _ddl(conn, sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(table))


def _policy(conn: Connection, name: str, table: Any, command: str, role: Any, rule: Any) -> None:
    """(Re)create one permissive policy; ALL and the write commands check new rows too."""
    from psycopg import sql

    _ddl(conn, sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(name), table))
    check = (
        sql.SQL(" WITH CHECK ({})").format(rule) if command in ("ALL", "UPDATE") else sql.SQL("")
    )
    _ddl(
        conn,
        sql.SQL("CREATE POLICY {} ON {} FOR " + command + " TO {} USING ({}){}").format(
            sql.Identifier(name), table, role, rule, check
        ),
    )


def _grant_sequences(conn: Connection, sequences: Sequence[str], role: Any) -> None:
    """USAGE (nextval, currval) only: setval needs UPDATE, which no group gets."""
    from psycopg import sql

    for seq in sequences:  # pg_get_serial_sequence's text is already quoted
        _ddl(conn, sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(sql.SQL(seq), role))


def _secure_functions(conn: Connection, schema: str) -> None:
    """Every function of the schema: caller's rights, fixed search_path, no PUBLIC EXECUTE."""
    from psycopg import sql

    functions = conn.execute(
        text(
            "SELECT CAST(p.oid AS regprocedure)::text FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = :schema"
            " AND p.prokind = 'f'"
        ),
        {"schema": schema},
    ).scalars()
    for signature in list(functions):  # regprocedure's text is qualified and quoted
        f = sql.SQL(signature)
        _ddl(
            conn,
            sql.SQL("ALTER FUNCTION {} SECURITY INVOKER SET search_path = {}, pg_temp").format(
                f, sql.Identifier(schema)
            ),
        )
        _ddl(conn, sql.SQL("REVOKE ALL ON FUNCTION {} FROM PUBLIC").format(f))


def _map_learners(
    conn: Connection, found: Groups
) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Give each learner of the store a role of their name (the upgrade of an older store)."""
    from psycopg import sql

    marker = _marker(conn)
    new_roles: list[str] = []
    mapped: list[str] = []
    unmapped: list[tuple[str, str]] = []
    names = conn.execute(text("SELECT name FROM learners ORDER BY name")).scalars()
    for name in list(names):
        problem = role_name_problem(name)
        if problem is not None:
            unmapped.append((name, problem))
            continue
        role = _role(conn, name, found.learner, marker)
        if not role.exists:
            _ddl(
                conn,
                sql.SQL("CREATE ROLE {} NOLOGIN IN ROLE {}").format(
                    sql.Identifier(name), sql.Identifier(found.learner)
                ),
            )
            _ddl(
                conn,
                sql.SQL("COMMENT ON ROLE {} IS {}").format(
                    sql.Identifier(name), sql.Literal(marker)
                ),
            )
            new_roles.append(name)
        elif role.ours or role.member:
            mapped.append(name)  # removed learners stay removed
        else:
            unmapped.append((name, "a role of that name already exists and is not this class's"))
    return new_roles, mapped, unmapped


# -- learners ---------------------------------------------------------------------------


def _require_postgresql(engine: Engine, command: str) -> None:
    if engine.dialect.name != "postgresql":
        raise ClassError(
            f"trainer class {command} is for a PostgreSQL store: a SQLite file belongs to one "
            "person, and its learners (--learner) are profiles, not access control"
        )


def require_class(engine: Engine, command: str) -> None:
    """ClassError unless the store is a PostgreSQL class store (`setup` has run)."""
    _require_postgresql(engine, command)
    with _class_errors(f"use the class store for {command}"), engine.connect() as conn:
        _require_class(conn)


def _require_class(conn: Connection) -> Groups:
    found = groups(conn)
    if found is None:
        raise ClassError(
            "this store is not a class store yet; run trainer class setup first "
            "(as the owner of the database)"
        )
    return found


def add_learner(engine: Engine, name: str, password: str) -> bool:
    """Give `name` a login role in the learner group (and a learners row); True if new.

    A learner trainer made a role for before (setup's mapping, or one removed since)
    is let in again with this password. Raises ClassError for a name that cannot be a
    role, a role of that name that is not this store's, or missing privileges.
    """
    from psycopg import sql

    problem = role_name_problem(name)
    if problem is not None:
        raise ClassError(f"cannot add the learner {name!r}: {problem}")
    if not password:
        raise ClassError("the password is empty; give the learner a password")
    _require_postgresql(engine, "add-learner")
    with _class_errors(f"add the learner {name!r}"), engine.begin() as conn:
        found = _require_class(conn)
        marker = _marker(conn)
        role = _role(conn, name, found.learner, marker)
        if role.exists and not role.ours:
            raise ClassError(
                f"a role named {name!r} already exists on this server and is not a learner "
                "of this store; trainer does not take over other roles: choose another name"
            )
        # The server gets a SCRAM verifier, never the password (not even in its logs).
        driver = conn.connection.driver_connection
        verifier = driver.pgconn.encrypt_password(  # type: ignore[union-attr]
            password.encode(), name.encode(), None
        ).decode()
        r, lg = sql.Identifier(name), sql.Identifier(found.learner)
        if not role.exists:
            _ddl(conn, sql.SQL("CREATE ROLE {} LOGIN").format(r))
            _ddl(conn, sql.SQL("COMMENT ON ROLE {} IS {}").format(r, sql.Literal(marker)))
        _ddl(conn, sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(r, sql.Literal(verifier)))
        if not role.member:
            _ddl(conn, sql.SQL("GRANT {} TO {}").format(lg, r))
        conn.execute(
            text("INSERT INTO learners (name) VALUES (:name) ON CONFLICT (name) DO NOTHING"),
            {"name": name},
        )
    return not role.exists


def remove_learner(engine: Engine, name: str, *, delete_progress: bool = False) -> None:
    """Take the learner's login and learner group away; their progress stays.

    With `delete_progress`, also delete their rows of every per-learner table and their
    learners row, and drop their role. Raises ClassError if `name` is not a learner.
    """
    from psycopg import sql

    _require_postgresql(engine, "remove-learner")
    with _class_errors(f"remove the learner {name!r}"), engine.begin() as conn:
        found = _require_class(conn)
        role = _role(conn, name, found.learner, _marker(conn))
        lid = conn.execute(text("SELECT id FROM learners WHERE name = :name"), {"name": name})
        learner_id = lid.scalar()
        if learner_id is None or not (role.ours or role.member):
            raise ClassError(f"{name!r} is not a learner of this class store")
        r = sql.Identifier(name)
        _ddl(conn, sql.SQL("ALTER ROLE {} NOLOGIN PASSWORD NULL").format(r))
        if role.member:
            _ddl(conn, sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(found.learner), r))
        if not delete_progress:
            return
        schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
        tables = conn.execute(text(_TABLES_SQL), {"schema": schema, "column": LEARNER_COLUMN})
        for table, kind, has_learner in list(tables):
            if has_learner and kind in ("r", "p"):
                _ddl(
                    conn,
                    sql.SQL("DELETE FROM {}.{} WHERE {} = {}").format(
                        sql.Identifier(schema),
                        sql.Identifier(table),
                        sql.Identifier(LEARNER_COLUMN),
                        sql.Literal(learner_id),
                    ),
                )
        conn.execute(text("DELETE FROM learners WHERE id = :id"), {"id": learner_id})
        if role.ours:
            _ddl(conn, sql.SQL("DROP ROLE {}").format(r))
