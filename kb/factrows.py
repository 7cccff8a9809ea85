"""Market facts from table rows (kb.tablerows reads the tables): every row gives a "row"
fact; a funding-table row a funding fact too, a price-grid row a price fact per price column."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kb.dates import stated_date
from kb.factclauses import date_in
from kb.factfields import fact_fields
from kb.factnames import DocNames, Referents
from kb.tablerows import LIFECYCLE_COLUMNS, TableRow, cell_date, currency_named, find_money
from kb.vocabulary import is_round_name


@dataclass(frozen=True)
class RowFact:
    """A fact a table row states; kb.marketfacts makes it a MarketFact citing the row."""

    kind: str
    date: str | None
    dated_by: str
    entities: tuple[str, ...]
    fields: dict[str, Any]
    row: TableRow


_PRODUCT_COLUMNS = ("model", "product", "plan", "accelerator", "name", "service", "tier")
VENDOR_COLUMNS = ("vendor", "developer", "company", "maker", "provider", "lab")


def _row_fact(row: TableRow, date: str | None, dated_by: str) -> RowFact:
    numbers = row.numbers()
    # a funding table's row named by its round ("Series A") is about no entity of that name
    names = [row.name] if row.name and not is_round_name(row.name) else []
    for col in (row.column(*VENDOR_COLUMNS), row.column("investor", "lead")):
        if col and row.cells.get(col) and cell_is_name(row.cells[col]):
            names.extend(
                p.strip() for p in re.split(r",\s*|\s+and\s+", row.cells[col]) if p.strip()
            )
    fields = fact_fields(
        "row",
        table=row.table.caption,
        columns=list(row.columns),
        cells=dict(row.cells),
        name=row.name,
        numbers=numbers,
    )
    return RowFact("row", date, dated_by, tuple(dict.fromkeys(names)), fields, row)


def cell_is_name(cell: str) -> bool:
    return (
        bool(cell)
        and cell[0].isupper()
        and not find_money(cell)
        and not re.match(r"Series\b|n/a|N/A", cell)
    )


def _table_unit(header: str, context: str) -> str:
    """The unit a price column is in, from its header, else the table's caption and notes."""
    for text in (header, context):
        low = text.lower()
        io = (
            "input "
            if re.search(r"\binput\b", header, re.I)
            else "output "
            if re.search(r"\boutput\b", header, re.I)
            else ""
        )
        if re.search(r"(?:per |/ ?)?(?:1m|1 million|million|m) tokens|per million|per 1m", low):
            return f"1M {io}tokens"
        if re.search(r"(?:per |/ ?)(?:1k|1,000|thousand) tokens", low):
            return f"1K {io}tokens"
        for unit in ("second", "minute", "image", "month", "year", "request", "hour"):
            if re.search(rf"\bper {unit}\b|/ ?{unit}\b|\ba {unit}\b", low):
                return unit
    return ""


def _product_column(row: TableRow) -> str:
    """The column naming the row's product: one headed so ("Model", "Plan name"), else the
    row's name column ("Tool" after a "#" column; not "Free tier", a property of the tool)."""
    for col in row.columns:
        words = col.lower().split()
        if words and words[0].rstrip("s:") in _PRODUCT_COLUMNS:
            return col
    return row.name_column


def _row_product(row: TableRow) -> str:
    """The product a row is about: its product column's cell (else its first), without a
    bracketed qualifier ("Corvid Reason 1 (until March 16, 2026)")."""
    name_col = _product_column(row)
    return re.sub(r"\s*\(.*?\)\s*$", "", row.cells.get(name_col, "")).strip()


def _row_prices(
    row: TableRow, date: str | None, dated_by: str, doc: DocNames, ctx: Referents
) -> list[RowFact]:
    name_col = _product_column(row)
    product = _row_product(row)
    if not product:
        return []
    vendor_col = row.column(*VENDOR_COLUMNS)
    vendor = row.cells.get(vendor_col, "") if vendor_col else ""
    vendor = vendor or doc.vendor_of(product) or ctx.company
    change_col = row.column("change", "cut", "difference")
    facts = []
    for col in row.columns:
        low = col.lower()
        if col in (name_col, vendor_col, change_col) or re.search(
            r"\b(?:old|previous|prior|was|before)\b", low
        ):
            continue
        if not re.search(r"\b(?:price|input|output|cost|fee|rate|per)\b|\bnew\b", low):
            continue
        money = find_money(row.cells[col])
        value = money[0].value if money else None
        if value is None:
            continue
        unit = _table_unit(col, row.table.context)
        if not unit:
            continue
        if _BOTH_SIDES.search(col) and len(money) == 2 and unit.startswith("1"):
            # "Input / Output (per 1M)": "$3.00 / $15.00" is two prices
            scale = unit.split()[0]
            for side, m in zip(("input", "output"), money, strict=True):
                fields = fact_fields(
                    "price",
                    product=product,
                    vendor=vendor,
                    value=m.value,
                    currency=m.currency or currency_named(col),
                    unit=f"{scale} {side} tokens",
                    old_value=None,
                    change_pct=None,
                    price_text=row.cells[col],
                )
                entities = tuple(x for x in (product, vendor) if x)
                facts.append(RowFact("price", date, dated_by, entities, fields, row))
            continue
        qualifier = "input" if "input" in low else "output" if "output" in low else ""
        old_col = next(
            (
                c
                for c in row.columns
                if re.search(r"\b(?:old|previous|prior|was|before)\b", c.lower())
                and (not qualifier or qualifier in c.lower())
            ),
            None,
        )
        old_money = find_money(row.cells[old_col]) if old_col else []
        old = old_money[0].value if old_money else None
        pct = None
        if change_col:
            change = row.cells[change_col]
            pcts = list(re.finditer(r"([+\-−]?\d+(?:\.\d+)?)\s?%\s*(\w+)?", change))
            chosen = [p for p in pcts if qualifier and p.group(2) == qualifier] or pcts[:1]
            if chosen:
                pct = float(chosen[0].group(1).replace("−", "-"))
        if pct is None and old:
            pct = round((value - old) / old * 100, 1)
        currency = money[0].currency or currency_named(col) or currency_named(row.table.context)
        fields = fact_fields(
            "price",
            product=product,
            vendor=vendor,
            value=value,
            currency=currency,
            unit=unit,
            old_value=old,
            change_pct=pct,
            price_text=row.cells[col],
        )
        facts.append(
            RowFact("price", date, dated_by, tuple(x for x in (product, vendor) if x), fields, row)
        )
    return facts


