"""LLM answering through the real LangChain clients against a stand-in server on loopback."""

from __future__ import annotations

import pytest

from kb.answer.llm import LLMAnswerer
from kb.engine import KnowledgeBase
from kb.errors import LLMError
from tests.llm_standin import StandInLLM

QUESTION = "Which model ranks first on the OpenJudge Arena?"


@pytest.fixture
def standin():
    with StandInLLM() as server:
        yield server


def llm_kb(fixture_kb: KnowledgeBase, provider: str, url: str, **extra) -> KnowledgeBase:
    base = url if provider == "ollama" else url + "/v1"
    settings = fixture_kb.settings.model_copy(
        update={
            "llm_provider": provider,
            "llm_base_url": base,
            "llm_model": "standin",
            "answer_mode": "llm",
            **extra,
        }
    )
    return KnowledgeBase(settings, fixture_kb.embedder, fixture_kb.store)


def first_hit_claim(kb: KnowledgeBase) -> str:
    """A sentence copied from the top retrieved source, as a faithful model would write."""
    hits = kb.retrieve(QUESTION)
    for line in hits[0].chunk.text.split(". "):
        if "Lumen" in line:
            return line.strip().rstrip(".") + "."
    return hits[0].chunk.text.split(". ")[0] + "."


@pytest.mark.parametrize("provider", ["ollama", "openai"])
def test_answer_streams_and_cites_through_both_wire_formats(fixture_kb, standin, provider):
    kb = llm_kb(fixture_kb, provider, standin.url)
    claim = first_hit_claim(kb)
    standin.enqueue(f"{claim} [1]")
    pieces = list(kb.ask_stream(QUESTION))
    *texts, answer = pieces
    assert len([t for t in texts if t]) >= 2, "the answer should arrive in several pieces"
    assert not answer.abstained and answer.mode == "llm"
    assert answer.text.startswith(claim) and "[1]" in answer.text
    assert answer.citations[0].n == 1 and answer.warnings == ()
    path = standin.requests[-1]["path"]
    assert path.startswith("/api/chat" if provider == "ollama" else "/v1/chat/completions")
    assert standin.requests[-1]["body"]["stream"] is True


def test_openai_compatible_sends_the_key_as_bearer(fixture_kb, standin):
    kb = llm_kb(fixture_kb, "openai", standin.url, llm_api_key="sk-test-123")
    standin.enqueue("The corpus does not say.")
    answer = kb.ask(QUESTION)
    assert answer.abstained
    assert standin.requests[-1]["headers"].get("authorization") == "Bearer sk-test-123"


def test_citation_to_a_missing_source_is_removed_and_reported(fixture_kb, standin):
    kb = llm_kb(fixture_kb, "ollama", standin.url)
    claim = first_hit_claim(kb)
    standin.enqueue(f"{claim} [1][9]")
    answer = kb.ask(QUESTION)
    assert "[9]" not in answer.text and "[1]" in answer.text
    assert any("[9]" in w and "no source 9" in w for w in answer.warnings)


def test_sentence_its_source_does_not_support_is_flagged(fixture_kb, standin):
    kb = llm_kb(fixture_kb, "ollama", standin.url)
    claim = first_hit_claim(kb)
    invented = "Halvard AI was bought by a bakery for $913 million in 1999."
    standin.enqueue(f"{claim} [1] {invented} [1]")
    answer = kb.ask(QUESTION)
    flagged = [w for w in answer.warnings if w.startswith("Unsupported")]
    assert len(flagged) == 1 and "bakery" in flagged[0]


def test_unreachable_llm_is_a_clear_error_or_falls_back(fixture_kb):
    kb = llm_kb(fixture_kb, "ollama", "http://127.0.0.1:9")
    with pytest.raises(LLMError) as err:
        kb.ask(QUESTION, fallback=False)
    assert "127.0.0.1:9" in err.value.message and "running" in err.value.hint
    answer = kb.ask(QUESTION)
    assert answer.mode == "extractive" and not answer.abstained
    assert any("Answered extractively instead" in w for w in answer.warnings)


def test_server_error_mid_chat_falls_back_while_streaming(fixture_kb, standin):
    kb = llm_kb(fixture_kb, "openai", standin.url)
    standin.fail_with = 500
    *texts, answer = list(kb.ask_stream(QUESTION))
    assert answer.mode == "extractive" and any("failed" in w for w in answer.warnings)
    assert answer.citations


def test_prompt_fences_sources_as_data(fixture_kb, standin):
    kb = llm_kb(fixture_kb, "ollama", standin.url)
    standin.enqueue("The corpus does not say.")
    kb.ask(QUESTION, history=["What is Lumen-4?"])
    system, human = standin.last_messages()
    assert system["role"] == "system" and "untrusted DATA" in system["content"]
    content = human["content"]
    assert content.index("<sources>") < content.index("</sources>") < content.index("<question>")
    assert '<source n="1"' in content and "What is Lumen-4?" in content


def test_ping_reports_the_reply(fixture_kb, standin):
    kb = llm_kb(fixture_kb, "ollama", standin.url)
    standin.enqueue("ready")
    assert LLMAnswerer.from_settings(kb.settings).ping() == "ready"
