"""Markdown articles with optional YAML front matter (title, date, source, author, url)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from ingest.loaders.base import Loaded, decode_text, require_text
from ingest.metadata import as_text, clean_title, parse_date, title_from_filename
from kb.errors import LoadError

# libyaml's parser when PyYAML was built with it: the same documents and values as the pure
# Python SafeLoader, about ten times faster (front matter was a tenth of reading corpus/)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


# A backslash-escaped ASCII punctuation mark is that mark, literally (CommonMark): "tok\_live",
# "\$5", "\<img>" (trafilatura's Markdown escapes them in HTML pages). Escapes are parked in
# the Private Use Area while the markup is read, so no rule below takes an escaped "*" or "<"
# for markup, then put back without their backslash.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_PARKED = re.compile("[\ue000-\ue07f]")
_CELL_BORDER = re.compile(r"(?<!\\)\|")  # an escaped "\|" is a pipe inside a cell


# A footnote's marker in the text ("[^3]"), and the label opening the footnote ("[^3]: ...")
_FOOTNOTE_MARK = re.compile(r"\[\^[^\]\s]+\](?!:)")
_FOOTNOTE_LABEL = re.compile(r"^\[\^[^\]\s]+\]:\s*")


def _inline(text: str) -> str:
    """Markdown inline markup to plain text: links keep their words, images (and links that
    held only an image) go, escaped characters stay as written."""
    text = _ESCAPED.sub(lambda m: chr(0xE000 + ord(m.group(1))), text)
    text = _markup_to_text(text)
    return _PARKED.sub(lambda m: chr(ord(m.group(0)) - 0xE000), text)


def _markup_to_text(text: str) -> str:
    text = _FOOTNOTE_MARK.sub("", text)  # "leaderboard,[^3] the November 3 update"
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", "", text)
    # a link whose only words were its image (a README's badge "[![License](...)](LICENSE)")
    text = re.sub(r"\[\s*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", text)
    text = re.sub(r"<[^>\n]+>", "", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])", r"\1", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return text


def markdown_to_text(body: str) -> tuple[str, str | None]:
    """Plain text with blocks separated by blank lines; headings, list items and table rows each
    on their own line. Returns (text, first level-1 heading)."""
    blocks: list[str] = []
    paragraph: list[str] = []
    first_h1: str | None = None
    in_code = False

    def flush() -> None:
        if paragraph:
            blocks.append(" ".join(paragraph))
            paragraph.clear()

    for raw in body.split("\n"):
        line = raw.rstrip()
        if line.strip().startswith(("```", "~~~")):
            flush()
            in_code = not in_code
            continue
        if in_code:
            if line.strip():
                blocks.append(line.strip())
            continue
        if not line.strip():
            flush()
            continue
        if m := _HEADING.match(line):
            flush()
            heading = _inline(m.group(2)).strip()
            if len(m.group(1)) == 1 and first_h1 is None:
                first_h1 = heading
            if heading:
                blocks.append(heading)
            continue
        stripped = _FOOTNOTE_LABEL.sub("", line.strip())  # a footnote reads as its text
        if stripped.startswith(">"):
            stripped = stripped.lstrip("> ").strip()
        if _TABLE_RULE.match(stripped) and "-" in stripped:
            continue
        if stripped.startswith("|") or stripped.count("|") >= 2:
            flush()
            row = re.sub(r"(?<!\\)\|\s*$", "", re.sub(r"^\s*\|", "", stripped))
            cells = [_inline(c).strip() for c in _CELL_BORDER.split(row)]
            blocks.append(" | ".join(c for c in cells))
            continue
        if _LIST_ITEM.match(stripped):
            flush()
            blocks.append(_inline(_LIST_ITEM.sub("", stripped)).strip())
            continue
        if re.fullmatch(r"[-*_]{3,}", stripped):
            flush()
            continue
        paragraph.append(_inline(stripped))
    flush()
    # A run of single-line blocks (list items, table rows) stays together as lines.
    text = "\n\n".join(b for b in blocks if b.strip())
    return text, first_h1


def _front_matter(text: str, source: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.load(match.group(1), Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        raise LoadError(
            source,
            f"the YAML front matter cannot be parsed: {exc}",
            "Fix the block between the two `---` lines at the top.",
        ) from exc
    if not isinstance(meta, dict):
        raise LoadError(
            source,
            "the YAML front matter is not a mapping of keys to values",
            "Use `key: value` lines between the two `---` lines.",
        )
    return meta, text[match.end() :]


def load_markdown(data: bytes, source: str) -> Loaded:
    raw = decode_text(data, source)
    meta, body = _front_matter(raw, source)
    meta = {str(k).lower(): v for k, v in meta.items()}
    text, h1 = markdown_to_text(body)
    title = clean_title(as_text(meta.get("title")) or h1) or title_from_filename(source)
    if h1 and text.startswith(h1) and clean_title(h1) == title:
        text = text[len(h1) :].lstrip()  # the title is metadata, not body text
    return Loaded(
        title=title,
        text=require_text(text, source),
        format="md",
        published=parse_date(meta.get("date") or meta.get("published") or meta.get("pubdate")),
        publisher=as_text(meta.get("source") or meta.get("publisher") or meta.get("site")),
        author=as_text(meta.get("author") or meta.get("authors")),
        url=as_text(meta.get("url") or meta.get("link")),
    )
