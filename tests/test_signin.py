"""Sign-in and roles in the app (issue 18) through AppTest: the binding rule, the sign-in form,
wrong passwords, throttling, expiry, each role's controls, the LLM key never in the page, the
operator's key only sent to the operator's base URL, and the audit log."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from kb import audit
from kb.errors import KBError
from kb.settings import Settings
from kb.store import ChromaStore
from kb.users import Role, User, add_user, new_session, remove_user
from tests.conftest import ROOT
from tests.llm_standin import StandInLLM
from tests.test_feeds import FeedSite, article_page
from ui import signin, sso

APP = str(ROOT / "app.py")
PASSWORDS = {"rita": "reader-pass-1", "eddie": "editor-pass-1", "ada": "admin-pass-1"}
SECRET = "sk-operator-secret-4f9d2c"


@pytest.fixture
def env(monkeypatch, fixture_store, tmp_path):
    """The fixture store (read only), users and audit log in tmp_path; no users yet."""
    monkeypatch.setenv("KB_STORE_DIR", str(fixture_store.store_dir))
    monkeypatch.setenv("KB_CORPUS_DIR", str(fixture_store.corpus_dir))
    monkeypatch.setenv("KB_USERS_FILE", str(tmp_path / "users.json"))
    monkeypatch.setenv("KB_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    for name in ("KB_CHROMA_URL", "KB_LLM_API_KEY", "KB_LLM_BASE_URL", "KB_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    signin.sign_in_throttle.clear()
    return monkeypatch


@pytest.fixture
def team(env):
    """One user of each role."""
    settings = Settings()
    for name, role in (("rita", "reader"), ("eddie", "editor"), ("ada", "admin")):
        add_user(settings, name, PASSWORDS[name], role)
    return env


@pytest.fixture
def frozen_throttle():
    """The app's throttle with a clock the test moves (no timing in the assertions)."""
    throttle = signin.sign_in_throttle()
    now = [1000.0]
    throttle.clock = lambda: now[0]
    return now


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def attempt(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def sign_in(name: str) -> AppTest:
    at = attempt(start(), name, PASSWORDS[name])
    assert at.chat_input, [e.value for e in at.error]
    return at


def page_text(at: AppTest) -> str:
    """Every element's protobuf, as the browser would receive it."""
    out: list[str] = []

    def walk(node) -> None:  # noqa: ANN001
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def actions() -> list[tuple[str, str, str]]:
    return [(e.user, e.action, e.detail) for e in reversed(audit.read(Settings()))]


# --- the binding rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    "address, local",
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("unix:///run/kb.sock", True),
        (None, False),
        ("", False),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("kb.example.com", False),
    ],
)
def test_which_addresses_are_local(address, local):
    assert signin.is_local(address) is local


def test_no_users_on_loopback_serves_the_app_without_sign_in(env):
    at = start()
    assert at.chat_input and "signin_name" not in [t.key for t in at.text_input]
    assert "Sign in" not in [b.label for b in at.button]
    assert any(e.label == "Add articles" for e in at.expander)  # the local user may do it all


def test_no_users_on_a_public_address_refuses_to_serve(env):
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = start()
    finally:
        config.set_option("server.address", before)
    assert "no users are configured" in at.error[0].value
    assert "python -m kb users add" in at.error[0].value
    assert not at.chat_input and not at.sidebar.children and not at.title


def test_with_users_a_public_address_shows_the_sign_in_form(team):
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = start()
    finally:
        config.set_option("server.address", before)
    assert not at.error and at.text_input(key="signin_name").label == "User name"


# --- signing in ------------------------------------------------------------------------


