"""The fields each kind of market fact carries, and what a prose reader hands back
(kb.marketfacts documents the contract: these keys are read by the fact store and answerers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.tablerows import Money

# Bumped whenever extraction changes what it reads from the same text: a fact index stamped
# with another version is rebuilt from the stored chunks (kb.factstore), so an upgrade
# re-reads old documents instead of serving what the old extractor made of them.
EXTRACTOR_VERSION = 28


def fact_fields(kind: str, **values: Any) -> dict[str, Any]:
    keys = {
        "funding": (
            "company",
            "round",
            "amount",
            "amount_text",
            "currency",
            "valuation",
            "valuation_text",
            "investors",
        ),
        "price": (
            "product",
            "vendor",
            "value",
            "currency",
            "unit",
            "old_value",
            "change_pct",
            "price_text",
            "usd_value",
        ),
        "launch": ("vendor", "product", "version", "region", "platform", "action"),
        "status": ("product", "vendor", "status", "region", "reason"),
        "acquisition": ("acquirer", "target", "amount", "amount_text", "currency"),
        "investment": ("investor", "target", "amount", "amount_text", "currency", "purpose"),
        "partnership": ("parties", "purpose"),
        "legal": (
            "action",
            "plaintiff",
            "defendant",
            "amount",
            "amount_text",
            "currency",
            "topic",
            "outcome",
        ),
        "row": ("table", "columns", "cells", "name", "numbers"),
    }[kind]
    empty: dict[str, Any] = {
        "investors": [],
        "parties": [],
        "columns": [],
        "cells": {},
        "numbers": {},
    }
    out = {}
    for k in keys:
        v = values.get(k)
        if v is None:
            v = empty.get(
                k, None if k in ("amount", "valuation", "value", "old_value", "change_pct") else ""
            )
        out[k] = v
    return out


@dataclass
class Found:
    kind: str
    a: int  # trigger span in the sentence
    b: int
    fields: dict[str, Any]
    entities: tuple[str, ...]
    committed: bool = False
    negation_ok: bool = False


def money_fields(m: Money | None) -> dict[str, Any]:
    if m is None:
        return {"amount": None, "amount_text": "", "currency": ""}
    return {"amount": m.value, "amount_text": m.text, "currency": m.currency}
