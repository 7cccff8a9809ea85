"""The audit log in the app: what each signed-in user changed, and the log for admins.

Only kept when users are configured (who did it is then known); the personal, no-users app
writes no log. Entries are short notes: an action, its target (a document's source, a feed's
URL), a detail; never a password or a key."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from kb import audit
from kb.errors import KBError
from kb.users import User
from ui.resources import LOCAL_USER, base_settings

Note = Callable[[str, str, str], None]  # (action, target, detail)


def note(user: User, action: str, target: str, detail: str = "") -> None:
    """Append one entry for `user`; a log that cannot be written is shown, not fatal (the
    change it describes has happened)."""
    if user is LOCAL_USER:  # the personal app: no users, no log
        return
    try:
        audit.record(base_settings(), user.name, action, target, detail)
    except (KBError, OSError) as exc:
        st.warning(f"The audit log could not be written: {exc}")


def notes_for(user: User) -> Note:
    """A note-taker bound to `user`, for the views that change documents and feeds."""
    return lambda action, target, detail="": note(user, action, target, detail)


def audit_log(user: User, limit: int = 100) -> None:
    """The newest entries, for those allowed to read them (admins), as a table of text."""
    if user is LOCAL_USER or not user.can("view_audit"):
        return
    with st.sidebar.expander("Audit log", expanded=False):
        entries = audit.read(base_settings(), limit=limit)
        if not entries:
            st.caption("Nothing recorded yet.")
            return
        st.dataframe([e.to_json() for e in entries], hide_index=True)
