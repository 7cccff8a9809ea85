"""Users, roles, sign-in throttling and sessions: the real CLI, the real argon2, real files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import argon2
import pytest

from kb import users
from kb.errors import KBError
from kb.settings import Settings
from kb.users import Role, SignInThrottle, is_valid, new_session

ROOT = Path(__file__).parent.parent
PASSWORD = "correct horse battery"


def run_cli(*args: str, stdin: str = "", env: dict[str, str] | None = None):
    base = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    return subprocess.run(
        [sys.executable, "-m", "kb", "users", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**base, **(env or {})},
        timeout=120,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------------------- the CLI


def test_cli_adds_lists_and_removes_users_beside_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    added = run_cli("add", "alice", "--role", "editor", "--store", str(store), stdin=PASSWORD)
    assert added.returncode == 0, added.stderr
    users_file = store / "users.json"
    assert users_file.exists()
    assert mode(users_file) == 0o600
    assert PASSWORD not in users_file.read_text()

    run_cli("add", "bob", "--role", "admin", "--store", str(store), stdin=PASSWORD + "2\n")
    listed = run_cli("list", "--json", "--store", str(store))
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)["users"]
    assert [(r["name"], r["role"]) for r in rows] == [("alice", "editor"), ("bob", "admin")]
    assert all(datetime.fromisoformat(r["created"]).tzinfo is not None for r in rows)
    assert "argon2" not in listed.stdout and "hash" not in listed.stdout

    plain = run_cli("list", "--store", str(store))
    assert "alice" in plain.stdout and "editor" in plain.stdout and "$argon2" not in plain.stdout

    # The password read from stdin is the one that signs in (the newline is not part of it).
    settings = Settings(store_dir=store)
    assert users.verify(settings, "bob", PASSWORD + "2") == users.User(
        "bob", Role.ADMIN, rows[1]["created"]
    )
    assert users.verify(settings, "bob", PASSWORD + "2\n") is None

    removed = run_cli("remove", "alice", "--store", str(store))
    assert removed.returncode == 0, removed.stderr
    assert [u.name for u in users.list_users(settings)] == ["bob"]
    assert mode(users_file) == 0o600
    assert users.verify(settings, "alice", PASSWORD) is None


def test_cli_honours_kb_users_file(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "team-users.json"
    env = {"KB_USERS_FILE": str(target), "KB_STORE_DIR": str(tmp_path / "store")}
    result = run_cli("add", "carol", "--role", "reader", stdin=PASSWORD + "\n", env=env)
    assert result.returncode == 0, result.stderr
    assert target.exists() and mode(target) == 0o600
    assert not (tmp_path / "store" / "users.json").exists()
    assert users.list_users(Settings(users_file=target))[0].name == "carol"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "dave", "--role", "admin"], "short\n", "too short"),
        (["add", "dave", "--role", "admin"], "", "No password"),
        (["add", "bad name", "--role", "admin"], PASSWORD, "Invalid user name"),
        (["add", "x" * 65, "--role", "admin"], PASSWORD, "Invalid user name"),
        (["remove", "nobody"], "", "No user named 'nobody'"),
    ],
)
def test_cli_refuses_with_a_hint(tmp_path: Path, args: list[str], stdin: str, message: str) -> None:
    result = run_cli(*args, "--store", str(tmp_path / "store"), stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr
    assert "hint:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "store" / "users.json").exists()


def test_cli_rejects_an_unknown_role(tmp_path: Path) -> None:
    result = run_cli("add", "erin", "--role", "owner", "--store", str(tmp_path), stdin=PASSWORD)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_two_processes_adding_users_keep_both(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kb",
                "users",
                "add",
                name,
                "--role",
                "reader",
                "--store",
                store,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for name in ("u1", "u2", "u3")
    ]
    for proc in procs:
        _, err = proc.communicate(PASSWORD + "\n", timeout=120)
        assert proc.returncode == 0, err
    assert [u.name for u in users.list_users(Settings(store_dir=store))] == ["u1", "u2", "u3"]


# ---------------------------------------------------------------------------- the functions


@pytest.fixture
def team(tmp_path: Path) -> Settings:
    return Settings(store_dir=tmp_path / "store", chroma_url=None)


def test_functions_add_verify_and_remove(team: Settings) -> None:
    alice = users.add_user(team, "alice", PASSWORD, "editor")
    assert alice.role is Role.EDITOR
    assert users.list_users(team) == [alice]
    assert users.has_users(team)
    assert users.lookup(team, "alice") == alice
    assert users.verify(team, "alice", PASSWORD) == alice
    assert users.verify(team, "alice", PASSWORD.upper()) is None  # wrong password
    assert users.verify(team, "Alice", PASSWORD) is None  # names are exact
    assert users.verify(team, "mallory", PASSWORD) is None  # unknown user
    assert users.remove_user(team, "alice") == alice
    assert users.list_users(team) == []
    assert not users.has_users(team)
    assert users.lookup(team, "alice") is None


def test_no_users_file_means_no_users(team: Settings) -> None:
    assert users.list_users(team) == []
    assert users.verify(team, "alice", PASSWORD) is None
    assert not team.users_path().exists()


def test_the_file_holds_an_argon2_hash_with_mode_0600(team: Settings) -> None:
    users.add_user(team, "alice", PASSWORD, Role.ADMIN)
    users.add_user(team, "bob", PASSWORD, Role.ADMIN)
    path = team.users_path()
    assert path == team.store_dir / "users.json"
    assert mode(path) == 0o600
    data = json.loads(path.read_text())
    hashes = [r["password_hash"] for r in data["users"].values()]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert hashes[0] != hashes[1]  # salted: the same password hashes differently
    assert argon2.PasswordHasher().verify(hashes[0], PASSWORD)
    # No temporary file is left behind.
    assert sorted(p.name for p in path.parent.iterdir()) == [".users.json.lock", "users.json"]


def test_the_file_is_rewritten_with_mode_0600_even_if_loosened(team: Settings) -> None:
    users.add_user(team, "alice", PASSWORD, Role.ADMIN)
    team.users_path().chmod(0o644)
    users.add_user(team, "bob", PASSWORD, Role.READER)
    assert mode(team.users_path()) == 0o600


def test_an_unknown_user_costs_one_argon2_verification(
    team: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    users.add_user(team, "alice", PASSWORD, Role.READER)
    calls: list[str] = []
    real = argon2.PasswordHasher.verify

    def counting(self: argon2.PasswordHasher, hash: str, password: str) -> bool:
        calls.append(hash)
        return real(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)
    assert users.verify(team, "mallory", PASSWORD) is None
    assert users.verify(team, "alice", "wrong password") is None
    assert len(calls) == 2
    assert all(h.startswith("$argon2id$") for h in calls)


def test_names_passwords_and_duplicates_are_checked(team: Settings) -> None:
    users.add_user(team, "a.b_c-9", PASSWORD, Role.READER)
    users.add_user(team, "x" * 64, PASSWORD, Role.READER)
    for bad in ["", "x" * 65, "al ice", "al/ice", "ålice", "alice\n"]:
        with pytest.raises(KBError, match="Invalid user name") as caught:
            users.add_user(team, bad, PASSWORD, Role.READER)
        assert caught.value.hint
    with pytest.raises(KBError, match="too short"):
        users.add_user(team, "alice", "1234567", Role.READER)
    with pytest.raises(KBError, match="too long"):
        users.add_user(team, "alice", "p" * 1025, Role.READER)
    users.add_user(team, "alice", "12345678", Role.READER)
    with pytest.raises(KBError, match="already exists") as caught:
        users.add_user(team, "ALICE", PASSWORD, Role.ADMIN)
    assert "users remove alice" in caught.value.hint
    with pytest.raises(KBError, match="Unknown role"):
        users.add_user(team, "bob", PASSWORD, "owner")
    with pytest.raises(KBError, match="No user named"):
        users.remove_user(team, "bob")


def test_a_damaged_users_file_is_refused_with_a_hint(team: Settings) -> None:
    path = team.users_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(KBError, match="not a users file") as caught:
        users.list_users(team)
    assert "users add" in caught.value.hint
    path.write_text(json.dumps({"version": 1, "users": {"a": {"role": "root"}}}))
    with pytest.raises(KBError, match="not a users file"):
        users.verify(team, "a", PASSWORD)


def test_settings_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_USERS_FILE", str(tmp_path / "u.json"))
    monkeypatch.setenv("KB_SESSION_HOURS", "2")
    settings = Settings(store_dir=tmp_path / "store", chroma_url="http://127.0.0.1:8000")
    assert settings.users_path() == tmp_path / "u.json"
    assert settings.session_hours == 2
    monkeypatch.setenv("KB_USERS_FILE", "")
    assert Settings(store_dir=tmp_path / "s").users_path() == tmp_path / "s" / "users.json"


# ---------------------------------------------------------------------------- roles

PERMISSIONS = {
    #                      reader  editor  admin
    "ask": (True, True, True),
    "browse": (True, True, True),
    "export": (True, True, True),
    "add_documents": (False, True, True),
    "add_urls": (False, True, True),
    "manage_feeds": (False, True, True),
    "remove_documents": (False, False, True),
    "change_llm_settings": (False, False, True),
    "view_audit": (False, False, True),
}


@pytest.mark.parametrize("action", sorted(PERMISSIONS))
def test_role_permissions(action: str) -> None:
    allowed = tuple(role.can(action) for role in (Role.READER, Role.EDITOR, Role.ADMIN))  # type: ignore[arg-type]
    assert allowed == PERMISSIONS[action]


def test_every_action_is_in_the_table() -> None:
    assert set(users.ACTIONS) == set(PERMISSIONS) == set(users.MINIMUM_ROLE)
    with pytest.raises(ValueError, match="unknown action"):
        Role.ADMIN.can("drop_tables")  # type: ignore[arg-type]
    assert users.User("r", Role.READER, "").can("ask")
    assert not users.User("r", Role.READER, "").can("add_urls")


# ---------------------------------------------------------------------------- throttling


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_delays_grow_after_each_failure_and_cap() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(clock=clock)
    assert throttle.wait_seconds("user:alice") == 0
    delays = []
    for _ in range(8):
        assert throttle.wait_seconds("user:alice") == 0
        throttle.record("user:alice", ok=False)
        delays.append(throttle.wait_seconds("user:alice"))
        clock.now += delays[-1]
    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]


def test_throttle_waits_count_down_and_success_clears() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(clock=clock)
    throttle.record("client:10.0.0.5", ok=False)
    throttle.record("client:10.0.0.5", ok=False)
    assert throttle.wait_seconds("client:10.0.0.5") == 2
    clock.now += 1.5
    assert throttle.wait_seconds("client:10.0.0.5") == pytest.approx(0.5)
    assert throttle.wait_seconds("client:10.0.0.6") == 0  # keys are independent
    clock.now += 0.5
    throttle.record("client:10.0.0.5", ok=True)
    throttle.record("client:10.0.0.5", ok=False)
    assert throttle.wait_seconds("client:10.0.0.5") == 1  # starts over after a success


def test_throttle_forgets_idle_keys_and_stays_bounded() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(clock=clock, forget_after=600, max_keys=50)
    for _ in range(3):
        throttle.record("user:bob", ok=False)
    clock.now += 601
    throttle.record("user:bob", ok=False)
    assert throttle.wait_seconds("user:bob") == 1
    for n in range(200):
        throttle.record(f"client:{n}", ok=False)
    assert len(throttle._failures) <= 50
    assert throttle.wait_seconds("client:199") == 1


# ---------------------------------------------------------------------------- sessions


def test_sessions_expire() -> None:
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    alice = users.User("alice", Role.EDITOR, "")
    session = new_session(alice, start)
    assert (session.user, session.role) == ("alice", Role.EDITOR)
    assert is_valid(session, start)
    assert is_valid(session, start + timedelta(hours=7, minutes=59))
    assert not is_valid(session, start + timedelta(hours=8))
    assert not is_valid(None, start)

    short = new_session(alice, start, hours=Settings(session_hours=0.5).session_hours)
    assert is_valid(short, start + timedelta(minutes=29))
    assert not is_valid(short, start + timedelta(minutes=31))
    with pytest.raises(ValueError, match="aware"):
        new_session(alice, datetime(2026, 12, 1, 9, 0))
