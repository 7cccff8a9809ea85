"""The conversation as a Markdown file, with every answer's sources."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kb.render import answer_text, citation_line


def conversation_markdown(messages: Sequence[dict[str, Any]]) -> str:
    """Questions, answers (with their "As of" line) and each cited source and quote."""
    lines = ["# Conversation with the AI-market knowledge base", ""]
    for m in messages:
        if m["role"] == "user":
            lines += [f"**Question:** {m['content']}", ""]
            continue
        answer = m["answer"]
        lines += [answer_text(answer), ""]
        for c in answer.citations:
            lines.append(f'{citation_line(c)}: "{c.sentence}"')
        lines.append("")
    return "\n".join(lines)
