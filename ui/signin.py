"""Who is using the app: the binding rule, the sign-in form, the signed-in user, sign-out.

With no users configured the app is a personal tool: it serves only on a loopback address,
and the person at the keyboard may do everything (`LOCAL_USER`). Once `python -m kb users add`
has added someone, every visitor signs in first (argon2 check, throttled after failures), the
session lasts `KB_SESSION_HOURS`, and every rerun looks the user up again, so a removed user
or a changed role takes effect at once. Each page shows only the controls the role allows;
the handlers check the role again before they act.

With `KB_OIDC_ROLES` set, single sign-on (ui/sso.py) replaces the users file and its form.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import UTC, datetime

import streamlit as st

from kb.errors import KBError
from kb.settings import Settings
from kb.users import (
    Role,
    SignInThrottle,
    User,
    has_users,
    is_valid,
    lookup,
    new_session,
    verify,
)
from ui import sso
from ui.audit_view import note
from ui.ingest_view import show_error
from ui.resources import LOCAL_USER, base_settings
from ui.text import md_escape

_SESSION = "kb_session"


@st.cache_resource
def sign_in_throttle() -> SignInThrottle:
    """One throttle per process, shared by every browser session."""
    return SignInThrottle()


def is_local(address: str | None) -> bool:
    """Whether the server listens on loopback only (or on a Unix socket). An unset address is
    every interface."""
    if not address:
        return False
    if address.startswith("unix://") or address.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve anywhere


def current_user() -> User:
    """The user of this session. Stops the page (after drawing why) when the app must not
    serve: exposed with no users, or nobody signed in yet."""
    settings = base_settings()
    if settings.oidc_roles:  # single sign-on: the identity provider says who, groups the role
        user = sso.current_user(settings.oidc_roles)
        if user is None:
            st.stop()
        return user
    try:
        users = has_users(settings)
    except KBError as exc:
        show_error(exc)
        st.stop()
    if not users:
        address = st.get_option("server.address")
        if not is_local(address):
            refuse_exposed(address)
            st.stop()
        return LOCAL_USER
    user = _signed_in(settings)
    if user is None:
        sign_in_form(settings)
        st.stop()
    return user


def refuse_exposed(address: str | None) -> None:
    where = f"on {address}" if address else "on every network interface"
    st.error(
        f"This app is served {where} and no users are configured, so it refuses to serve: "
        "anyone who can reach it could read and change the knowledge base.\n\n"
        "**How to fix it:** add a user with `python -m kb users add NAME --role admin` "
        "(then reload this page), or serve it on this computer only with "
        "`--server.address 127.0.0.1` (what `make run` does)."
    )


def _signed_in(settings: Settings) -> User | None:
    session = st.session_state.get(_SESSION)
    if session is None:
        return None
    if not is_valid(session, datetime.now(UTC)):
        del st.session_state[_SESSION]
        st.session_state["signin_notice"] = "Your sign-in expired. Please sign in again."
        return None
    user = lookup(settings, session.user)
    if user is None:  # removed since they signed in
        del st.session_state[_SESSION]
        return None
    return user


def sign_in_form(settings: Settings) -> None:
    """The only thing an anonymous visitor sees when users exist."""
    st.title("AI-market knowledge base")
    notice = st.session_state.pop("signin_notice", None)
    if notice:
        st.info(notice)
    with st.form("signin", clear_on_submit=True):
        name = st.text_input("User name", key="signin_name")
        password = st.text_input("Password", type="password", key="signin_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        _attempt(settings, name.strip(), password)


def _client() -> str:
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no client address outside a served page
        address = None
    return f"client:{address or 'unknown'}"


def _attempt(settings: Settings, name: str, password: str) -> None:
    throttle = sign_in_throttle()
    keys = (f"user:{name.lower()}", _client())
    wait = max(throttle.wait_seconds(k) for k in keys)
    if wait > 0:  # refused without checking the password: guessing stays slow
        note(User(name or "(blank)", Role.READER, ""), "sign_in", "app", "refused: throttled")
        seconds = math.ceil(wait)
        st.error(f"Too many failed sign-ins. Try again in {seconds} second{'s' * (seconds != 1)}.")
        return
    user = verify(settings, name, password) if name and password else None
    for key in keys:
        throttle.record(key, user is not None)
    if user is None:
        note(User(name or "(blank)", Role.READER, ""), "sign_in", "app", "failed")
        st.error("Wrong user name or password.")
        return
    st.session_state[_SESSION] = new_session(user, datetime.now(UTC), settings.session_hours)
    note(user, "sign_in", "app", "ok")
    st.rerun()


def signed_in_bar(user: User) -> None:
    """Who is signed in, and the sign-out button (nothing in the personal, no-users mode)."""
    if user is LOCAL_USER:
        return
    box = st.sidebar.container()
    box.caption(md_escape(f"Signed in as {user.name} · {user.role.value}"))
    if box.button("Sign out", key="sign_out"):
        note(user, "sign_out", "app")
        st.session_state.clear()  # the conversation goes with the session
        if base_settings().oidc_roles:
            st.logout()  # drops the identity cookie (and reruns)
        st.rerun()
