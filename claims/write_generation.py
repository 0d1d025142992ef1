"""The desk's write generations: tokens in the shared cache that move after every write to the desk's tables, so
that an entry cached under them (an API list page, a token's user) is never reachable after a change.

**Who moves them.** Not the services: ``watch_writes`` is an execute wrapper that ``claims/apps.py`` installs on
every database connection (``connection_created``). It reads each statement's first words: an INSERT, UPDATE,
DELETE, TRUNCATE (or a schema change) naming a table of the desk moves the generations once the change is
committed: at once in autocommit, after the commit inside a transaction (``transaction.on_commit``). So a write by
the ORM, a bulk ``update()``, raw SQL, the admin, a Celery task, a migration or a management command moves them
too, without any of them knowing this module. What bypasses Django's cursors (``cursor.copy()``, psql) must call
``writes_happened()`` itself (bench/seed.py does).

**Two generations.** ``desk`` keys the API's desk lists: it moves on a write to any ``claims_*`` table and to the
auth and token tables (lists show usernames). ``auth`` keys the token look-ups (claims/api/auth.py): it moves on a
write to ``auth_*`` (users, their groups, the groups) and ``authtoken_*`` only, so editing claims does not send
every client's token back to the database.

**When no generation is given.** A connection inside a transaction that has written sees its own uncommitted rows:
nothing it reads may go into a cache, nor should it be served an entry that predates its own writes, so
``current()`` answers None there (the whole of a test run in a rolled-back transaction, pytest-django's ``db``,
is such a transaction). So it does when the setting ``DESK_API_CACHE`` is off (the default without Redis: a
per-process memory is not shared with the worker that writes) and when the shared cache cannot vouch for a
generation (Redis unreachable): the caller then reads the database, which is the truth.

A generation is a random token, as the public pages' are (claims/page_cache.py, which also keeps retrying a
generation Redis could not take): a restarted or evicted generation starts a token nobody ever cached under.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from claims.page_cache import GENERATION_TIMEOUT, get_generations, move_generations, new_generation

DESK_KEY = "desk:generation:lists"
AUTH_KEY = "desk:generation:auth"

# A statement that changes rows or tables. Django's SQL starts with its verb; raw SQL may start with spaces, a
# comment or a data-modifying WITH (then any verb in it counts: a false alarm only costs a new generation).
_WRITE = re.compile(
    r"\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(?:insert|update|delete|truncate|merge|replace|alter|drop|create|copy)\b",
    re.IGNORECASE | re.DOTALL,
)
_WITH = re.compile(r"\s*with\b", re.IGNORECASE)
_WITH_WRITE = re.compile(r"\b(?:insert|update|delete|merge)\b", re.IGNORECASE)
# Tables named anywhere in a write: its target, a TRUNCATE's list, a subquery (again a false alarm at worst).
_DESK_TABLES = re.compile(r"\b(?:claims|auth|authtoken)_", re.IGNORECASE)
_AUTH_TABLES = re.compile(r"\b(?:auth|authtoken)_", re.IGNORECASE)

# What a connection remembers of its transaction (attributes of the connection object, which Django gives each
# thread its own of): the generations its writes owe after the commit, and whether it wrote.
_OWED = "desk_generations_owed"
_WROTE = "desk_wrote_in_transaction"


@dataclass(frozen=True)
class DeskGenerations:
    desk: str
    auth: str


def written_keys(sql: str) -> list[str]:
    """The generations a statement moves: none for a read or for a write to no desk table."""
    if not (_WRITE.match(sql) or (_WITH.match(sql) and _WITH_WRITE.search(sql))):
        return []
    if not _DESK_TABLES.search(sql):
        return []
    return [DESK_KEY, AUTH_KEY] if _AUTH_TABLES.search(sql) else [DESK_KEY]


def watch_writes(execute, sql, params, many, context):
    """The execute wrapper (Django's ``connection.execute_wrappers``): runs the statement, then owes the
    generations it moves."""
    result = execute(sql, params, many, context)
    # Django passes text; a composed statement (psycopg.sql) is not read, only taken for a write.
    keys = written_keys(sql) if isinstance(sql, str) else [DESK_KEY, AUTH_KEY]
    if keys:
        _owe(context["connection"], keys)
    return result


def install(db: BaseDatabaseWrapper) -> None:
    """Watch the connection's statements; for ``connection_created``, which fires again on each reconnect."""
    if watch_writes not in db.execute_wrappers:
        db.execute_wrappers.append(watch_writes)


def _owe(db: BaseDatabaseWrapper, keys: list[str]) -> None:
    if not db.in_atomic_block:
        # Autocommit: the statement is committed. (In manual transaction management, set_autocommit(False), which
        # this project never uses, the commit comes later and nothing here sees it: the generations move now, and
        # an entry cached between now and that commit may outlive it until it expires.)
        if not db.get_autocommit():
            setattr(db, _WROTE, True)
        move_generations(keys)
        return
    owed = getattr(db, _OWED, None)
    if owed is None:
        owed = set()
        setattr(db, _OWED, owed)
    owed.update(keys)
    setattr(db, _WROTE, True)
    # One callback per write, not per transaction: a rolled-back savepoint drops the callbacks registered in it,
    # and one registered earlier (outside it) must still run. The first to run pays off what is owed.
    transaction.on_commit(MoveGenerations(db), using=db.alias)


class MoveGenerations:
    """The after-commit callback of a write (a class, so that a test counting a service's callbacks can tell
    these apart)."""

    def __init__(self, db: BaseDatabaseWrapper) -> None:
        self.db = db

    def __call__(self) -> None:
        setattr(self.db, _WROTE, False)
        owed = getattr(self.db, _OWED, None)
        if owed:
            keys = sorted(owed)
            owed.clear()
            move_generations(keys)


def writes_happened(*, auth: bool = True) -> None:
    """Move the generations by hand, for a write no Django cursor saw (COPY, another program)."""
    move_generations([DESK_KEY, AUTH_KEY] if auth else [DESK_KEY])


def _in_written_transaction(db: BaseDatabaseWrapper) -> bool:
    if db.in_atomic_block:
        return bool(getattr(db, _WROTE, False))
    if db.connection is None or db.get_autocommit():
        # Whatever the last transaction did is committed or rolled back by now (or there is no connection yet).
        setattr(db, _WROTE, False)
        return False
    return bool(getattr(db, _WROTE, False))


def current() -> DeskGenerations | None:
    """The generations the shared cache vouches for now (started if it has none), or None when nothing may be
    cached or served from a cache (see the module's docstring)."""
    if not settings.DESK_API_CACHE or _in_written_transaction(connection):
        return None
    found = get_generations([DESK_KEY, AUTH_KEY])
    desk = found.get(DESK_KEY) or _start(DESK_KEY)
    auth = found.get(AUTH_KEY) or _start(AUTH_KEY)
    if desk is None or auth is None:
        return None
    return DeskGenerations(desk=desk, auth=auth)


def _start(key: str) -> str | None:
    # Losing the race to another process (or an unreachable Redis) leaves this one request uncached.
    generation = new_generation()
    return generation if cache.add(key, generation, timeout=GENERATION_TIMEOUT) else None


def for_request(request) -> DeskGenerations | None:
    """``current()``, read once per request (the token look-up and the list both key by it)."""
    if not hasattr(request, "_desk_generations"):
        request._desk_generations = current()
    return request._desk_generations
