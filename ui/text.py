"""Document text shown as text: never as Markdown, HTML, math or a link."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|$<>~])")


def md_escape(text: str | None) -> str:
    """Document text as literal text in st.markdown: no markup, no math, no HTML."""
    return _MD_SPECIAL.sub(r"\\\1", text or "")


def html_text(text: str | None) -> str:
    """Document text as literal text inside our own HTML."""
    return html.escape(text or "", quote=True)
