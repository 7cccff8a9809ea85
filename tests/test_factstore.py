"""The market-fact database: written, replaced, pruned and filtered with real SQLite."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.factstore import FactIndex, FactQuery
from kb.types import Chunk


@dataclass(frozen=True)
class _Fact:  # the shape kb.marketfacts.MarketFact has; the index reads only these fields
    kind: str
    date: str | None
    entities: tuple[str, ...]
    fields: dict[str, Any]
    chunk: Chunk
    text: str
    start: int = 0
    dated_by: str = "text"
    modality: str = "stated"
    extra: dict = field(default_factory=dict)


def _chunk(doc: str, version: str, index: int = 0, published: str = "2026-03-01") -> Chunk:
    return Chunk(
        chunk_id=f"{doc}-{version}-{index}",
        doc_id=doc,
        index=index,
        text="",
        start=0,
        end=0,
        source=f"{doc}.md",
        title=f"Title of {doc}",
        published=published,
        content_hash=version,
    )


def _funding(doc: str, version: str, company: str, amount: float, date: str) -> _Fact:
    return _Fact(
        kind="funding",
        date=date,
        entities=(company, "Northgate Capital"),
        fields={"company": company, "round": "Series B", "amount": amount, "investors": []},
        chunk=_chunk(doc, version),
        text=f"{company} raised {amount}.",
    )


def test_apply_replaces_a_documents_facts_and_drops_versions_no_longer_live(tmp_path: Path):
    index = FactIndex(tmp_path / "facts.sqlite")
    assert index.revision is None
    index.apply(
        {
            "a": ("v1", [_funding("a", "v1", "Veridian Labs", 4e7, "2026-02-01")]),
            "b": ("v1", [_funding("b", "v1", "Halvard AI", 2e9, "2026-03-05")]),
        },
        {"a": "v1", "b": "v1"},
        revision=3,
    )
    assert index.revision == 3
    assert [f.entities[0] for f in index.select(FactQuery())] == ["Veridian Labs", "Halvard AI"]

    # document a is updated to version v2; document b is pruned
    index.apply(
        {"a": ("v2", [_funding("a", "v2", "Veridian Labs", 5e7, "2026-02-01")])},
        {"a": "v2"},
        revision=5,
    )
    found = index.select(FactQuery())
    assert [(f.entities[0], f.fields["amount"]) for f in found] == [("Veridian Labs", 5e7)]
    assert index.revision == 5
    with sqlite3.connect(index.path) as conn:  # nothing of the old versions is left behind
        assert conn.execute("SELECT count(*) FROM facts").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM fact_entities").fetchone()[0] == 2


def test_select_filters_by_kind_entity_dates_and_live_version(tmp_path: Path):
    index = FactIndex(tmp_path / "facts.sqlite")
    price = _Fact(
        kind="price",
        date="2026-06",
        entities=("Kestrel Video 2", "Halvard AI"),
        fields={"product": "Kestrel Video 2", "value": 0.08, "unit": "second"},
        chunk=_chunk("c", "v1"),
        text="Kestrel Video 2 costs $0.08 per second.",
    )
    rumour = _Fact(
        kind="funding",
        date="2026-07-01",
        entities=("Halvard AI",),
        fields={"company": "Halvard AI", "amount": 1e9},
        chunk=_chunk("c", "v1", 1),
        text="Halvard AI is said to be in talks to raise $1 billion.",
        modality="rumour",
    )
    index.replace_all(
        [
            ("v1", [_funding("a", "v1", "Veridian Labs", 4e7, "2025-11-20")]),
            ("v1", [price, rumour]),
        ],
        revision=1,
    )
    assert [f.kind for f in index.select(FactQuery(kinds=("price",)))] == ["price"]
    assert [f.kind for f in index.select(FactQuery(entity="halvard ai"))] == ["price"]
    assert len(index.select(FactQuery(entity="Halvard AI", include_unconfirmed=True))) == 2
    assert [f.date for f in index.select(FactQuery(since="2026"))] == ["2026-06"]
    assert [f.date for f in index.select(FactQuery(until="2025-12"))] == ["2025-11-20"]
    assert [f.date for f in index.select(FactQuery(until="2026-06"))] == ["2025-11-20", "2026-06"]
    # a reader whose view holds another version of document c sees none of its facts
    assert [f.source for f in index.select(FactQuery(), live={"a": "v1", "c": "v9"})] == ["a.md"]
    # family names match: "Kestrel" finds "Kestrel Video 2"
    assert [f.kind for f in index.select(FactQuery(entity="Kestrel"))] == ["price"]
    # LIKE wildcards in a name are literal
    assert index.select(FactQuery(entity="%")) == []


def test_select_reads_periods_amounts_chunks_and_names_in_sql(tmp_path: Path):
    """What a market answer asks the index for, so a large store is never read whole: the
    period with undated facts dated by their article, an amount range, some chunks, and the
    facts that may be about some names (by subject, entity or text)."""
    index = FactIndex(tmp_path / "facts.sqlite")
    undated = _Fact(
        kind="funding",
        date=None,
        entities=("Orrin Systems",),
        fields={"company": "Orrin Systems", "amount": 2e9},
        chunk=_chunk("b", "v1", published="2026-04-02"),
        text="The startup raised $2 billion.",
        dated_by="",
    )
    deal = _Fact(  # about a party the entities do not list: found by its subject field
        kind="partnership",
        date="2026-05-01",
        entities=("Lumen",),
        fields={"parties": ["Tessaly Robotics", "Lumen"]},
        chunk=_chunk("d", "v1"),
        text="A partnership was announced.",
    )
    index.replace_all(
        [
            ("v1", [_funding("a", "v1", "Veridian Labs", 4e7, "2025-11-20")]),
            ("v1", [undated]),
            ("v1", [deal]),
        ],
        revision=1,
    )

    def companies(**query: Any) -> list[str]:
        return [f.fields.get("company", "deal") for f in index.select(FactQuery(**query))]

    assert companies(since="2026") == ["deal"]  # the undated fact has no date of its own
    assert companies(since="2026", article_dates=True) == ["deal", "Orrin Systems"]  # undated last
    assert companies(until="2026-04", article_dates=True) == ["Veridian Labs", "Orrin Systems"]
    assert companies(minimum=1e8) == ["Orrin Systems"]
    assert companies(maximum=1e8) == ["Veridian Labs"]
    assert companies(chunk_ids=("b-v1-0",)) == ["Orrin Systems"]
    assert companies(about=("Tessaly",)) == ["deal"]  # the subject "Tessaly Robotics and Lumen"
    assert companies(about=("northgate",)) == ["Veridian Labs"]  # an entity, any case
    assert companies(about=("the STARTUP",)) == ["Orrin Systems"]  # the text, any case
    assert companies(about=("Nobody",)) == []
    assert len(companies(about=("Zoë",))) == 3  # not ASCII: every fact, the caller decides
    # by subject only: the deal is Tessaly's; Northgate invests but is no round's subject
    assert companies(subjects=("tessaly",)) == ["deal"]
    assert companies(subjects=("Northgate Capital",)) == []
    assert companies(subjects=("",)) == []  # no key: nothing, not everything


def test_to_json_has_the_documented_keys(tmp_path: Path):
    index = FactIndex(tmp_path / "facts.sqlite")
    index.replace_all([("v1", [_funding("a", "v1", "Veridian Labs", 4e7, "2026-02-01")])], 1)
    (fact,) = index.select(FactQuery())
    data = fact.to_json()
    assert set(data) >= {
        "kind",
        "date",
        "entities",
        "fields",
        "source",
        "title",
        "published",
        "page",
        "text",
    }
    assert data["fields"]["company"] == "Veridian Labs"
    assert data["entities"] == ["Veridian Labs", "Northgate Capital"]


def test_a_damaged_file_reads_as_stale_not_as_an_error(tmp_path: Path):
    path = tmp_path / "facts.sqlite"
    path.write_bytes(b"this is not a database")
    index = FactIndex(path)
    assert index.revision is None
    index.replace_all([("v1", [_funding("a", "v1", "Veridian Labs", 4e7, "2026-02-01")])], 2)
    assert index.revision == 2
    assert len(index.select(FactQuery())) == 1


def test_an_index_filled_by_another_extractor_version_reads_as_stale(tmp_path: Path):
    path = tmp_path / "facts.sqlite"
    index = FactIndex(path)
    index.replace_all([("v1", [_funding("a", "v1", "Veridian Labs", 4e7, "2026-02-01")])], 3)
    assert index.revision == 3
    with sqlite3.connect(path) as conn:  # as an older release stamped it
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    assert FactIndex(path).revision is None  # so the store rebuilds it from its chunks


def test_known_names_come_from_the_index_without_reading_the_facts(tmp_path: Path):
    index = FactIndex(tmp_path / "facts.sqlite")
    row = _Fact(
        kind="row",
        date=None,
        entities=(),
        fields={"cells": {"Date": "Mar 2026", "Model": "Lumen-4 Mini", "Price": "$0.40"}},
        chunk=_chunk("c", "v1"),
        text="Date: Mar 2026 | Model: Lumen-4 Mini | Price: $0.40",
    )
    index.replace_all(
        [
            ("v1", [_funding("a", "v1", "Veridian Labs", 4e7, "2026-02-01")]),
            ("v1", [row]),
        ],
        1,
    )
    # entities and the row's first name-like cell, longest first; dates and short names not
    assert index.known_names() == ["Northgate Capital", "Veridian Labs", "Lumen-4 Mini"]
    index.replace_all([("v1", [_funding("a", "v1", "Halvard AI", 2e9, "2026-03-05")])], 2)
    assert "Veridian Labs" not in index.known_names()  # a rewrite forgets the old names


def test_words_select_facts_whose_sentence_or_fields_hold_them(tmp_path: Path):
    index = FactIndex(tmp_path / "facts.sqlite")
    video = _funding("a", "v1", "Tidewell AI", 1.2e8, "2026-02-01")
    video = _Fact(**{**video.__dict__, "text": "Tidewell AI, a VIDEO model maker, raised."})
    row = _Fact(
        kind="row",
        date=None,
        entities=(),
        fields={"table": "Video prices", "cells": {"Model": "Motion 2"}},
        chunk=_chunk("c", "v1"),
        text="Model: Motion 2",
    )
    chips = _funding("b", "v1", "Kairo Silicon", 4e7, "2026-03-01")
    index.replace_all([("v1", [video]), ("v1", [row]), ("v1", [chips])], 1)
    found = index.select(FactQuery(words=("video",)))
    assert sorted(f.text for f in found) == sorted([video.text, row.text])  # any case
    assert index.select(FactQuery(words=("100%_",))) == []  # LIKE wildcards are literal
