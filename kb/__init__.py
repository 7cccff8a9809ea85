"""kb: a local-first knowledge base over AI-market articles, with cited answers."""

from kb.engine import KnowledgeBase, open_knowledge_base
from kb.errors import (
    ConfigError,
    KBError,
    LLMError,
    LoadError,
    StoreMismatchError,
    StoreUnavailableError,
)
from kb.retrieve import Filters
from kb.settings import Settings
from kb.types import Answer, Chunk, Citation, Document, Hit

__all__ = [
    "Answer",
    "Chunk",
    "Citation",
    "ConfigError",
    "Document",
    "Filters",
    "Hit",
    "KBError",
    "KnowledgeBase",
    "LLMError",
    "LoadError",
    "Settings",
    "StoreMismatchError",
    "StoreUnavailableError",
    "open_knowledge_base",
]
