"""What the app builds once per process and shares between sessions: settings, the embedder,
the engine. Every answer mode uses the same engine; an LLM answerer is built per question
from the session's settings."""

from __future__ import annotations

import streamlit as st

from kb.answer.llm import LLMAnswerer
from kb.embedders import Embedder, load_embedder
from kb.engine import KnowledgeBase
from kb.settings import Settings
from kb.users import Role, User

# The person at the keyboard of the personal app (no users configured, loopback only): they
# may do everything, and no audit log is kept.
LOCAL_USER = User(name="local", role=Role.ADMIN, created="")


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
    """An LLM answerer for this session's chat model; a blank field means the operator's
    setting. The operator's key (KB_LLM_API_KEY) is sent only to the operator's base URL; a
    key typed in the session goes to the base URL of the session."""
    base = base_settings()
    base_url = llm.get("base_url") or base.llm_base_url
    key = llm.get("api_key") or (base.llm_api_key if base_url == base.llm_base_url else None)
    settings = base.model_copy(
        update={
            "llm_provider": llm.get("provider") or base.llm_provider,
            "llm_base_url": base_url,
            "llm_model": llm.get("model") or base.llm_model,
            "llm_api_key": key,
        }
    )
    return LLMAnswerer.from_settings(settings)
