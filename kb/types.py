"""Small frozen value types shared by ingest, retrieval, answering, the app and the eval."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.render import answer_text


@dataclass(frozen=True)
class Document:
    """One article as loaded from a file or URL, with its text and metadata."""

    doc_id: str
    source: str  # path relative to the corpus root, or the URL
    title: str
    text: str
    published: str | None = None  # ISO date
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    format: str = "txt"
    page_starts: tuple[int, ...] = ()  # PDF: character offset where each page starts
    content_hash: str = ""

    def page_at(self, offset: int) -> int | None:
        """1-based PDF page holding the character at `offset`, or None for other formats."""
        if not self.page_starts:
            return None
        page = 1
        for number, start in enumerate(self.page_starts, start=1):
            if start <= offset:
                page = number
        return page


def chunk_id(doc_id: str, content_hash: str, index: int) -> str:
    """A chunk's id: its document, its version (the content hash's first 12 characters) and
    its place in the document, so a version's chunks can be read by id."""
    return f"{doc_id}:{content_hash[:12]}:{index:04d}"


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, with offsets into the document text for exact citations."""

    chunk_id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int
    source: str
    title: str
    published: str | None = None
    publisher: str | None = None
    page: int | None = None
    content_hash: str = ""
    entities: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """Citation name in the style `"{source} chunk {n}"`."""
        page = f" p.{self.page}" if self.page else ""
        return f"{self.source}{page} chunk {self.index}"


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the ranks it had on each path."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None
    dense_similarity: float | None = None
    # the heading and sentence the chunk continues, from the chunk before it (kb.lead_in):
    # context for its first sentences, never quoted
    lead_in: str = ""


@dataclass(frozen=True)
class Citation:
    """A numbered source behind an answer: the chunk and the sentence that supports the claim."""

    n: int
    chunk: Chunk
    sentence: str
    sentence_start: int  # offset of `sentence` inside chunk.text, -1 when not located
    score: float

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "source": self.chunk.source,
            "title": self.chunk.title,
            "published": self.chunk.published,
            "publisher": self.chunk.publisher,
            "page": self.chunk.page,
            "text": self.sentence or self.chunk.text,
            "passage": self.chunk.text,
            "score": round(float(self.score), 4),
        }


@dataclass(frozen=True)
class Claim:
    """One statement of an answer and the numbers of the citations behind it."""

    text: str
    citations: tuple[int, ...]

    def to_json(self) -> dict:
        return {"text": self.text, "citations": list(self.citations)}


@dataclass(frozen=True)
class Answer:
    """What `ask` returns.

    `text` is the body with `[n]` markers; `claims` are its statements with the citations
    behind each; `as_of` is the date of the newest source cited. Nothing is appended to the
    text: the command line, the app, the export and the eval render the "As of" line from
    `as_of` (kb.render)."""

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    claims: tuple[Claim, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    as_of: str | None = None
    mode: str = "extractive"
    warnings: tuple[str, ...] = ()
    nearest: tuple[Hit, ...] = ()  # offered when the answer abstains
    shape: str = ""  # which answerer answered: "sentences", "ranking", "list", "llm"...
    rows: tuple[dict, ...] = ()  # a list, count or table answer's rows (column -> value)

    def to_json(self) -> dict:
        """The `kb ask --json` object. `answer` is the text as shown to a person (body plus
        the "As of" line); `body` and `claims` are the parts."""
        return {
            "question": self.question,
            "answer": answer_text(self),
            "body": self.text,
            "abstained": self.abstained,
            "as_of": self.as_of,
            "mode": self.mode,
            "shape": self.shape,
            "claims": [c.to_json() for c in self.claims],
            "citations": [c.to_json() for c in self.citations],
            "rows": [dict(r) for r in self.rows],
            "warnings": list(self.warnings),
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
            "nearest": [
                {"title": h.chunk.title, "published": h.chunk.published, "source": h.chunk.source}
                for h in self.nearest
            ],
        }
