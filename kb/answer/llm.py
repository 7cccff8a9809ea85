"""LLM answerers through LangChain chat models: Ollama, or any OpenAI-compatible server
(vLLM, llama.cpp server, LM Studio, OpenAI). LangChain is touched only in this module.

The model sees a grounded prompt (kb.answer.prompt). Its answer streams; afterwards every
citation is checked: a `[n]` that points at no source is removed and reported, and a sentence
its cited source does not support is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from kb.answer.base import EmbedTexts, Prepared
from kb.answer.compose import cited_answer
from kb.answer.market import MARKET_SHAPES, MarketAnswerer
from kb.answer.prompt import build_messages
from kb.answer.support import similarities, strip_citations, supports
from kb.errors import ConfigError, LLMError
from kb.settings import Settings
from kb.text import sentence_spans, tokenize
from kb.types import Answer, Citation, Hit

_MARKER = re.compile(r"\[(\d+)\]")
_MARKER_WITH_SPACE = re.compile(r"\s*\[(\d+)\]")
# A claim ends at . ! or ? (not inside "$2.50") plus the citation markers that follow it.
_CLAIM = re.compile(r"\S.*?(?:[.!?](?:\s*\[\d+\])*(?=\s|$)|(?:\[\d+\])+(?=\s|$))|\S.*$", re.DOTALL)


def split_claims(text: str) -> list[str]:
    """Sentences of an LLM answer, each keeping the citation markers written after it."""
    return [m.group(0).strip() for m in _CLAIM.finditer(text)]


ABSTAIN_PREFIX = "the corpus does not say"


def make_chat_model(settings: Settings) -> Any:
    """The LangChain chat model the settings describe."""
    if not settings.llm_model:
        raise ConfigError(
            "No LLM model is configured.",
            "Set KB_LLM_MODEL (and KB_LLM_PROVIDER / KB_LLM_BASE_URL), or use the default "
            "extractive mode.",
        )
    if settings.llm_provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            model=settings.llm_model,
            base_url=settings.llm_base_url or "http://localhost:11434",
            temperature=settings.llm_temperature,
            client_kwargs={"timeout": settings.llm_timeout_s},
            validate_model_on_init=False,
        )
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or "not-needed",  # local servers take any key
        temperature=settings.llm_temperature,
        timeout=settings.llm_timeout_s,
        max_retries=0,
        streaming=True,
    )


def _describe(settings: Settings) -> str:
    where = settings.llm_base_url or (
        "http://localhost:11434" if settings.llm_provider == "ollama" else "the OpenAI API"
    )
    return f"{settings.llm_provider} model {settings.llm_model!r} at {where}"


def _llm_error(settings: Settings, exc: Exception) -> LLMError:
    text = str(exc)
    if settings.llm_api_key:
        text = text.replace(settings.llm_api_key, "***")
    lower = text.lower()
    if "connect" in lower or "refused" in lower or "timed out" in lower or "timeout" in lower:
        hint = (
            "Check that the server is running and the base URL is right "
            "(Ollama: `ollama serve`, default http://localhost:11434; OpenAI-compatible "
            "servers usually end in /v1)."
        )
    elif "401" in lower or "403" in lower or "api key" in lower or "unauthorized" in lower:
        hint = "Check the API key (KB_LLM_API_KEY or the key field in the app)."
    elif "404" in lower or "not found" in lower:
        hint = "Check the model name (e.g. `ollama list`) and the base URL."
    else:
        hint = "Try again, check the server's log, or switch to the extractive mode."
    return LLMError(f"The {_describe(settings)} failed: {type(exc).__name__}: {text[:300]}", hint)


class LLMAnswerer:
    """Streams a grounded answer from a chat model, then checks its citations.

    Built per call from whatever settings the caller holds (the app's session, the CLI's
    environment), so one engine serves every mode."""

    name = "llm"

    def __init__(self, chat_model: Any, settings: Settings) -> None:
        self.model = chat_model
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMAnswerer:
        """An answerer for the chat model the settings name; ConfigError when none is set."""
        return cls(make_chat_model(settings), settings)

    def stream(self, prepared: Prepared) -> Iterator[str]:
        """The model's answer as it arrives; LLMError (with a hint) when the model fails."""
        messages = build_messages(prepared.question.text, evidence(prepared), prepared.history)
        try:
            for piece in self.model.stream(messages):
                content = piece.content if hasattr(piece, "content") else str(piece)
                if isinstance(content, list):  # some providers stream content blocks
                    content = "".join(
                        b.get("text", "") if isinstance(b, dict) else str(b) for b in content
                    )
                if content:
                    yield content
        except LLMError:
            raise
        except Exception as exc:  # network, HTTP and provider errors all end up here
            raise _llm_error(self.settings, exc) from exc

    def ping(self) -> str:
        """One tiny request, for the app's 'test connection' button."""
        try:
            reply = self.model.invoke([("human", "Reply with the single word: ready")])
        except Exception as exc:
            raise _llm_error(self.settings, exc) from exc
        return str(getattr(reply, "content", reply)).strip()[:200]

    def finish(self, prepared: Prepared, text: str, embed: EmbedTexts) -> Answer:
        """The streamed text as a checked, cited Answer."""
        return check_citations(prepared.question.text, text, evidence(prepared), embed)

    def answer(self, prepared: Prepared, embed: EmbedTexts) -> Answer:
        """The model's whole answer, with its citations checked."""
        return self.finish(prepared, "".join(self.stream(prepared)), embed)


