"""What every loader returns, and byte-level checks shared by the text formats."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from kb.errors import LoadError


@dataclass(frozen=True)
class Loaded:
    """A parsed article before it gets its ids: text with structure kept, plus metadata."""

    title: str
    text: str
    format: str
    published: str | None = None
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    page_starts: tuple[int, ...] = ()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def utf16_encoding(data: bytes) -> str | None:
    """ "utf-16" (with a byte-order mark), "utf-16-le" or "utf-16-be" (without one, told by where
    the NUL bytes of ASCII characters fall), or None for bytes that are not UTF-16 text."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= pairs * 0.3 and even <= pairs * 0.02:
        return "utf-16-le"  # "T\0i\0t\0..."
    if even >= pairs * 0.3 and odd <= pairs * 0.02:
        return "utf-16-be"
    return None


def decode_utf16(data: bytes, encoding: str, source: str) -> str:
    """UTF-16 bytes as str, without the byte-order mark."""
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise LoadError(source, f"broken UTF-16 text ({exc.reason})") from exc


def decode_text(data: bytes, source: str) -> str:
    """Bytes of a text file as str; a clear LoadError for empty, binary or non-UTF-8 input."""
    if not data.strip(b" \t\r\n\x00\xff\xfe"):
        raise LoadError(
            source,
            "empty file: there is no text to index",
            "Remove the file or add the article's text.",
        )
    if encoding := utf16_encoding(data):
        text = decode_utf16(data, encoding, source)
    else:
        if b"\x00" in data[:8192]:
            raise LoadError(
                source,
                "binary data, not text (it contains NUL bytes)",
                "Check that this is really a text article; only .txt, .md, "
                ".html and .pdf files are read.",
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            guess = ""
            try:
                data.decode("cp1252")
                guess = " (it looks like Windows-1252/Latin-1)"
            except UnicodeDecodeError:
                pass
            raise LoadError(
                source,
                f"not UTF-8 text{guess}: invalid byte at position {exc.start}",
                "Re-save the file as UTF-8, e.g. `iconv -f cp1252 -t utf-8 in.txt > out.txt`.",
            ) from exc
    sample = text[:8192]
    if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise LoadError(
            source,
            "binary data, not text (too many control characters)",
            "Check that this is really a text article.",
        )
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LoadError(
            source,
            "empty file: there is no text to index",
            "Remove the file or add the article's text.",
        )
    return text


def require_text(text: str, source: str, what: str = "file") -> str:
    if len(text.strip()) < 20:
        raise LoadError(
            source,
            f"no article text found in this {what}",
            "Check that the file holds an article, not only markup or metadata.",
        )
    return text
