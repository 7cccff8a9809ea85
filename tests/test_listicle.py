"""List questions answered from a numbered list article (kb.answer.listicle)."""

from __future__ import annotations

from kb.answer.listicle import _about, _items
from kb.engine import KnowledgeBase
from kb.query import answer_terms
from kb.settings import Settings
from kb.types import Chunk


def _chunk(index: int, text: str) -> Chunk:
    return Chunk(f"d:h:{index:04d}", "d", index, text, 0, len(text), "d.md", "5 robot startups")


def test_numbered_sections_are_the_items_with_their_first_sentence():
    chunks = [
        _chunk(0, "Intro text here.\n\n## 1. Pallas Robotics\n\nPallas ships RFM-2. More."),
        _chunk(
            1,
            "## 2. Halden Robotics\n\nHalden builds the Tern humanoid.\n\n3) Orvane\n\n"
            "Orvane makes grippers.",
        ),
    ]
    items = _items(chunks)
    assert [(i.number, i.name) for i in items] == [
        (1, "Pallas Robotics"),
        (2, "Halden Robotics"),
        (3, "Orvane"),
    ]
    assert items[0].sentence == "Pallas ships RFM-2."
    assert items[2].chunk.index == 1
    # numbers that do not run 1, 2, 3 are no list; two items are too few
    assert _items([_chunk(0, "## 2. Alpha\n\nA.\n\n## 5. Beta\n\nB.\n\n## 6. Gamma\n\nC.")]) == []
    assert _items([_chunk(0, "## 1. Alpha\n\nA one.\n\n## 2. Beta\n\nB two.")]) == []


def test_only_an_article_about_what_is_listed_answers():
    terms = [t for t in answer_terms("list of AI chips for cars 2026") if t != "list"]
    assert _about("6 AI chips for cars to watch in 2026", terms)
    assert not _about("Nvidia passes Microsoft to become the most valuable company", terms)


def test_a_list_question_reads_the_whole_list_article(corpus_store):
    kb = KnowledgeBase(Settings(store_dir=corpus_store, chroma_url=None))
    answer = kb.ask("list of AI chips for cars 2026")
    for chip in ("DRIVE Thor", "Snapdragon Ride Flex", "EyeQ6 High", "Journey 6", "V9", "KS-2"):
        assert chip in answer.text
    assert answer.citations and all(
        c.chunk.source == "automotive-ai-chips-roundup-2026.md" for c in answer.citations
    )
    # a list question about something else is not answered from that article
    other = kb.ask("Which companies raised more than $1 billion in a single round?")
    assert "DRIVE Thor" not in other.text
