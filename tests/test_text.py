"""Sentence splitting, tokens and question reading: the primitives quotes are built from."""

from __future__ import annotations

import pytest

from kb.query import parse_question, version_pattern
from kb.text import normalize, split_sentences, tokenize


def test_glued_paragraphs_of_pasted_articles_split_into_sentences():
    text = (
        "It cut prices by 40%.The release arrives now. The U.S. Department said e.g. "
        "this. Mr. Smith left in Jan. 2025. It ranked No. 2 overall. It costs $52.7 "
        "billion."
    )
    assert split_sentences(text) == [
        "It cut prices by 40%.",
        "The release arrives now.",
        "The U.S. Department said e.g. this.",
        "Mr. Smith left in Jan. 2025.",
        "It ranked No. 2 overall.",
        "It costs $52.7 billion.",
    ]


def test_lines_are_sentences_so_table_rows_stand_alone():
    rows = "Model: GPT-4o | Input: $2.50\nModel: o3 | Input: $2.00"
    assert split_sentences(rows) == ["Model: GPT-4o | Input: $2.50", "Model: o3 | Input: $2.00"]


def test_tokens_keep_versions_and_amounts_whole():
    tokens = tokenize("Seedance 2.0 costs $52.7 billion; GPT-4o and Lumen 4")
    for expected in ("2.0", "52.7", "gpt-4o", "gpt", "4o", "4"):
        assert expected in tokens
    assert tokenize("costs paused raised") == tokenize("cost pause raise")
    assert "the" not in tokenize("the model")
    assert tokenize("Ze\u200bro-width") == tokenize("Zero-width")


@pytest.mark.parametrize(
    ("question", "versions", "years", "quarters", "expects"),
    [
        ("What did Seedance 2.0 cost?", ("seedance 2.0",), (), (), "money"),
        ("What was Nvidia's Q1 2021 revenue?", (), ("2021",), ("q1",), "money"),
        ("When did OpenAI cut o3 prices?", ("o3",), (), (), "date"),
        ("Who leads the OpenJudge Arena?", (), (), (), "entity"),
        ("How many parameters does Llama 3.1 405B have?", ("llama 3.1",), (), (), "number"),
    ],
)
def test_question_specifiers(question, versions, years, quarters, expects):
    q = parse_question(question)
    assert (q.versions, q.years, q.quarters, q.expects) == (versions, years, quarters, expects)


def test_two_part_question_splits():
    q = parse_question("Which company released Kestrel Video 2.5, and how much did it cost?")
    assert q.parts == ("Which company released Kestrel Video 2.5", "how much did it cost")


def test_follow_up_carries_the_earlier_subject():
    q = parse_question("And how much does it cost?", ["What is Lumen-4?"])
    assert "lumen-4" in q.context_terms and q.versions == ("lumen 4",)
    assert parse_question("Who founded Northwind Labs?", ["What is Lumen-4?"]).context_terms == ()


def test_version_pattern_matches_spellings_but_not_other_versions():
    p = version_pattern("seedance 2.0")
    assert p.search(normalize("ByteDance shelved Seedance 2.0."))
    assert not p.search(normalize("Seedance 1.0 was first; 2.0 came later"))
    assert version_pattern("lumen 4").search("lumen-4") and not version_pattern("lumen 4").search(
        "lumen 4.5"
    )
    assert version_pattern("horse 1.1").search(normalize("HappyHorse 1.1"))