_BOTH_SIDES = re.compile(r"\binput\b\s*(?:/|and|&)\s*output\b", re.I)
_DEPRECATED = "deprecat"
# the dates a product stops at, before the date it was deprecated on
_ENDS_COLUMNS = tuple(c for c in LIFECYCLE_COLUMNS if c != _DEPRECATED)


# a status column's word for where a product stands ("discontinued", "on hold", "current")
_STATUS_CELLS = (
    ("discontinued", re.compile(r"discontinued|retired|withdrawn|eol|end of life|sunset", re.I)),
    ("paused", re.compile(r"paused|on hold|suspended", re.I)),
    ("available", re.compile(r"current|available|active|live|ga", re.I)),
)


def _row_status(row: TableRow, doc: DocNames) -> list[RowFact]:
    """A product table's row with the date it shuts down ("Sorrel 2 | ... | Shutdown date:
    December 15, 2026"), else the date it was deprecated: the product is discontinued then.
    Else a status column's word ("discontinued", "on hold"): the product stands so as of the
    document's date (a price tracker's export)."""
    col = row.column(*_ENDS_COLUMNS) or row.column(_DEPRECATED)
    if not col:
        return _status_cell(row, doc)
    date = cell_date(row.cells.get(col, ""))
    product = _row_product(row)
    if not date or not product or not cell_is_name(product):
        return []
    return [_status_fact(row, doc, product, "discontinued", date, "text")]


def _status_cell(row: TableRow, doc: DocNames) -> list[RowFact]:
    col = row.column("status", "state", "availability")
    cell = row.cells.get(col, "").strip() if col else ""
    status = next((name for name, word in _STATUS_CELLS if word.fullmatch(cell)), None)
    product = _row_product(row)
    published = row.chunk.published
    if not status or not product or not cell_is_name(product) or not published:
        return []
    return [_status_fact(row, doc, product, status, published, "article")]


def _status_fact(
    row: TableRow, doc: DocNames, product: str, status: str, date: str, dated_by: str
) -> RowFact:
    """A row's product status fact, with the vendor the document names for it."""
    vendor = doc.vendor_of(product) or ""
    fields = fact_fields(
        "status", product=product, vendor=vendor, status=status, region="", reason=""
    )
    entities = tuple(x for x in (product, vendor) if x)
    return RowFact("status", date, dated_by, entities, fields, row)


def _row_funding(row: TableRow, date: str | None, dated_by: str) -> list[RowFact]:
    company_col = row.column("company", "startup", "developer", "firm")
    amount_col = row.column("amount", "raised", "size", "round size", exclude=("valuation",))
    if not company_col or not amount_col:
        return []
    money = find_money(row.cells[amount_col])
    if not money:
        return []
    company = row.cells[company_col]
    valuation_col = row.column("valuation")
    valuation = find_money(row.cells[valuation_col]) if valuation_col else []
    round_col = row.column("round", "stage", "series")
    rnd = row.cells[round_col] if round_col else ""
    investors: list[str] = []
    investor_col = row.column("investor", "lead", "backer")
    if investor_col:
        cell = row.cells[investor_col]
        if re.match(r"(?:Series [A-K]\b|seed\b|pre-seed\b)", cell, re.I):
            rnd = rnd or cell
        elif cell_is_name(cell):
            investors = [p.strip() for p in re.split(r",\s*|\s+and\s+", cell) if p.strip()]
    fields = fact_fields(
        "funding",
        company=company,
        round=rnd,
        amount=money[0].value,
        amount_text=row.cells[amount_col],
        currency=money[0].currency,
        valuation=valuation[0].value if valuation else None,
        valuation_text=row.cells[valuation_col] if valuation and valuation_col else "",
        investors=investors,
    )
    return [RowFact("funding", date, dated_by, (company, *investors), fields, row)]


def table_facts(row: TableRow, doc: DocNames, ctx: Referents) -> list[RowFact]:
    published = row.chunk.published
    own = row.date()
    date: str | None
    if own:
        date, dated_by = own, "text"
    elif (caption := date_in(row.table.caption, published)) is not None:
        date, dated_by = caption, "text"
    elif (intro := stated_date(row.table.intro, published)) is not None:
        date, dated_by = intro, "text"
    else:
        date, dated_by = published, "article" if published else ""
    facts = [_row_fact(row, date, dated_by)]
    facts += _row_funding(row, date, dated_by)
    if not any(f.kind == "funding" for f in facts):
        facts += _row_prices(row, date, dated_by, doc, ctx)
    facts += _row_status(row, doc)
    return facts
