"""The same ingest and ask against a real Chroma server (`chroma run`) on loopback."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ingest.pipeline import Ingestor
from kb.engine import KnowledgeBase
from kb.settings import Settings
from tests.conftest import free_port


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        chroma = Path(shutil.which("chroma") or "chroma")
    path = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(url + "/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma run did not start")
    yield url, proc
    proc.terminate()
    proc.wait(timeout=20)


def test_ingest_and_ask_through_a_chroma_server(chroma_server, embedder, articles, tmp_path):
    url, _ = chroma_server
    settings = Settings(chroma_url=url, store_dir=tmp_path / "local", collection="server_test")
    report = Ingestor(settings, embedder).run([str(articles)]).to_json()
    assert report["documents"]["added"] == 6 and report["failed"] == []
    again = Ingestor(settings, embedder).run([str(articles)]).to_json()
    assert again["chunks_added"] == 0

    kb = KnowledgeBase(settings, embedder)
    stats = kb.stats()
    assert stats["documents"] == 6 and stats["store"] == url
    answer = kb.ask("Which model ranks first on the OpenJudge Arena?")
    assert not answer.abstained
    assert answer.citations[0].chunk.source == "openjudge-arena-march.html"
