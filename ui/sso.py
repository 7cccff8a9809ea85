"""Single sign-on: Streamlit's built-in OIDC sign-in (`st.login`) instead of the users file.

The operator configures the identity provider under `[auth]` in `.streamlit/secrets.toml`
(Streamlit >= 1.42, with Authlib installed) and maps the groups of the ID token's `groups`
claim to roles with `KB_OIDC_ROLES`, e.g. `kb-admins=admin,kb-editors=editor,*=reader`. A
user gets the highest role any of their groups maps to; `*` maps everyone the provider signs
in; someone in no mapped group is refused. The identity lives in Streamlit's signed cookie,
and the role is worked out again from it at every rerun.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import streamlit as st
from streamlit.errors import StreamlitAuthError

from kb.errors import ConfigError, KBError
from kb.users import Role, User, parse_role
from ui.audit_view import note
from ui.ingest_view import show_error
from ui.text import md_escape

GROUPS_CLAIM = "groups"
EVERYONE = "*"


def parse_roles(text: str) -> dict[str, Role]:
    """`KB_OIDC_ROLES` ("group=role,group=role,*=role") as group -> role."""
    mapping: dict[str, Role] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        group, sep, role = part.rpartition("=")
        if not sep or not group.strip():
            raise ConfigError(
                f"KB_OIDC_ROLES has an entry without a group: {part.strip()!r}.",
                "Write it as group=role pairs separated by commas, e.g. "
                "'kb-admins=admin,kb-editors=editor,*=reader'.",
            )
        mapping[group.strip()] = parse_role(role)
    if not mapping:
        raise ConfigError(
            "KB_OIDC_ROLES maps no group to a role.",
            "Set it to group=role pairs, e.g. 'kb-admins=admin,*=reader', or unset it to use "
            "the users file.",
        )
    return mapping


def role_for(groups: Iterable[str], mapping: Mapping[str, Role]) -> Role | None:
    """The highest role any of `groups` (or `*`) maps to; None when none is mapped."""
    roles = [mapping[g] for g in (*groups, EVERYONE) if g in mapping]
    return max(roles, key=lambda r: r.rank) if roles else None


def token_groups(claims: Mapping[str, object]) -> list[str]:
    """The `groups` claim as a list of names (a provider may send one name as a string)."""
    value = claims.get(GROUPS_CLAIM) or []
    if isinstance(value, str):
        return [value]
    return [str(g) for g in value] if isinstance(value, (list, tuple)) else []


def current_user(oidc_roles: str) -> User | None:
    """The signed-in user with the role their groups give, or None after drawing the sign-in
    button (not signed in) or the refusal (no mapped group)."""
    try:
        mapping = parse_roles(oidc_roles)
    except KBError as exc:
        show_error(exc)
        return None
    if not st.user.is_logged_in:
        st.title("AI-market knowledge base")
        if st.button("Sign in with single sign-on", key="sso_sign_in", type="primary"):
            try:
                st.login()
            except StreamlitAuthError as exc:
                show_error(
                    ConfigError(
                        f"Single sign-on is not set up: {exc}",
                        "Configure the provider under [auth] in .streamlit/secrets.toml and "
                        "install Authlib (pip install 'streamlit[auth]'), or unset "
                        "KB_OIDC_ROLES to use the users file.",
                    )
                )
        return None
    claims = st.user.to_dict()
    name = str(claims.get("email") or claims.get("preferred_username") or claims.get("sub"))
    role = role_for(token_groups(claims), mapping)
    if role is None:
        st.title("AI-market knowledge base")
        st.error(
            md_escape(f"{name} is signed in, but in no group that may use this app.")
            + " Ask the operator to add you to one of the groups in KB_OIDC_ROLES."
        )
        if st.button("Sign out", key="sso_sign_out"):
            st.logout()
        return None
    user = User(name=name, role=role, created="")
    if st.session_state.get("sso_noted") != (name, role):  # once per session and role
        st.session_state["sso_noted"] = (name, role)
        note(user, "sign_in", "sso", f"ok: role {role.value}")
    return user
