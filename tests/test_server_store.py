"""The same ingest and ask against a real Chroma server (`chroma run`) on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from kb.engine import KnowledgeBase
from kb.settings import Settings
from kb.store import ChromaStore
from tests.conftest import ROOT, free_port, wait_for_http


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    proc, url = start_chroma(tmp_path_factory.mktemp("chroma-server"), free_port())
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
    assert stats.documents == 6 and stats.store == url
    answer = kb.ask("Which model ranks first on the OpenJudge Arena?")
    assert not answer.abstained
    assert answer.citations[0].chunk.source == "openjudge-arena-march.html"


def start_chroma(path, port):
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    if wait_for_http(url + "/api/v2/heartbeat", proc, 60):
        return proc, url
    proc.kill()
    pytest.fail("chroma run did not start")


@pytest.mark.slow  # a Chroma server stopped mid-ingest and started again: about 50 s
def test_server_going_away_mid_ingest_is_a_clear_error_and_loses_nothing(tmp_path):
    from tests.test_reliability import CORPUS, consistent

    docs = tmp_path / "docs"  # enough documents that the ingest is surely still running
    docs.mkdir()
    sources = sorted(CORPUS.glob("*.md"))
    for i in range(200):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        (docs / f"copy-{i:03d}.md").write_text(f"{text}\n\nEdition {i} of this note.\n")
    data, port = tmp_path / "server-data", free_port()
    server, url = start_chroma(data, port)
    env_store = tmp_path / "local"
    cmd = [sys.executable, "-m", "ingest", str(docs), "--chroma-url", url, "--quiet"]
    ingest = subprocess.Popen(
        [*cmd, "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "KB_STORE_DIR": str(env_store), "KB_NEAR_DUPLICATE_THRESHOLD": "1.5"},
    )
    settings = Settings(chroma_url=url, store_dir=env_store)
    deadline = time.time() + 120
    while time.time() < deadline and ingest.poll() is None:
        try:
            if ChromaStore(settings).documents():
                break  # some documents are stored: the ingest is half-way
        except Exception:  # noqa: BLE001 - collections not created yet
            pass
        time.sleep(0.2)
    assert ingest.poll() is None, "the ingest finished before the server could be stopped"
    stored_before = len(ChromaStore(settings).documents())
    server.kill()
    server.wait()
    _, err = ingest.communicate(timeout=300)
    assert ingest.returncode == 2, err
    assert "Chroma server" in err and "hint:" in err

    server, url = start_chroma(data, port)  # back on the same data
    try:
        assert len(ChromaStore(settings).documents()) >= stored_before  # nothing was lost
        rerun = subprocess.run(
            cmd,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            env={
                **os.environ,
                "KB_STORE_DIR": str(env_store),
                "KB_NEAR_DUPLICATE_THRESHOLD": "1.5",
            },
        )
        assert rerun.returncode == 0, rerun.stderr
        consistent(settings)
        assert len(ChromaStore(settings).documents()) == 200
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_feed_subscriptions_live_on_the_server_for_every_process(chroma_server, embedder, tmp_path):
    """Issue 17: subscriptions and their state are stored with the store, so a second
    process (another machine's store dir, same server) lists and refreshes them."""
    from ingest.feeds import list_feeds, refresh, subscribe
    from tests.test_feeds import FeedSite, add_article, rss

    url, _ = chroma_server
    site = FeedSite()
    try:
        items = [add_article(site, n) for n in (1, 2)]
        site.put("/feed.xml", rss("Server Wire", items), "application/rss+xml")

        def settings_for(name: str) -> Settings:
            return Settings(
                chroma_url=url,
                store_dir=tmp_path / name,
                collection="server_feeds",
                allow_private_urls=True,
                feed_host_interval_s=0,
            )

        first = settings_for("machine-a")
        assert subscribe(first, embedder, site.url("/feed.xml")).new == 2
        second = settings_for("machine-b")
        [feed] = list_feeds(second)
        assert feed.url == site.url("/feed.xml") and feed.items_seen == 2
        # the second process refreshes: only the new item is fetched and ingested
        site.put(
            "/feed.xml", rss("Server Wire", [add_article(site, 3), *items]), "application/rss+xml"
        )
        [result] = refresh(second, embedder)
        assert (result.new, result.unchanged) == (1, 2)
        assert list_feeds(first)[0].items_seen == 3
        assert KnowledgeBase(first, embedder).stats().documents == 3
    finally:
        site.close()


def test_market_facts_follow_an_ingest_by_another_process(chroma_server, embedder, tmp_path):
    """An app process and an ingest in another process, each with its own store folder (as
    on two machines), on one Chroma server: the app's market facts catch up by themselves,
    and a fresh folder rebuilds them from the server alone."""
    from kb.factstore import FactQuery, rebuild_thread
    from tests.conftest import DATA

    url, _ = chroma_server
    env = {**os.environ, "KB_COLLECTION": "facts_test", "HF_HUB_OFFLINE": "1"}
    app = Settings(chroma_url=url, store_dir=tmp_path / "app", collection="facts_test")
    Ingestor(app, embedder).run([str(DATA / "articles" / "tessellate-chip.htm")])
    kb = KnowledgeBase(app, embedder)
    funding = FactQuery(kinds=("funding",))
    assert not [f for f in kb.facts(funding) if f.source.endswith("northwind-funding.md")]

    article = DATA / "articles" / "northwind-funding.md"
    ingest = subprocess.run(
        [sys.executable, "-m", "ingest", str(article), "--chroma-url", url, "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**env, "KB_STORE_DIR": str(tmp_path / "ingest")},
    )
    assert ingest.returncode == 0, ingest.stderr

    # the app's file is now of an older revision: it answers at once from it while a
    # background thread rebuilds it from the server
    kb.facts(funding)
    rebuild = rebuild_thread(app.facts_path())
    assert rebuild is not None
    rebuild.join(60)
    new = [f for f in kb.facts(funding) if f.source.endswith("northwind-funding.md")]
    assert any(f.fields.get("amount") == 1.3e9 for f in new), new
    fresh = subprocess.run(
        [sys.executable, "-m", "kb", "facts", "--kind", "funding", "--chroma-url", url, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**env, "KB_STORE_DIR": str(tmp_path / "fresh")},
    )
    assert fresh.returncode == 0, fresh.stderr
    facts = json.loads(fresh.stdout)["facts"]
    assert any(f["source"].endswith("northwind-funding.md") for f in facts), facts
    rebuilt = Settings(chroma_url=url, store_dir=tmp_path / "fresh", collection="facts_test")
    assert rebuilt.facts_path().exists()  # its fact file, rebuilt from the server
