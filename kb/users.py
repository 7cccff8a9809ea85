"""Who may use the app: a users file, roles, password checks, sign-in throttling, sessions.

The users file (`Settings.users_path()`, default `<store_dir>/users.json`) is one JSON object:

    {"version": 1, "users": {"alice": {"role": "editor", "created": "2026-12-01T09:00:00+00:00",
                                       "password_hash": "$argon2id$v=19$..."}}}

It is rewritten whole on every change (a temporary file in the same folder, then `os.replace`),
always with mode 0600, under an advisory lock so two `users add` runs never lose each other's
user. Passwords are hashed with argon2id (argon2-cffi's default, RFC 9106 parameters): slow and
salted, so a copied file does not give the passwords away cheaply.

Nothing here reads the environment or holds state between calls except `SignInThrottle`, which
the app keeps (one per process) for as long as it runs.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kb.errors import ConfigError, KBError
from kb.settings import Settings

FILE_VERSION = 1
NAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
MIN_PASSWORD = 8
# argon2 pre-hashes any length, but a megabyte "password" is only good for wasting CPU.
MAX_PASSWORD = 1024

Action = Literal[
    "ask",
    "browse",
    "export",
    "add_documents",
    "add_urls",
    "manage_feeds",
    "remove_documents",
    "change_llm_settings",
    "view_audit",
]
ACTIONS: tuple[Action, ...] = get_args(Action)


class Role(StrEnum):
    """A user's role; each role may do everything the roles before it may."""

    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def can(self, action: Action) -> bool:
        """Whether this role may do `action` (an unknown action is a programming error)."""
        if action not in MINIMUM_ROLE:
            raise ValueError(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
        return self.rank >= MINIMUM_ROLE[action].rank


# The least role that may do each action: the one table the app and the server checks read.
MINIMUM_ROLE: dict[str, Role] = {
    "ask": Role.READER,
    "browse": Role.READER,
    "export": Role.READER,
    "add_documents": Role.EDITOR,
    "add_urls": Role.EDITOR,
    "manage_feeds": Role.EDITOR,
    "remove_documents": Role.ADMIN,
    "change_llm_settings": Role.ADMIN,
    "view_audit": Role.ADMIN,
}


@dataclass(frozen=True)
class User:
    """One user as the app sees it; the password hash never leaves this module."""

    name: str
    role: Role
    created: str  # ISO 8601, UTC

    def can(self, action: Action) -> bool:
        return self.role.can(action)

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role.value, "created": self.created}


