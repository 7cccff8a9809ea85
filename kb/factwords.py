"""Market facts in words: one short line per fact, and its figures as people write them.

Used by `kb facts`, the app's Market view and the answers built from facts, so a fact reads
the same everywhere."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kb.dates import MONTH_RE, display_date, stated_date

_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£"}


def money(value: float | None, currency: str | None = "USD", written: str | None = None) -> str:
    """ "$1.4 billion", "€15 million", "$0.40"; the text as written when there is one."""
    if written:
        return written.strip()
    if value is None:
        return ""
    symbol = _SYMBOL.get((currency or "USD").upper(), "")
    suffix = "" if symbol else f" {currency}"
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            return f"{symbol}{value / size:,.4g} {word}{suffix}"
    if abs(value) < 100 and value != int(value):
        cents = f"{value:,.2f}"
        shown = cents if float(cents.replace(",", "")) == value else f"{value:,.4g}"
        return f"{symbol}{shown}{suffix}"
    return f"{symbol}{value:,.0f}{suffix}"


def unit_words(unit: str | None) -> str:
    """ "per million input tokens", "per second": in words, as articles write them."""
    if not unit:
        return ""
    return "per " + re.sub(r"^1M\b", "million", unit)


def price(fields: Mapping[str, Any]) -> str:
    value = money(fields.get("value"), fields.get("currency"), fields.get("price_text"))
    if re.search(r"\b(?:per|a|an)\s+\w+|/", value):  # "$3 per million tokens" as written
        return value
    unit = unit_words(fields.get("unit"))
    return f"{value} {unit}".strip()


def _names(values: Any) -> str:
    if isinstance(values, str):
        return values
    names = [str(v) for v in values or () if v]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def text_of(fields: Mapping[str, Any]) -> str:
    return str(fields.get("_text") or "")


def stated_in(number: str, text: str) -> bool:
    return bool(text) and re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", text) is not None


def describe(
    kind: str, fields: Mapping[str, Any], entities: tuple[str, ...] = (), text: str = ""
) -> str:
    """One line saying what the fact states (figures as its source writes them), without
    its date or source. `text` is the source's sentence or row."""
    f = {**fields, "_text": text}
    first = entities[0] if entities else ""
    if kind == "funding":
        amount = money(f.get("amount"), f.get("currency"), f.get("amount_text"))
        text = f"{f.get('company') or first} raised {amount or 'an undisclosed amount'}"
        if f.get("round"):
            text += f" ({f['round']})"
        valuation = money(f.get("valuation"), f.get("currency"), f.get("valuation_text"))
        if valuation:
            text += f" at a {valuation} valuation"
        if f.get("investors"):
            text += f", led by {_names(f['investors'])}"
        return text
    if kind == "price":
        text = f"{f.get('product') or first}: {price(f)}"
        old = f.get("old_value")
        change = f.get("change_pct")
        # a percentage is shown only as the source states it, never worked out here
        stated = change is not None and stated_in(f"{abs(change):g}", text_of(f))
        if old is not None:
            text += f" (was {money(old, f.get('currency'))}"
            text += f", {change:+g}%)" if stated else ")"
        elif stated:
            text += f" ({change:+g}%)"
        return text
    if kind == "launch":
        product = str(f.get("product") or first)
        version = str(f.get("version") or "")
        if version and not product.endswith(version):  # "Lumen-4" already says "4"
            product = f"{product} {version}"
        who = f"{f['vendor']} " if f.get("vendor") else ""
        text = f"{who}{f.get('action') or 'launched'} {product}"
        if f.get("region"):
            text += f" in {f['region']}"
        if f.get("platform"):
            text += f" on {f['platform']}"
        return text
    if kind == "status":
        text = f"{f.get('product') or first}: {f.get('status') or 'status changed'}"
        region = str(f.get("region") or "")
        if region.lower() in ("international", "global", "worldwide"):
            text += " " + {"international": "internationally", "global": "globally"}.get(
                region.lower(), region.lower()
            )
        elif region:
            text += f" in {region}"
        if f.get("reason"):
            text += f" ({f['reason']})"
        return text
    if kind == "acquisition":
        amount = money(f.get("amount"), f.get("currency"), f.get("amount_text"))
        text = f"{f.get('acquirer') or first} acquired {f.get('target') or '?'}"
        return text + (f" for {amount}" if amount else "")
    if kind == "investment":
        amount = money(f.get("amount"), f.get("currency"), f.get("amount_text"))
        target = f.get("target") or f.get("purpose") or ""
        text = f"{f.get('investor') or first} invests {amount or 'an undisclosed amount'}"
        return text + (f" in {target}" if target else "")
    if kind == "partnership":
        text = f"partnership of {_names(f.get('parties') or entities)}"
        return text + (f" ({f['purpose']})" if f.get("purpose") else "")
    if kind == "legal":
        who = f.get("plaintiff") or ""
        action = f.get("action") or "legal action"
        against = f.get("defendant") or ""
        text = " ".join(p for p in (who, action, "against" if against else "", against) if p)
        amount = money(f.get("amount"), f.get("currency"), f.get("amount_text"))
        if amount:
            text += f", {amount}"
        if f.get("topic"):
            text += f" ({f['topic']})"
        if f.get("outcome"):
            text += f"; {f['outcome']}"
        return text
    if kind == "ranking":
        rank = f"No. {f['rank']}" if f.get("rank") else "ranked"
        return f"{f.get('model') or first} {rank} on {f.get('leaderboard') or '?'}"
    if kind == "row":
        cells = f.get("cells") or {}
        return "; ".join(f"{k}: {v}" for k, v in cells.items() if v) or str(f.get("name") or "")
    return ", ".join(entities)


_WRITTEN_DATE = re.compile(
    rf"\b{MONTH_RE}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_RE}\.?\s+\d{{4}}\b|"
    rf"\b{MONTH_RE}\.?\s+\d{{4}}\b|"
    rf"\b{MONTH_RE}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!,?\s*\d)",  # "December 15th"
    re.IGNORECASE,
)


def date_as_written(date: str | None, text: str, published: str | None = None) -> str:
    """The fact's date as its source writes it ("June 9, 2026", "Oct 2024"), else as the
    article's date line gives it; "undated" for none."""
    if not date:
        return "undated"
    for m in _WRITTEN_DATE.finditer(text):
        if stated_date(m.group(0), published) == date or _month_of(m.group(0)) == date:
            return m.group(0)
    return when(date)


def _month_of(written: str) -> str | None:
    found = stated_date(written + " 1", None) if re.fullmatch(r"\w+\.?\s+\d{4}", written) else None
    return found[:7] if found else None


def when(date: str | None) -> str:
    """ "2026-03-30", "March 2026" ... as a short label; "undated" for none."""
    if not date:
        return "undated"
    return display_date(date).removeprefix("on ").removeprefix("in ")