FACT_SOURCES = 12  # fact rows given to the model ahead of the retrieved passages


def evidence(prepared: Prepared) -> tuple[Hit, ...]:
    """The sources an LLM answers from: for list, count, compare and other fact-shaped
    questions, the matching fact rows first (each the exact sentence or table row, as its own
    numbered source), then the retrieved passages. Deterministic, so the streamed prompt and
    the citation check see the same numbering."""
    if prepared.question.shape not in MARKET_SHAPES:
        return prepared.hits
    answer = MarketAnswerer().answer(prepared, _no_embedding)
    if answer is None:
        return prepared.hits
    rows = tuple(
        Hit(chunk=replace(c.chunk, text=c.sentence), score=1.0)
        for c in answer.citations[:FACT_SOURCES]
    )
    return rows + prepared.hits


def _no_embedding(texts: Sequence[str]) -> Any:
    raise AssertionError("fact answers do not embed")


def check_citations(question: str, text: str, hits: Sequence[Hit], embed: EmbedTexts) -> Answer:
    """Turn raw model output into an Answer: citations renumbered to the sources actually
    used, markers that point at no source removed and reported, unsupported sentences flagged."""
    text = text.strip()
    warnings: list[str] = []
    if not hits or text.lower().startswith(ABSTAIN_PREFIX) or not text:
        return Answer(
            question=question,
            text=text or "The corpus does not say.",
            abstained=True,
            mode="llm",
            nearest=tuple(hits[:3]),
            shape="llm",
        )

    def keep_valid(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if 1 <= n <= len(hits):
            return match.group(0)
        warnings.append(f"Removed citation [{n}]: there is no source {n}.")
        return ""

    text = _MARKER_WITH_SPACE.sub(keep_valid, text)
    sentences = split_claims(text)
    pairs: list[tuple[str, int]] = []
    for sentence in sentences:
        cited = [int(n) for n in _MARKER.findall(sentence)]
        if not cited:
            if len(tokenize(sentence)) > 2:
                warnings.append(f"Unsupported (no citation): {strip_citations(sentence)}")
            continue
        pairs.extend((sentence, n) for n in cited)
    sims = similarities([(s, hits[n - 1].chunk.text) for s, n in pairs], embed)
    supported: dict[str, bool] = {}
    for (sentence, n), sim in zip(pairs, sims, strict=False):
        ok = supports(sentence, hits[n - 1].chunk.text, sim)
        supported[sentence] = supported.get(sentence, False) or ok
    for sentence, ok in supported.items():
        if not ok:
            warnings.append(f"Unsupported by its cited source: {strip_citations(sentence)}")

    order: dict[int, int] = {}
    for _, n in pairs:
        order.setdefault(n, len(order) + 1)
    renumbered = _MARKER.sub(lambda m: f"[{order.get(int(m.group(1)), 0)}]", text)
    citations = []
    for old, new in order.items():
        hit = hits[old - 1]
        claim = next((s for s, n in pairs if n == old), "")
        sentence, start = _best_sentence(hit.chunk.text, claim)
        citations.append(Citation(new, hit.chunk, sentence, start, hit.score))
    return cited_answer(question, renumbered, citations, shape="llm", mode="llm", warnings=warnings)


def _best_sentence(passage: str, claim: str) -> tuple[str, int]:
    """The sentence of the passage that shares most words with the claim (for highlighting)."""
    words = set(tokenize(strip_citations(claim)))
    best, best_start, best_score = "", -1, -1.0
    for a, b in sentence_spans(passage):
        score = len(words & set(tokenize(passage[a:b])))
        if score > best_score:
            best, best_start, best_score = passage[a:b], a, score
    return best, best_start
