"""Document text shown as text: never as Markdown, HTML, math or a link."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|$<>~])")
# What GitHub-flavoured Markdown turns into a link by itself, escaped or not (Streamlit's
# renderer links `https://a\.b` with the backslashes in it): a scheme's "://", "www." and
# the "@" of an e-mail address. A word joiner (U+2060, zero width) after the ":" or "www" or
# "@" breaks every one of those patterns and shows nothing.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?i:(?<=\bwww)(?=\.))|(?<=@)")
WORD_JOINER = "\u2060"


def unlinked(text: str) -> str:
    """`text` with a zero-width word joiner where Markdown would start an autolink."""
    return _AUTOLINK.sub(WORD_JOINER, text)


def md_escape(text: str | None) -> str:
    """Document text as literal text in st.markdown: no markup, no math, no HTML, no links."""
    return _MD_SPECIAL.sub(r"\\\1", unlinked(text or ""))


def html_text(text: str | None) -> str:
    """Document text as literal text inside our own HTML."""
    return html.escape(text or "", quote=True)
