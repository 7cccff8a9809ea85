"""What the app builds once per process and shares between sessions: settings, the embedder,
the engine. Every answer mode uses the same engine; an LLM answerer is built per question
from the session's settings."""

from __future__ import annotations

import streamlit as st

from kb.answer.llm import LLMAnswerer
from kb.embedders import Embedder, load_embedder
from kb.engine import KnowledgeBase
from kb.settings import Settings


def base_settings() -> Settings:
    """The operator's settings (environment and .env), read at every rerun."""
    return Settings()


@st.cache_resource(show_spinner="Loading the embedding model...")
def _embedder(embedder: str, backend: str) -> Embedder:
    return load_embedder(Settings(embedder=embedder, embed_backend=backend))


@st.cache_resource(show_spinner="Opening the knowledge base...")
def _engine(settings_json: str) -> KnowledgeBase:
    settings = Settings.model_validate_json(settings_json)
    return KnowledgeBase(settings, _embedder(settings.embedder, settings.embed_backend))


def engine() -> KnowledgeBase:
    """The one engine of this process for the operator's settings."""
    return _engine(base_settings().model_dump_json())


def embedder() -> Embedder:
    settings = base_settings()
    return _embedder(settings.embedder, settings.embed_backend)


def llm_answerer(llm: dict[str, str]) -> LLMAnswerer:
    """An LLM answerer for the chat model chosen in this session's sidebar."""
    settings = base_settings().model_copy(
        update={
            "llm_provider": llm["provider"],
            "llm_base_url": llm["base_url"] or None,
            "llm_model": llm["model"] or None,
            "llm_api_key": llm["api_key"] or None,
        }
    )
    return LLMAnswerer.from_settings(settings)
