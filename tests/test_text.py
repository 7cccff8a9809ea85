"""Sentence splitting, tokens and question reading: the primitives quotes are built from."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.query import parse_question, version_pattern
from kb.text import glued_sentence_ends, normalize, sentence_spans, split_sentences, tokenize


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "It shipped two weeks after launch.The timing is deliberate.",
            ["It shipped two weeks after launch.", "The timing is deliberate."],
        ),
        (
            "It will lead by the decade's end.From anonymous entry to the top of the board",
            ["It will lead by the decade's end.", "From anonymous entry to the top of the board"],
        ),
        ("Will it last?Nobody knows.", ["Will it last?", "Nobody knows."]),
    ],
)
def test_glued_sentences_and_subheadings_split(text, expected):
    assert split_sentences(text) == expected
    assert glued_sentence_ends(text) == [len(expected[0])]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Department and the U.K. Treasury agreed.",
        "Some models, e.g. Lumen-4, are cheaper.",
        "It beat gpt-4.1 and GPT-4.5 on the board.",
        "Agents written in Node.js run there.",
        "See https://example.com/Docs.Intro/Page.Two for details.",
        "Mail press@Northwind.Com for details.",
        "It calls java.util.List here.",
        "It raised $1.4bn at a $52.7 billion valuation.",
        "Scores rose from 3.5 to 4.25 points.",
    ],
)
def test_dots_inside_names_numbers_and_urls_do_not_end_sentences(text):
    assert split_sentences(text) == [text]
    assert glued_sentence_ends(text) == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Mr.",
                "U.S.",
                "launch.The",
                "A.",
                "In",
                "it",
                "...",
                "?!",
                "x" * 60,
                "2.0.",
                "e.g.",
                '"Q."',
                "J.",
                "Smith",
                " ",
                "\n",
                "\n\n",
                "Node.js",
                "$1.4bn",
                "board.From",
            ]
        ),
        max_size=40,
    )
)
def test_spans_are_ordered_trimmed_and_cover_every_word(words):
    text = " ".join(words)
    spans = sentence_spans(text)
    covered = set()
    for (a, b), c in zip(spans, [start for start, _ in spans[1:]] + [len(text)], strict=False):
        assert 0 <= a < b <= c
        assert not text[a].isspace() and not text[b - 1].isspace() and "\n" not in text[a:b]
        covered.update(range(a, b))
    assert {i for i, ch in enumerate(text) if not ch.isspace()} <= covered


def test_long_runs_without_spaces_or_of_punctuation_stay_whole():
    assert len(sentence_spans("Xy." * 200_000)) == 1  # a blob, not 200,000 sentences
    dots = "Wait" + "." * 100_000 + " Then it came."
    assert split_sentences(dots) == ["Wait" + "." * 100_000, "Then it came."]


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


def test_a_labelled_letter_ends_a_sentence_before_a_capital():
    text = "Pallas closed a Series C. Pallas is expected to raise more. J. Smith agreed."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Pallas closed a Series C.",
        "Pallas is expected to raise more.",
        "J. Smith agreed.",
    ]


def test_sentences_written_in_lower_case_split_as_forum_posts_write_them():
    def split(text: str) -> list[str]:
        return [text[a:b] for a, b in sentence_spans(text)]

    assert split("does byok work on the free tier? i thought it was paid") == [
        "does byok work on the free tier?",
        "i thought it was paid",
    ]
    assert split("they changed it in october. the $15 is the old price") == [
        "they changed it in october.",
        "the $15 is the old price",
    ]
    # an abbreviation, a number or a word that does not open sentences: no end
    for whole in ("prices fell approx. the same", "it was 2.0 the last time", "see fig. the one"):
        assert split(whole) == [whole]
