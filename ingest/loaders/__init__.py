"""Loaders, one per format, chosen by file suffix."""

from __future__ import annotations

from collections.abc import Callable

from ingest.loaders.base import Loaded, decode_text, utf16_encoding
from ingest.loaders.html import load_html
from ingest.loaders.markdown import load_markdown
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import load_txt
from ingest.loaders.url import clean_source, is_url, load_fetched, load_url, normalize_url
from kb.errors import UnsupportedFormatError

Loader = Callable[[bytes, str], Loaded]

# Raise when a loader reads the same bytes into other text, title or date: the next ingest
# re-reads every document an older reader stored (kb.store.DocRecord.reader), so a reader fix
# reaches the store without `--rebuild`. 2: print layout, HTML cells and footnotes (session 13);
# 3: a page that is mostly its discussion is read with its comments; 4: a table flattened by
# trafilatura's fallback extractor is put back into rows; 5: an export header's "| exported <date>"
# field dates a paste, "<X> on the App Store" names the store as publisher; 6: a pasted page's
# menu line ("new | past | comments") is neither its title nor its text; 7: a page's headline is
# not its publisher; 8: a Markdown link that held only an image (a README badge) goes; 9: a
# text's comma-separated rows (a spreadsheet export) are a table's.
READER_VERSION = 9

LOADERS: dict[str, Loader] = {
    ".txt": load_txt,
    ".text": load_txt,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
}

SUPPORTED_SUFFIXES = tuple(sorted(LOADERS))


def loader_for(name: str) -> Loader:
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        return LOADERS[suffix]
    except KeyError:
        raise UnsupportedFormatError(
            name,
            f"unsupported file type {suffix or '(no extension)'}",
            "Supported: " + ", ".join(SUPPORTED_SUFFIXES) + ".",
        ) from None


def sniff_matches(name: str, data: bytes) -> bool:
    """Whether the content agrees with the extension (uploads are checked by both)."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    head = data.lstrip()[:1024]
    if suffix == "pdf":
        return head.startswith(b"%PDF")
    if utf16_encoding(data):
        return True  # UTF-16 text: its NUL bytes are half of each ASCII character
    return not (head.startswith(b"%PDF") or b"\x00" in data[:4096])


__all__ = [
    "LOADERS",
    "READER_VERSION",
    "SUPPORTED_SUFFIXES",
    "Loaded",
    "Loader",
    "clean_source",
    "decode_text",
    "is_url",
    "load_fetched",
    "load_url",
    "loader_for",
    "normalize_url",
    "sniff_matches",
]