# ---------------------------------------------------------------------------- validation


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise KBError(
            f"Unknown role {value!r}.",
            f"Use one of: {', '.join(r.value for r in Role)} (each can do what the ones "
            "before it can).",
        ) from None


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise KBError(
            f"Invalid user name {name!r}.",
            "Use 1 to 64 characters: ASCII letters, digits, '.', '_' or '-'.",
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise KBError(
            f"The password is too short ({len(password)} characters).",
            f"Use at least {MIN_PASSWORD} characters; a few unrelated words are easy to type.",
        )
    if len(password) > MAX_PASSWORD:
        raise KBError(
            f"The password is too long ({len(password)} characters).",
            f"Use at most {MAX_PASSWORD} characters.",
        )
    return password


# ---------------------------------------------------------------------------- the file


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash no password is known for, verified against when the user does not exist, so a
    wrong name costs as long as a wrong password."""
    return _hasher().hash(os.urandom(32).hex())


def _read(path: Path) -> dict[str, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(
            f"Cannot read the users file {path}: {exc.strerror}.",
            "Check its owner and permissions, or set KB_USERS_FILE to another file.",
        ) from exc
    try:
        data = json.loads(text)
        users = data["users"]
        if data.get("version") != FILE_VERSION or not isinstance(users, dict):
            raise ValueError("unexpected layout")
        for name, record in users.items():
            Role(record["role"])
            if not isinstance(name, str) or not isinstance(record["password_hash"], str):
                raise ValueError("unexpected record")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(
            f"The users file {path} is not a users file this version can read ({exc}).",
            "Restore it from a backup, or move it away and add the users again with "
            "`python -m kb users add NAME --role ROLE`.",
        ) from exc
    return users


def _write(path: Path, users: dict[str, dict[str, Any]]) -> None:
    """Replace the file whole: readers see the old or the new version, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": FILE_VERSION, "users": users}, indent=2, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Serialise read-modify-write of the users file across processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _user(name: str, record: dict[str, Any]) -> User:
    return User(name=name, role=Role(record["role"]), created=record.get("created", ""))


# ---------------------------------------------------------------------------- the API


def add_user(settings: Settings, name: str, password: str, role: Role | str) -> User:
    """Add a user with a new argon2 hash of `password`; refuses a name already taken."""
    check_name(name)
    check_password(password)
    role = role if isinstance(role, Role) else parse_role(role)
    path = settings.users_path()
    with _locked(path):
        users = _read(path)
        taken = next((n for n in users if n.lower() == name.lower()), None)
        if taken is not None:
            raise KBError(
                f"A user named {taken!r} already exists in {path}.",
                f"Pick another name, or run `python -m kb users remove {taken}` first "
                "to replace it.",
            )
        record = {
            "role": role.value,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "password_hash": _hasher().hash(password),
        }
        users[name] = record
        _write(path, users)
    return _user(name, record)


def remove_user(settings: Settings, name: str) -> User:
    """Remove a user; their open sessions fail the next `lookup`."""
    path = settings.users_path()
    with _locked(path):
        users = _read(path)
        if name not in users:
            raise KBError(
                f"No user named {name!r} in {path}.",
                "See the users with `python -m kb users list` (names are case-sensitive).",
            )
        record = users.pop(name)
        _write(path, users)
    return _user(name, record)


def list_users(settings: Settings) -> list[User]:
    """Every user, by name."""
    users = _read(settings.users_path())
    return [_user(name, users[name]) for name in sorted(users)]


def lookup(settings: Settings, name: str) -> User | None:
    """The user's current record (for re-checking a signed-in user's role), or None."""
    record = _read(settings.users_path()).get(name)
    return _user(name, record) if record else None


def has_users(settings: Settings) -> bool:
    """Whether any user is configured (the app then asks everyone to sign in)."""
    return bool(_read(settings.users_path()))


def verify(settings: Settings, name: str, password: str) -> User | None:
    """The user if `password` is theirs, else None. An unknown name, an over-long password
    and a wrong password all cost one argon2 verification, so timing does not tell them
    apart."""
    record = _read(settings.users_path()).get(name)
    stored = record["password_hash"] if record else _dummy_hash()
    try:
        ok: bool = _hasher().verify(stored, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):  # mismatch, or a damaged hash
        ok = False
    if not ok or record is None or len(password) > MAX_PASSWORD:
        return None
    return _user(name, record)


# ---------------------------------------------------------------------------- throttling


@dataclass
class _Failures:
    count: int
    last: float


class SignInThrottle:
    """Slows down guessing: after each failed sign-in for a key (a user name, a client
    address), the next attempt for that key must wait `base * 2**(failures-1)` seconds,
    capped at `cap` (1, 2, 4, 8, 16, 30, 30 ...). A success clears the key; a key idle for
    `forget_after` seconds is forgotten. In memory, per process; thread-safe.

    The app checks `wait_seconds` for both the name and the client before verifying, refuses
    (without verifying) while either is positive, and calls `record` for both afterwards.
    """

    def __init__(
        self,
        *,
        base: float = 1.0,
        cap: float = 30.0,
        forget_after: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.base = base
        self.cap = cap
        self.forget_after = forget_after
        self.clock = clock
        self.max_keys = max_keys
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def _delay(self, count: int) -> float:
        return min(self.base * 2 ** (count - 1), self.cap) if count else 0.0

    def wait_seconds(self, key: str) -> float:
        """Seconds before the next attempt for `key` is allowed (0 when it may go ahead)."""
        with self._lock:
            entry = self._failures.get(key)
            if entry is None:
                return 0.0
            return max(0.0, entry.last + self._delay(entry.count) - self.clock())

    def record(self, key: str, ok: bool) -> None:
        """Note the outcome of an attempt for `key`."""
        now = self.clock()
        with self._lock:
            if ok:
                self._failures.pop(key, None)
                return
            entry = self._failures.get(key)
            if entry is None or now - entry.last > self.forget_after:
                entry = self._failures[key] = _Failures(0, now)
            entry.count += 1
            entry.last = now
            if len(self._failures) > self.max_keys:
                self._prune(now)

    def _prune(self, now: float) -> None:
        # Keys sprayed by a guesser must not grow memory without bound: forget idle keys,
        # then the oldest ones.
        stale = [k for k, e in self._failures.items() if now - e.last > self.forget_after]
        for key in stale:
            del self._failures[key]
        excess = len(self._failures) - self.max_keys
        if excess > 0:
            oldest = sorted(self._failures, key=lambda k: self._failures[k].last)[:excess]
            for key in oldest:
                del self._failures[key]


# ---------------------------------------------------------------------------- sessions


@dataclass(frozen=True)
class Session:
    """A signed-in user until `expires` (UTC)."""

    user: str
    role: Role
    started: datetime
    expires: datetime


def new_session(user: User, now: datetime, hours: float = 8.0) -> Session:
    """A session for `user` that lasts `hours` (pass `settings.session_hours`)."""
    if now.tzinfo is None:
        raise ValueError("pass an aware datetime, e.g. datetime.now(UTC)")
    return Session(user.name, user.role, now, now + timedelta(hours=hours))


def is_valid(session: Session | None, now: datetime) -> bool:
    """Whether the session has not expired yet (the app also re-checks the user with
    `lookup`, so a removed user or a changed role takes effect at once)."""
    return session is not None and now < session.expires
