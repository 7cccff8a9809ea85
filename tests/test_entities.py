"""Entities, timelines and entity filters over the fictional fixtures and the corpus."""

from __future__ import annotations

import json
import subprocess
import sys

from kb.entities import entity_key, find_entities
from kb.filters import Filters
from tests.conftest import ROOT, run_kb


def names(text: str) -> dict[str, str]:
    return {e.name: e.kind for e in find_entities(text)}


def test_vendors_models_and_leaderboards_with_aliases_folded():
    found = names(
        "Alibaba Cloud released Happy Horse 1.1; ByteDance shelved Seedance 2.0, "
        "GPT-4o and Claude 3.5 Sonnet led the LMSYS Chatbot Arena, and Lumen 4 "
        "topped the OpenJudge Arena. Nvidia's H100 and DeepSeek-R1 too."
    )
    assert found["Alibaba"] == "vendor" and found["ByteDance"] == "vendor"
    for model in (
        "Happy Horse 1.1",
        "Seedance 2.0",
        "GPT-4o",
        "Claude 3.5 Sonnet",
        "H100",
        "DeepSeek-R1",
    ):
        assert found.get(model) == "model", model
    assert found["LMArena"] == "leaderboard" and found["OpenJudge Arena"] == "leaderboard"
    assert entity_key("Lumen 4") == entity_key("Lumen-4")
    assert entity_key("HappyHorse 1.1") == entity_key("Happy Horse 1.1")
    assert "Claude 3.5" not in found  # part of "Claude 3.5 Sonnet", not a model of its own
    assert "Seedance 1.0" not in names("ByteDance shelved Seedance 2.0")


def test_entities_are_listed_with_kind_and_counts(fixture_kb):
    rows = {r.name: r for r in fixture_kb.entities()}
    assert rows["Lumen-4"].kind == "model" and rows["Lumen-4"].documents >= 3
    assert rows["Kestrel Video 2.5"].kind == "model"
    assert rows["OpenJudge Arena"].kind == "leaderboard"


def test_timeline_is_dated_oldest_first_with_sources(fixture_kb):
    timeline = fixture_kb.timeline("Kestrel Video 2.5")
    dates = [e.date for e in timeline.events]
    assert timeline.entity == "Kestrel Video 2.5" and len(dates) >= 3
    assert dates == sorted(dates) and all(dates)
    assert {e.source for e in timeline.events} >= {
        "kestrel-video-launch.txt",
        "halvard-report.pdf",
    }
    assert all("Kestrel Video 2.5" in e.text for e in timeline.events)


def test_entity_filter_restricts_retrieval(fixture_kb):
    hits = fixture_kb.retrieve("price", filters=Filters(entities=("TX-9",)))
    assert hits and all("TX-9" in h.chunk.text or "TX-9" in h.chunk.title for h in hits)


def test_corpus_timeline_shows_a_story_developing(corpus_store):
    proc = run_kb(corpus_store, "timeline", "Sora", "--json")
    data = json.loads(proc.stdout)
    assert data["entity"] == "Sora" and set(data["events"][0]) == {
        "date",
        "text",
        "source",
        "title",
        "published",
    }
    texts = [e["text"] for e in data["events"]]
    first_preview = next(i for i, t in enumerate(texts) if "February 15, 2024" in t)
    discontinued = next(i for i, t in enumerate(texts) if "discontinued Sora" in t)
    assert first_preview < discontinued
    unknown = run_kb(corpus_store, "timeline", "Sora 9")
    assert unknown.returncode == 2 and "python -m kb entities" in unknown.stderr


def test_ask_entity_flag_restricts_the_answer_sources(fixture_store):
    def ask(*extra: str) -> dict:
        proc = subprocess.run(
            [sys.executable, "-m", "kb", "ask", "What does it cost?", "--json", *extra]
            + ["--store", str(fixture_store.store_dir)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        )
        return json.loads(proc.stdout)

    answer = ask("--entity", "TX-9")
    assert answer["citations"]
    assert all("TX-9" in c["passage"] or "TX-9" in c["title"] for c in answer["citations"])


def test_fixture_store_lists_unseen_organisations_with_kinds(fixture_kb):
    rows = {r.name: r.to_json() for r in fixture_kb.entities()}
    assert rows["Northwind Labs"]["kind"] == "vendor"
    assert rows["Corvid Systems"]["kind"] == "vendor"
    assert rows["Calder Peak Capital"]["kind"] == "investor"
    assert rows["Vistaframe"]["kind"] == "model"
    assert rows["Vistaframe"]["maker"] == "Northwind Labs"  # "Northwind Labs' Vistaframe"
    assert rows["Kestrel Video"]["kind"] == "model"  # the family of Kestrel Video 2.5
    assert not any(r["kind"] == "maker" for r in rows.values())


def test_stored_tags_stay_kind_colon_name_and_old_readers_read_them():
    from kb.entities import Entity, tags, untag

    stored = tags([Entity("Kestrel Video 2", "model", "Halvard AI"), Entity("Oslo", "place")])
    assert stored == ("model:Kestrel Video 2", "maker:Kestrel Video 2>Halvard AI", "place:Oslo")
    assert untag(stored[0]) == Entity("Kestrel Video 2", "model")


def test_a_family_with_a_one_letter_code_is_a_model_and_a_date_is_not():
    found = find_entities("On 2027-02-02 Baiqiao Labs priced its model Baiqiao-R2 at 4 yuan.")
    assert [(e.name, e.kind) for e in found if e.kind == "model"] == [("Baiqiao-R2", "model")]
