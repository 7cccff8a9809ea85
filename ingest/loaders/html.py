"""HTML news pages: only the article itself, via trafilatura (the best open-source main-content
extractor; it drops navigation, cookie banners, footers, related links and subscription
prompts). trafilatura is touched only in this module."""

from __future__ import annotations

import html
import json
import logging
import re

from ingest.loaders.base import Loaded, decode_utf16, require_text, utf16_encoding
from ingest.loaders.markdown import markdown_to_text
from ingest.metadata import as_text, clean_title, parse_date, title_from_filename
from kb.errors import LoadError

logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-]+)", re.IGNORECASE)
_META = re.compile(r"<meta\s+[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"([a-zA-Z:_-]+)\s*=\s*(\"[^\"]*\"|'[^']*')")
_JSON_LD = re.compile(
    r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL
)
_TIME = re.compile(r"<time[^>]+datetime=[\"']([^\"']+)[\"']", re.IGNORECASE)
_LAST_EDITED = re.compile(
    r"\blast (?:edited|updated|modified)(?: on)?\s+(\d{1,2} [A-Z][a-z]+ \d{4}|"
    r"[A-Z][a-z]+ \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
_PUBLISHED_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "sailthru.date",
    "parsely-pub-date",
)


def decode_html(data: bytes, source: str) -> str:
    if not data.strip(b" \t\r\n\x00\xff\xfe"):
        raise LoadError(source, "empty file: there is no page to read")
    if encoding := utf16_encoding(data):
        # before the charset sniffing below, which cannot read UTF-16's interleaved NULs
        return decode_utf16(data, encoding, source)
    if b"\x00" in data[:4096]:
        raise LoadError(source, "binary data, not an HTML page (it contains NUL bytes)")
    declared = _CHARSET.search(data[:4096])
    for encoding in ("utf-8-sig", declared.group(1).decode("ascii", "ignore") if declared else ""):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace")


def _meta_tags(page: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for tag in _META.findall(page[:200_000]):
        attrs = {k.lower(): html.unescape(v[1:-1]) for k, v in _ATTR.findall(tag)}
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key and "content" in attrs and key not in tags:
            tags[key] = attrs["content"]
    return tags


def _json_ld(page: str) -> list[dict]:
    found: list[dict] = []
    for block in _JSON_LD.findall(page[:500_000]):
        try:
            data = json.loads(block.strip())
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return found


def _ld_author(value: object) -> str | None:
    if isinstance(value, dict):
        return as_text(value.get("name"))
    if isinstance(value, list):
        return as_text([_ld_author(v) for v in value])
    return as_text(value)


_TIME_ELEMENT = re.compile(r"<time\b[^>]*>(.*?)</time\s*>", re.IGNORECASE | re.DOTALL)
_ARTICLE = re.compile(r"<article\b.*?</article\s*>", re.IGNORECASE | re.DOTALL)
_ASIDE_TAG = re.compile(r"<(/?)aside\b", re.IGNORECASE)


_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]\s*>", re.IGNORECASE | re.DOTALL)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# A wiki's reference marker: "Mile End.<sup>[3]</sup>", "<sup class="reference"><a>[12]</a></sup>"
_REFERENCE_MARK = re.compile(
    r"<sup\b[^>]*>\s*(?:<a\b[^>]*>\s*)?\[(?:\d{1,3}|[a-z]|citation needed|note \d+)\]"
    r"\s*(?:</a\s*>\s*)?</sup\s*>",
    re.IGNORECASE,
)


def _with_article_parts(page: str) -> str:
    """The page with the parts of the article that main-content extraction drops kept: the
    text of `<time>` elements ("v4.3 — November 10, 2026") and boxes set aside *inside* the
    `<article>` (a service-status box). An aside outside it (related links, a newsletter
    box) stays boilerplate. Lines of one table cell stay apart ("Odile Brassard<br>Rafael
    Oyelaran" is two founders, not one name), and a wiki's reference markers ("[3]") go:
    they would read as the answer's own citation numbers."""
    page = _TIME_ELEMENT.sub(lambda m: m.group(1), page)
    page = _CELL.sub(lambda m: _LINE_BREAK.sub("; ", m.group(0)), page)
    page = _REFERENCE_MARK.sub("", page)
    return _ARTICLE.sub(lambda m: _ASIDE_TAG.sub(r"<\1section", m.group(0)), page)


# a class or id that marks a page's comments ("comment", "comments-list", id="comment-12")
_COMMENT_MARK = re.compile(r"((?:class|id)\s*=\s*[\"'][^\"']*?)comment", re.IGNORECASE)


def _main_text(page: str, url: str | None, *, comments: bool = False, fallback: bool = True) -> str:
    import trafilatura

    return (
        trafilatura.extract(
            page,
            url=url,
            output_format="markdown",
            include_tables=True,
            include_comments=comments,
            include_links=False,
            include_images=False,
            favor_precision=True,
            fast=not fallback,
            deduplicate=False,
        )
        or ""
    )


def _with_main_parts(body: str, page: str, url: str | None) -> str:
    """The text with what trafilatura's main extractor found put back, when its fallback
    extractor gave the text: the fallback, taken when the main one finds too little (a
    changelog whose entries are sections: the main one reads only the first), reads the whole
    page but can drop that first part's heading and date."""
    main = _main_text(page, url, fallback=False)
    return body if not main or main == body else _merged_lines(main, body)


def _with_discussion(body: str, page: str, url: str | None) -> str:
    """A page that is mostly its discussion (a launch page's maker comments, a forum's
    replies) read with its discussion as content: main-content extraction drops comments
    as boilerplate, which leaves such a page its header. When the comments hold more than
    the article does, the page is read again with them as article text (lists and all,
    which trafilatura's own comment reading flattens), and the header's lines that reading
    drops are kept where they stood."""
    if not _COMMENT_MARK.search(page):
        return body
    with_comments = _main_text(page, url, comments=True)
    if len(with_comments.split()) < 2 * len(body.split()):
        return body  # an article with a comment section: the article is the content
    discussion = _main_text(_COMMENT_MARK.sub(r"\1entry", page), url)
    return _merged_lines(body, discussion)


def _merged_lines(first: str, second: str) -> str:
    """`second`, with the lines only `first` has inserted, each as a paragraph of its own,
    after the line that comes before them in `first` (lines compared without their Markdown
    marks: one extractor writes "`orvel-latest`", the other "orvel-latest")."""
    out = second.split("\n")
    keys = [_line_key(line) for line in out]
    at = 0
    for line in first.split("\n"):
        key = _line_key(line)
        if not key:
            continue
        if key in keys:
            later = [i for i in range(at, len(keys)) if keys[i] == key]
            at = (later[0] if later else keys.index(key)) + 1
        else:
            out[at:at] = ["", line, ""]
            keys[at:at] = ["", key, ""]
            at += 3
    return "\n".join(out)


_MARKDOWN_MARKS = re.compile(r"[`*_#>\\]|^\s*(?:[-+]|\d{1,3}\.)\s+")


def _line_key(line: str) -> str:
    return " ".join(_MARKDOWN_MARKS.sub("", line).split()).lower()


_TABLE = re.compile(r"<table\b[^>]*>(.*?)</table\s*>", re.IGNORECASE | re.DOTALL)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SMALLEST_TABLE = 4  # cells: fewer could be any short paragraphs


def _tables_as_rows(text: str, page: str) -> str:
    """The page's tables as rows ("Tier 3 | 2,000 | 5,000"), where the text has them one
    paragraph per cell. trafilatura's fallback extractor, which it takes when its main one
    finds too little (a changelog whose entries are sections), reads a table that way, and
    the table reader cannot tell a row from the next; the cells are found in the text in the
    table's order and put back into their rows."""
    paragraphs = text.split("\n\n")
    keys = [_cell_key(p) for p in paragraphs]
    for table in _TABLE.finditer(page):
        rows = [[_cell_key(c) for c in _CELL.findall(r)] for r in _ROW.findall(table[1])]
        rows = [r for r in rows if any(r)]
        cells = [c for r in rows for c in r if c]
        if len(cells) < _SMALLEST_TABLE:
            continue
        at = _find_run(keys, cells)
        if at is None:
            continue
        shown = paragraphs[at : at + len(cells)]  # the cells as the text writes them
        lines, n = [], 0
        for row in rows:
            line = []
            for cell in row:
                line.append(shown[n].strip() if cell else "")
                n += bool(cell)
            lines.append(" | ".join(line))
        paragraphs[at : at + len(cells)] = ["\n".join(lines)]
        keys[at : at + len(cells)] = [""]
    return "\n\n".join(paragraphs)


def _cell_key(cell: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", cell)).split()).lower()


def _find_run(keys: list[str], cells: list[str]) -> int | None:
    """Where the cells stand in the paragraphs one after another, or None."""
    first = cells[0]
    for i in range(len(keys) - len(cells) + 1):
        if keys[i] == first and keys[i : i + len(cells)] == cells:
            return i
    return None


def load_html(data: bytes, source: str, url: str | None = None) -> Loaded:
    import trafilatura

    page = decode_html(data, source)
    tags = _meta_tags(page)
    ld = [d for d in _json_ld(page) if "headline" in d or "datePublished" in d]
    try:
        meta = trafilatura.extract_metadata(page, default_url=url)
        readable = _with_article_parts(page)
        body = _with_main_parts(_main_text(readable, url), readable, url)
        body = _with_discussion(body, readable, url)
    except Exception as exc:  # trafilatura raises many kinds on malformed markup
        raise LoadError(source, f"the HTML page cannot be parsed: {exc}") from exc
    text, h1 = markdown_to_text(body or "")
    text = _tables_as_rows(text, readable)
    require_text(text, source, "page")

    published = None
    for key in _PUBLISHED_KEYS:
        if published := parse_date(tags.get(key)):
            break
    if not published:
        for item in ld:
            if published := parse_date(item.get("datePublished")):
                break
    if not published and (m := _TIME.search(page)):
        published = parse_date(m.group(1))
    if not published and (m := _LAST_EDITED.search(page)):
        published = parse_date(m.group(1))  # a wiki's "This page was last edited on ..."
    if not published and meta is not None:
        published = parse_date(meta.date)

    title = clean_title(
        tags.get("og:title")
        or next((d.get("headline") for d in ld if d.get("headline")), None)
        or (meta.title if meta is not None else None)
        or h1
    )
    if title and text.startswith(title):
        text = text[len(title) :].lstrip()
    publisher = as_text(tags.get("og:site_name")) or (
        as_text(meta.sitename) if meta is not None else None
    )
    if publisher and title and publisher.strip() in (title.strip(), str(h1 or "").strip()):
        publisher = None  # trafilatura's guess can be the headline itself
    if not publisher:
        for item in ld:
            pub = item.get("publisher")
            if publisher := (_ld_author(pub) if pub else None):
                break
    if not publisher:
        publisher = _site_in_title(page)
    author = (
        as_text(tags.get("author"))
        or next((a for d in ld if (a := _ld_author(d.get("author")))), None)
        or (as_text(meta.author) if meta is not None else None)
    )
    return Loaded(
        title=title or title_from_filename(source),
        text=text,
        format="html",
        published=published,
        publisher=publisher,
        author=author,
        url=url or as_text(tags.get("og:url")),
    )


_TITLE_TAG = re.compile(r"<title[^>]*>([^<]{3,300})</title>", re.I)
# "Cairnbench Leaderboard — week 48 | Oxmoor Evals": the site's name after the last separator
_SITE_SUFFIX = re.compile(r"\s(?:\||–|—|-|·)\s+([^|–—·]{2,40})$")


def _site_in_title(page: str) -> str | None:
    """The site a page's <title> names after its last separator ("... | Oxmoor Evals"), when
    that is a short name (at most four words), else None."""
    found = _TITLE_TAG.search(page)
    if not found:
        return None
    title = html.unescape(found.group(1)).strip()
    site = _SITE_SUFFIX.search(title) or _ON_THE_SITE.search(title)
    if not site or len(site.group(1).split()) > 4 or not site.group(1)[:1].isupper():
        return None
    return site.group(1).strip()


# "Orbwell: AI Voice Journal on the App Store": a store's page names the store last
_ON_THE_SITE = re.compile(r"\son\s+the\s+((?:[A-Z][\w&'-]*\s?){1,3})$")
