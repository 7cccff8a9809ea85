"""One answer path: the app's LLM mode and the command line prepare a question alike, and
the filters restrict the dense and keyword search paths alike."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from kb.engine import KnowledgeBase
from kb.filters import Filters
from tests.conftest import ROOT
from tests.llm_standin import StandInLLM

FIRST = "What did Tessellate ship?"
FOLLOW_UP = "How much memory does it have?"
ENTITY = "TX-9"


def sources_block(messages: list[dict]) -> str:
    """The numbered sources of a prompt: which chunks the model was given, in order."""
    human = next(m for m in messages if m["role"] in ("user", "human"))
    return re.search(r"<sources>.*</sources>", human["content"], re.DOTALL).group(0)


def test_app_llm_mode_and_cli_send_the_same_sources(monkeypatch, fixture_store):
    monkeypatch.setenv("KB_STORE_DIR", str(fixture_store.store_dir))
    monkeypatch.setenv("KB_CORPUS_DIR", str(fixture_store.corpus_dir))
    monkeypatch.delenv("KB_CHROMA_URL", raising=False)
    with StandInLLM() as llm:
        llm.default_reply = "The corpus does not say."
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        at.sidebar.multiselect(key="entities").select(ENTITY).run()
        at.chat_input[0].set_value(FIRST).run()  # extractive: only history for the next one
        at.sidebar.radio[0].set_value("LLM").run()
        at.sidebar.text_input(key="llm_base_url").input(llm.url).run()
        at.sidebar.text_input(key="llm_model").input("standin").run()
        at.chat_input[0].set_value(FOLLOW_UP).run()
        assert not at.exception, at.exception
        assert len(llm.requests) == 1
        from_app = sources_block(llm.last_messages())

        env = {
            **os.environ,
            "KB_LLM_PROVIDER": "ollama",
            "KB_LLM_BASE_URL": llm.url,
            "KB_LLM_MODEL": "standin",
        }
        proc = subprocess.run(
            [sys.executable, "-m", "kb", "ask", FOLLOW_UP, "--mode", "llm", "--json"]
            + ["--entity", ENTITY, "--history", FIRST, "--store", str(fixture_store.store_dir)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["mode"] == "llm"
        assert len(llm.requests) == 2
        from_cli = sources_block(llm.last_messages())
    assert from_app.count("<source ") >= 2
    assert from_app == from_cli


@pytest.mark.parametrize(
    "spelling", ["Silicon Coast Daily", "silicon coast daily", "SILICON COAST DAILY "]
)
def test_publisher_filter_restricts_dense_and_keyword_paths_alike(
    fixture_kb: KnowledgeBase, spelling
):
    view = fixture_kb.refresh()
    publishers = set(view.keyword.publishers)
    assert "Silicon Coast Daily" in publishers and len(publishers) > 2
    filters = Filters(publishers=(spelling,))
    # the keyword path: exactly the chunks of that publisher
    mask = filters.mask(view.keyword)
    expected = [p == "Silicon Coast Daily" for p in view.keyword.publishers]
    assert mask is not None and mask.tolist() == expected
    # the dense path: Chroma's where clause admits the same chunks
    vector = fixture_kb.embed_query("accelerator memory price")
    dense = fixture_kb.store.query(vector, 50, filters.where(view.keyword.publisher_spellings))
    assert dense and {c.publisher for c, _ in dense} == {"Silicon Coast Daily"}
    allowed = {cid for cid, keep in zip(view.keyword.ids, expected, strict=True) if keep}
    assert {c.chunk_id for c, _ in dense} == allowed
    # and the fused hits
    hits = fixture_kb.retrieve("accelerator memory price", filters=filters, k=20)
    assert hits and {h.chunk.publisher for h in hits} == {"Silicon Coast Daily"}


def test_unknown_publisher_admits_nothing(fixture_kb: KnowledgeBase):
    assert fixture_kb.retrieve("accelerator", filters=Filters(publishers=("Nobody Weekly",))) == []