def test_the_sign_in_form_comes_before_anything_else(team):
    at = start()
    assert [t.label for t in at.text_input] == ["User name", "Password"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.chat_input and not at.sidebar.children and not at.expander


def test_wrong_password_is_refused_and_logged(team, frozen_throttle):
    at = attempt(start(), "rita", "not-her-password")
    assert at.error[0].value == "Wrong user name or password."
    assert not at.chat_input
    at = attempt(start(), "nobody", "whatever-pass")  # an unknown name reads the same
    assert at.error[0].value == "Wrong user name or password."
    assert ("rita", "sign_in", "failed") in actions()


def test_failed_sign_ins_slow_down_the_next_attempt(team, frozen_throttle):
    at = attempt(start(), "ada", "wrong-password")
    at = attempt(at, "ada", PASSWORDS["ada"])  # the right one, but too soon
    assert at.error[0].value == "Too many failed sign-ins. Try again in 1 second."
    assert not at.chat_input
    frozen_throttle[0] += 1.5
    at = attempt(at, "ada", PASSWORDS["ada"])
    assert at.chat_input and not at.error
    assert [a for _, a, d in actions() if a == "sign_in"] == ["sign_in"] * 3
    assert [d for _, a, d in actions() if a == "sign_in"] == ["failed", "refused: throttled", "ok"]


def test_sign_out_and_a_removed_user(team):
    at = sign_in("eddie")
    assert any("Signed in as eddie · editor" in c.value.replace("\\", "") for c in at.caption)
    at.button(key="sign_out").click().run()
    assert not at.chat_input and at.text_input(key="signin_name")
    at = sign_in("rita")
    remove_user(Settings(), "rita")
    at.run()
    assert not at.chat_input and at.text_input(key="signin_name")
    assert ("eddie", "sign_out", "") in actions()


def test_a_session_expires(team):
    team.setenv("KB_SESSION_HOURS", str(0.5 / 3600))  # half a second
    at = sign_in("rita")
    time.sleep(1.0)
    at.run()
    assert not at.chat_input
    assert "Your sign-in expired" in at.info[0].value


# --- what each role sees ---------------------------------------------------------------


def test_a_reader_asks_but_cannot_add_articles_or_change_the_llm(team):
    team.setenv("KB_LLM_MODEL", "standin")
    at = sign_in("rita")
    assert not any(e.label in ("Add articles", "Audit log") for e in at.expander)
    assert "feed_url" not in [t.key for t in at.text_input]
    at.chat_input[0].set_value("How much memory does the TX-9 have?").run()
    assert "288 gigabytes" in "\n".join(
        m.value for m in [c for c in at.chat_message if c.name == "assistant"][-1].markdown
    )
    at.sidebar.radio[0].set_value("LLM").run()
    labels = [t.label for t in at.sidebar.text_input]
    assert "Base URL" not in labels and not any("API key" in label for label in labels)
    assert not [b for b in at.button if b.label == "Test connection"]
    assert any(
        "Model: standin, set up by the operator" in c.value.replace("\\", "") for c in at.caption
    )


def test_an_editor_adds_articles_and_it_is_logged(team, tmp_path, fixture_store):
    store = tmp_path / "store"
    shutil.copytree(fixture_store.store_dir, store)
    team.setenv("KB_STORE_DIR", str(store))
    team.setenv("KB_ALLOW_PRIVATE_URLS", "1")
    site = FeedSite()
    try:
        site.put("/story", article_page("Editors add this story", 7, "marker7"))
        at = sign_in("eddie")
        assert any(e.label == "Add articles" for e in at.expander)
        assert at.text_input(key="feed_url")  # feeds too
        assert not any(e.label == "Audit log" for e in at.expander)
        at.text_input(key="url").input(site.url("/story")).run()
        at.button(key="add_url").click().run()
        assert not at.exception, at.exception
    finally:
        site.close()
    assert at.sidebar.metric[0].value == "7"
    assert ("eddie", "add_document", "url: Editors add this story") in actions()
    at.sidebar.radio[0].set_value("LLM").run()
    assert "Base URL" not in [t.label for t in at.sidebar.text_input]


def test_an_admin_changes_llm_settings_and_the_key_never_reaches_the_page(team):
    team.setenv("KB_LLM_API_KEY", SECRET)
    at = sign_in("ada")
    at.sidebar.radio[0].set_value("LLM").run()
    assert at.sidebar.text_input(key="llm_base_url").label == "Base URL"
    assert SECRET not in page_text(at)
    typed = "sk-typed-by-admin-8e1a"
    at.sidebar.text_input(key="llm_key").input(typed).run()
    assert not at.exception, at.exception
    assert typed not in page_text(at) and SECRET not in page_text(at)
    assert at.sidebar.text_input(key="llm_key").value == ""  # the field was emptied
    assert any("A key is set for this session (not shown)" in c.value for c in at.caption)
    at.sidebar.text_input(key="llm_base_url").input("http://127.0.0.1:9/v1").run()
    logged = [d for u, a, d in actions() if a == "change_llm_settings"]
    assert logged and all(typed not in d and SECRET not in d for d in logged)
    assert "session key set" in logged[-1]
    assert any(e.label == "Audit log" for e in at.expander)  # admins read the log


def test_the_operators_key_goes_only_to_the_operators_base_url(team):
    with StandInLLM() as operator, StandInLLM() as other:
        team.setenv("KB_LLM_PROVIDER", "openai")
        team.setenv("KB_LLM_BASE_URL", operator.url + "/v1")
        team.setenv("KB_LLM_MODEL", "standin")
        team.setenv("KB_LLM_API_KEY", SECRET)
        operator.enqueue("The TX-9 carries 288 gigabytes of high-bandwidth memory. [1]")
        at = sign_in("rita")  # a reader uses the operator's model and key
        at.sidebar.radio[0].set_value("LLM").run()
        at.chat_input[0].set_value("How much memory does the TX-9 have?").run()
        assert operator.requests[-1]["headers"]["authorization"] == f"Bearer {SECRET}"

        at = sign_in("ada")  # an admin points the session elsewhere: the key stays home
        at.sidebar.radio[0].set_value("LLM").run()
        at.sidebar.text_input(key="llm_base_url").input(other.url + "/v1").run()
        other.enqueue("The TX-9 carries 288 gigabytes of high-bandwidth memory. [1]")
        at.chat_input[0].set_value("How much memory does the TX-9 have?").run()
        assert other.requests
        assert SECRET not in str(other.requests[-1]["headers"])


# --- removing documents (admins only) -------------------------------------------------


@pytest.fixture
def writable(team, tmp_path, fixture_store):
    """A copy of the fixture store the test may change."""
    store = tmp_path / "store"
    shutil.copytree(fixture_store.store_dir, store)
    team.setenv("KB_STORE_DIR", str(store))
    return team


def stored_sources() -> set[str]:
    return {r.source for r in ChromaStore(Settings()).documents().values()}


def test_an_admin_removes_a_document_and_it_is_logged(writable):
    at = sign_in("ada")
    assert at.sidebar.metric[0].value == "6"
    assert any(e.label == "Remove a document" for e in at.expander)
    assert at.button(key="remove_document").disabled  # nothing picked, nothing confirmed
    at.selectbox(key="remove_pick").set_value("northwind-funding.md").run()
    assert at.button(key="remove_document").disabled  # not confirmed yet
    at.checkbox(key="remove_confirm").check().run()
    at.button(key="remove_document").click().run()
    assert not at.exception, at.exception
    assert at.sidebar.metric[0].value == "5"
    assert "northwind-funding.md" not in stored_sources()
    assert "northwind-funding.md" not in at.selectbox(key="remove_pick").options
    assert at.selectbox(key="remove_pick").value is None  # the picker is reset
    assert "northwind-funding.md" not in at.sidebar.multiselect(key="sources").options
    assert any("python -m ingest" in i.value and "delete the file" in i.value for i in at.info)
    title = "Northwind Labs raises $1.3 billion as investors bet on Lumen"
    assert ("ada", "remove_document", title) in actions()
    at.chat_input[0].set_value("How much did Northwind Labs raise in its Series D?").run()
    cited = [shown(e.label) for e in at.expander if e.label.startswith("\\[")]
    assert not any("Northwind Labs raises" in label for label in cited)


def shown(markdown: str) -> str:
    return markdown.replace("\\", "")


def test_readers_and_editors_do_not_see_remove_a_document(team):
    for name in ("rita", "eddie"):
        at = sign_in(name)
        assert not any(e.label == "Remove a document" for e in at.expander)
        assert "remove_pick" not in [s.key for s in at.selectbox]
        assert "Remove" not in [b.label for b in at.button]


def test_a_forged_removal_from_a_reader_is_refused_and_logged(writable):
    at = sign_in("rita")
    # what a crafted client could put in its session: the queued request, the picker's
    # state, even a session that claims the admin role
    at.session_state["remove_pick"] = "northwind-funding.md"
    at.session_state["remove_confirm"] = True
    at.session_state["remove_request"] = "northwind-funding.md"
    at.session_state["kb_session"] = new_session(
        User("rita", Role.ADMIN, ""), datetime.now(UTC), 1.0
    )
    at.run()
    assert not at.exception, at.exception
    assert "Your role may not remove documents." in [e.value for e in at.error]
    assert "northwind-funding.md" in stored_sources() and at.sidebar.metric[0].value == "6"
    assert ("rita", "remove_document", "refused: role reader") in actions()
    assert not any(e.label == "Remove a document" for e in at.expander)


# --- a reader's crafted add, refused by the server ------------------------------------


def forged_add_controls(upload_name: str) -> None:
    """The editor's controls and the upload handler, driven in a reader's session: what a
    crafted client could send for widgets the page never showed it."""
    import streamlit as st

    from kb.settings import Settings
    from kb.users import lookup
    from ui.ingest_view import add_articles, add_uploads

    reader = lookup(Settings(), "rita")
    add_articles(reader)
    if st.button("Forge an upload", key="forge_upload"):
        add_uploads([(upload_name, b"Crafted upload\n\nA reader tried to add this text.")], reader)


def test_a_readers_crafted_add_is_refused_server_side(writable, tmp_path, fixture_store):
    corpus = tmp_path / "corpus"
    shutil.copytree(fixture_store.corpus_dir, corpus)
    writable.setenv("KB_CORPUS_DIR", str(corpus))
    writable.setenv("KB_ALLOW_PRIVATE_URLS", "1")
    site = FeedSite()
    try:
        site.put("/story", article_page("A reader's story", 3, "marker3"))
        at = sign_in("rita")
        at.session_state["url"] = site.url("/story")  # a state for a widget never shown
        at.run()
        assert not at.exception and at.sidebar.metric[0].value == "6"

        forged = AppTest.from_function(
            forged_add_controls, args=("crafted.md",), default_timeout=120
        ).run()
        forged.text_input(key="url").input(site.url("/story")).run()
        forged.button(key="add_url").click().run()
        assert "Your role may not add articles." in [e.value for e in forged.error]
        forged.button(key="forge_upload").click().run()
        assert not forged.exception, forged.exception
        assert [e.value for e in forged.error] == ["Your role may not add articles."]
        assert site.requests == []  # nothing was fetched
    finally:
        site.close()
    assert len(stored_sources()) == 7  # 6 documents and one duplicate, as before
    assert not list(corpus.rglob("crafted*"))  # the upload was not even saved
    refused = [(u, t) for u, t, d in actions_with_target() if d == "refused: role reader"]
    assert ("rita", site.url("/story")) in refused and ("rita", "crafted.md") in refused


def actions_with_target() -> list[tuple[str, str, str]]:
    return [(e.user, e.target, e.detail) for e in reversed(audit.read(Settings()))]


# --- single sign-on (Streamlit's OIDC sign-in), groups mapped to roles ----------------

ROLES = "kb-admins=admin, kb-editors=editor, *=reader"


def test_oidc_groups_map_to_the_highest_role():
    mapping = sso.parse_roles(ROLES)
    assert mapping == {"kb-admins": Role.ADMIN, "kb-editors": Role.EDITOR, "*": Role.READER}
    assert sso.role_for(["kb-editors", "kb-admins"], mapping) is Role.ADMIN
    assert sso.role_for(["kb-editors", "sales"], mapping) is Role.EDITOR
    assert sso.role_for([], mapping) is Role.READER  # '*': anyone the provider signs in
    strict = sso.parse_roles("kb-admins=admin")
    assert sso.role_for(["sales"], strict) is None and sso.role_for([], strict) is None
    assert sso.token_groups({"groups": "kb-admins"}) == ["kb-admins"]
    assert sso.token_groups({"groups": ["a", "b"]}) == ["a", "b"]
    assert sso.token_groups({"email": "x@example.com"}) == []
    for bad in ("kb-admins", "=admin", "kb-admins=owner", " , "):
        with pytest.raises(KBError):
            sso.parse_roles(bad)


def start_as(claims: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.user = claims
    at.run()
    assert not at.exception, at.exception
    return at


def test_with_oidc_roles_sign_in_goes_through_the_identity_provider(team):
    team.setenv("KB_OIDC_ROLES", ROLES)
    at = start_as({"is_logged_in": False})
    assert [b.label for b in at.button] == ["Sign in with single sign-on"]
    assert not at.text_input and not at.chat_input  # no users-file form, no app
    at.button(key="sso_sign_in").click().run()  # no [auth] in secrets here: a clear error
    assert not at.exception, at.exception
    assert "Single sign-on is not set up" in at.error[0].value
    assert "secrets.toml" in at.error[0].value


def test_oidc_groups_decide_each_roles_controls(team):
    team.setenv("KB_OIDC_ROLES", ROLES)
    admin = start_as({"is_logged_in": True, "email": "ana@example.com", "groups": ["kb-admins"]})
    assert admin.chat_input
    assert any(e.label == "Remove a document" for e in admin.expander)
    bar = [c.value.replace("\\", "").replace("\u2060", "") for c in admin.caption]
    assert "Signed in as ana@example.com · admin" in bar
    assert ("ana@example.com", "sign_in", "ok: role admin") in actions()
    reader = start_as({"is_logged_in": True, "email": "ron@example.com", "groups": ["sales"]})
    assert reader.chat_input
    assert not any(e.label in ("Add articles", "Remove a document") for e in reader.expander)
    team.setenv("KB_OIDC_ROLES", "kb-admins=admin")  # no '*': a stranger is refused
    stranger = start_as({"is_logged_in": True, "email": "sam@example.com", "groups": ["x"]})
    assert not stranger.chat_input
    assert "in no group that may use this app" in stranger.error[0].value
    admin.button(key="sign_out").click().run()  # sign-out drops the identity: logged out
    assert not admin.chat_input and admin.button(key="sso_sign_in")
