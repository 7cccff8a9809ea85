"""Bridge questions: a thing described by one article, asked about in another."""

from __future__ import annotations

import re

import pytest

from kb.bridge import read_bridge
from tests.conftest import kb_of_articles


@pytest.mark.parametrize(
    ("question", "find", "kind", "ask"),
    [
        (
            "the ai lab that signed the 96 MW fellgate lease - how much does it have to pay?",
            "which ai lab signed the 96 MW fellgate lease",
            "vendor",
            "how much does {} have to pay",
        ),
        (
            "the model that writes wordmere's ai summaries: what's its pass rate",
            "which model writes wordmere's ai summaries",
            "model",
            "what's {}'s pass rate",
        ),
        (
            "ipo price range of the gpu cloud that caused driftlight's oct 27 outage",
            "which gpu cloud caused driftlight's oct 27 outage",
            "vendor",
            "ipo price range of {}",
        ),
        (
            "total vc money raised by the startup cadmara is acquiring",
            "which startup cadmara is acquiring",
            "vendor",
            "total vc money raised by {}",
        ),
        (
            "pondlark's pipeline ran on a taverly model. when does that model get shut down?",
            "pondlark's pipeline ran on a taverly model",
            "model",
            "when does {} get shut down",
        ),
    ],
)
def test_a_bridge_question_is_read_as_two(question, find, kind, ask):
    bridge = read_bridge(question)
    assert bridge is not None
    assert (bridge.find, bridge.kind, bridge.ask) == (find, kind, ask)


@pytest.mark.parametrize(
    "question",
    [
        "What is the price of GPT-4o?",
        "and how much was it?",
        "revenue of the company in 2025",
        "corrandale total gpus installed + pue of its narvik campus",
        "How much did Ferrowyn ask for in damages, and how much did it actually get?",
        "ok different thing, kobaltwerk, how many staff does it have",
        "orvel-4.5 price per 1m tokens, input and output",
        "Which company released DeepSeek-V3?",
    ],
)
def test_other_questions_are_no_bridges(question):
    assert read_bridge(question) is None


def test_a_bridge_question_is_answered_from_both_articles(tmp_path, real_embedder):
    kb = kb_of_articles(
        tmp_path,
        real_embedder,
        {
            "gridline-weekly-87-2026.md": (
                "---\ntitle: Gridline weekly, issue 87\ndate: 2026-11-20\n---\n"
                "**Harlow Data Centres signs a big lease.** Harlow Data Centres leases 96 MW "
                "in Ohio to Quenby Labs, the model developer, for ten years.\n\n"
                "**Tarn Networks buys an optics start-up.** Tarn Networks is buying Osprey "
                "Optics for $185 million in cash.\n"
            ),
            "courtwire-ruling-2026.md": (
                "---\ntitle: Judge orders Quenby Labs to pay Mirefield $41.2 million\n"
                "date: 2026-11-19\n---\nA federal judge on Thursday ordered Quenby Labs to pay "
                "Mirefield AI $41.2 million for misappropriating its data pipeline, far less "
                "than the $300 million Mirefield sought. Quenby said it would appeal.\n"
            ),
        },
    )
    answer = kb.ask("the lab that signed the 96 MW harlow lease - how much does it have to pay?")
    assert not answer.abstained and answer.shape == "bridge", answer.text
    assert "Quenby Labs" in answer.text and "$41.2 million" in answer.text, answer.text
    sources = {c.chunk.source for c in answer.citations}
    assert sources == {"gridline-weekly-87-2026.md", "courtwire-ruling-2026.md"}
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.n for c in answer.citations}
