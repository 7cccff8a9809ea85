"""The app in a real browser: `streamlit run app.py` on loopback, driven by Playwright in
Debian's headless Chromium. Screenshots land in tests/artifacts/ (look at them)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT, free_port, wait_for_http

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
NEW_ARTICLE = """Quillfeather Robotics raises $77 million for warehouse models
Published: 2026-06-02
Quillfeather Robotics said on Tuesday that it had raised $77 million in a Series B round led \
by Harbor Lane Ventures. The company builds vision-language models that plan pick-and-place \
work in warehouses. Quillfeather Robotics said the money would pay for a larger training \
cluster and for pilots with three logistics firms in Europe."""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make browser installs it)")
    root = tmp_path_factory.mktemp("browser")
    corpus = root / "corpus"
    shutil.copytree(DATA / "articles", corpus)
    env = {
        **os.environ,
        "KB_STORE_DIR": str(root / "store"),
        "KB_CORPUS_DIR": str(corpus),
        "HF_HUB_OFFLINE": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "ingest", "--quiet"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    if not wait_for_http(url + "/_stcore/health", proc):
        proc.kill()
        pytest.fail("streamlit did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def ask(page, question: str) -> None:
    box = page.get_by_placeholder("Ask about AI vendors")
    box.fill(question)
    box.press("Enter")


def last_answer(page):
    return page.locator('[data-testid="stChatMessage"]').last


def test_ask_see_sources_upload_and_ask_again(app_url, browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url)
    page.get_by_text("AI-market knowledge base").first.wait_for(timeout=60_000)

    ask(page, "Which model ranks first on the OpenJudge Arena?")
    card = last_answer(page).locator('[data-testid="stExpander"]').first
    card.wait_for(timeout=60_000)
    assert "[1]" in card.inner_text()
    answer_text = last_answer(page).locator('[data-testid="stMarkdownContainer"]').first
    assert "Lumen-4" in answer_text.inner_text() and "first" in answer_text.inner_text()
    page.locator("mark").first.wait_for(timeout=10_000)  # the first card opens by itself
    page.screenshot(path=str(ARTIFACTS / "answer-with-source.png"), full_page=True)

    article = tmp_path / "quillfeather-series-b.txt"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    page.get_by_text("Add articles").click()
    page.locator('input[type="file"]').set_input_files(str(article))
    page.get_by_role("button", name="Add to the corpus").click()
    page.get_by_text("quillfeather-series-b.txt").first.wait_for(timeout=120_000)
    page.wait_for_function(  # the counts above the upload box include the new article
        "() => document.querySelector('[data-testid=\"stMetricValue\"]')?.innerText === '7'",
        timeout=60_000,
    )
    assert "added" in page.locator('[data-testid="stSidebar"]').inner_text()
    page.screenshot(path=str(ARTIFACTS / "after-upload.png"), full_page=True)

    ask(page, "Who led Quillfeather Robotics' Series B round?")
    page.get_by_text("Harbor Lane Ventures").first.wait_for(timeout=60_000)
    text = last_answer(page).inner_text()
    assert "Harbor Lane Ventures" in text and "[1]" in text
    page.screenshot(path=str(ARTIFACTS / "answer-about-upload.png"), full_page=True)
    page.close()


HOSTILE = """Lumen tooling notes
Published: 2026-06-03
Northwind Labs published Lumen-4 tooling notes <script>window.__pwned = 1; alert('xss')</script>
<img src=x onerror="window.__pwned = 2; alert(2)"> and said the Quillpen debugger ships in July, \
see www.evil.example.com or https://evil.example.com/quillpen or mail leak@evil.example.com."""


def test_article_markup_is_shown_as_text_and_runs_nothing(app_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(app_url)
    page.get_by_text("AI-market knowledge base").first.wait_for(timeout=60_000)
    article = tmp_path / "lumen-tooling-notes.txt"
    article.write_text(HOSTILE, encoding="utf-8")
    page.get_by_text("Add articles").click()
    page.locator('input[type="file"]').set_input_files(str(article))
    page.get_by_role("button", name="Add to the corpus").click()
    page.get_by_text("lumen-tooling-notes.txt").first.wait_for(timeout=120_000)
    ask(page, "When does the Quillpen debugger ship?")
    card = last_answer(page).locator('[data-testid="stExpander"]').first
    card.wait_for(timeout=60_000)
    page.get_by_text("<script>", exact=False).first.wait_for(timeout=10_000)
    page.screenshot(path=str(ARTIFACTS / "markup-as-text.png"), full_page=True)
    assert dialogs == []
    assert page.evaluate("window.__pwned === undefined")
    # the URLs and the address in the article are text in the answer, the card and the
    # upload's result line: not one link to them anywhere on the page
    assert "evil.example.com/quillpen" in last_answer(page).inner_text().replace("\u2060", "")
    assert page.locator('a[href*="evil.example"]').count() == 0
    page.close()


def test_entity_page_draws_the_ranking_history(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(app_url)
    page.get_by_text("AI-market knowledge base").first.wait_for(timeout=60_000)
    page.get_by_text("Page of").first.wait_for(timeout=60_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Page of").click()
    # Type to narrow the list as a person does: the dropdown draws only the options in view,
    # and a click on an unfiltered list can land on a neighbour while it is still opening.
    page.keyboard.type("Kestrel Video 2.5")
    page.get_by_role("option", name="Kestrel Video 2.5", exact=True).click()
    try:
        page.get_by_text("Kestrel Video 2.5 · model").wait_for(timeout=60_000)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "entity-page-failed.png"), full_page=True)
        raise
    page.get_by_role("tab", name="Ranking history").click()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for(timeout=60_000)
    page.locator("canvas, svg.marks").first.wait_for(timeout=60_000)
    assert page.get_by_text("No. 1 on OpenJudge Arena").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "entity-ranking-history.png"), full_page=True)
    page.close()


# --- news feeds (issue 17) --------------------------------------------------------------

FEED_ARTICLES = {
    "/news/orrery-chips": (
        "Orrery Silicon ships the OR-7 inference card",
        "Orrery Silicon said on Monday that its OR-7 inference card is now shipping to cloud "
        "customers. The OR-7 carries 96 gigabytes of memory and draws 350 watts. Orrery "
        "Silicon said the card runs a 70-billion-parameter model at 40 tokens per second.",
    ),
    "/news/lattice-funding": (
        "Lattice Forge raises $41 million for evaluation tools",
        "Lattice Forge said on Wednesday that it had raised $41 million in a Series A round "
        "led by Copperline Capital. The startup sells tools that test language models "
        "before release. Lattice Forge said it would hire forty engineers in Lisbon.",
    ),
}


def feed_page(title: str, text: str) -> str:
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        f'<meta property="og:title" content="{title}">'
        '<meta property="article:published_time" content="2026-06-10"></head><body>'
        f"<article><h1>{title}</h1><p>{text}</p><p>{text}</p></article></body></html>"
    )


@pytest.fixture(scope="module")
def feeds_app(tmp_path_factory):
    """An app whose fetches may reach loopback (the feed site), with no per-site delay."""
    from tests.test_feeds import FeedSite, rss

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make browser installs it)")
    site = FeedSite()
    root = tmp_path_factory.mktemp("browser-feeds")
    env = {
        **os.environ,
        "KB_STORE_DIR": str(root / "store"),
        "KB_CORPUS_DIR": str(DATA / "articles"),
        "KB_ALLOW_PRIVATE_URLS": "1",
        "KB_FEED_HOST_INTERVAL_S": "0",
        "HF_HUB_OFFLINE": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "ingest", "--quiet"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
        + ["--server.address", "127.0.0.1", "--server.headless", "true"]
        + ["--browser.gatherUsageStats", "false"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    if not wait_for_http(url + "/_stcore/health", proc):
        proc.kill()
        site.close()
        pytest.fail("streamlit did not start")

    def publish(*paths: str) -> None:
        items = []
        for n, path in enumerate(paths):
            title, text = FEED_ARTICLES[path]
            site.put(path, feed_page(title, text))
            items.append({"n": n, "title": title, "link": site.url(path), "date": n})
        site.put("/feed.xml", rss("Loopback Chip Wire", items), "application/rss+xml")

    yield url, site.url("/feed.xml"), publish
    proc.terminate()
    proc.wait(timeout=20)
    site.close()


def test_feeds_subscribe_refresh_and_ask_about_a_new_article(feeds_app, browser):
    url, feed_url, publish = feeds_app
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    publish("/news/orrery-chips")
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    page.goto(url)
    page.get_by_text("AI-market knowledge base").first.wait_for(timeout=60_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    page.get_by_text("Add articles").click()
    sidebar.get_by_label("Feed URL (RSS, Atom or JSON Feed)").fill(feed_url)
    sidebar.get_by_label("Feed URL (RSS, Atom or JSON Feed)").press("Enter")
    sidebar.get_by_role("button", name="Subscribe").click()
    sidebar.get_by_text("Added articles").wait_for(timeout=120_000)
    assert "Orrery Silicon ships the OR-7 inference card" in sidebar.inner_text()
    assert "Loopback Chip Wire" in sidebar.inner_text()

    publish("/news/orrery-chips", "/news/lattice-funding")
    sidebar.get_by_role("button", name="Refresh", exact=True).click()
    sidebar.get_by_text("1 new, 0 updated, 1 unchanged").wait_for(timeout=120_000)
    # read with retries: the refresh's ingest reruns the page, and a single read can fall
    # between the summary line and the list under it (it failed so once on a full run)
    from playwright.sync_api import expect

    expect(sidebar).to_contain_text("Lattice Forge raises $41 million", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "feeds-after-refresh.png"), full_page=True)

    sidebar.get_by_role("button", name="Ask about it").first.click()
    card = last_answer(page).locator('[data-testid="stExpander"]').first
    card.wait_for(timeout=60_000)
    assert "Lattice Forge raises $41 million" in card.inner_text()

    ask(page, "Who led the Lattice Forge Series A round?")
    # wait for the new answer itself: the name is already on the page in the previous card
    # the assertion retries: a rerun redraws the chat, and for a moment the last message is
    # the assistant's empty bubble (read once, it failed under load on a full run)
    expect(last_answer(page)).to_contain_text("Copperline Capital", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "feeds-answer.png"), full_page=True)
    page.close()


# --- two app processes on one store (issue 18) ------------------------------------------


def start_app(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
        + ["--server.address", "127.0.0.1", "--server.headless", "true"]
        + ["--browser.gatherUsageStats", "false"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    if not wait_for_http(url + "/_stcore/health", proc):
        proc.kill()
        pytest.fail("streamlit did not start")
    return proc, url


@pytest.mark.slow
def test_two_app_processes_on_one_chroma_server_answer_during_and_after_an_ingest(
    browser, tmp_path
):
    from tests.test_server_store import start_chroma

    corpus = tmp_path / "corpus"  # uploads are saved under it
    shutil.copytree(DATA / "articles", corpus)
    chroma, chroma_url = start_chroma(tmp_path / "chroma", free_port())
    env = {
        **os.environ,
        "KB_CHROMA_URL": chroma_url,
        "KB_STORE_DIR": str(tmp_path / "store"),
        "KB_CORPUS_DIR": str(corpus),
        "HF_HUB_OFFLINE": "1",
    }
    apps = []
    try:
        subprocess.run(
            [sys.executable, "-m", "ingest", "--quiet"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )
        apps = [start_app(env), start_app(env)]
        pages = []
        for _, url in apps:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.get_by_text("AI-market knowledge base").first.wait_for(timeout=60_000)
            pages.append(page)
        for page in pages:
            ask(page, "Which model ranks first on the OpenJudge Arena?")
        for page in pages:
            last_answer(page).get_by_text("Lumen-4").first.wait_for(timeout=60_000)

        # App A ingests an upload; app B is asked at the same time, then both are asked
        # about the new article, with no restart.
        one, two = pages
        article = tmp_path / "quillfeather-series-b.txt"
        article.write_text(NEW_ARTICLE, encoding="utf-8")
        one.get_by_text("Add articles").click()
        one.locator('input[type="file"]').set_input_files(str(article))
        one.get_by_role("button", name="Add to the corpus").click()
        ask(two, "How much memory does the TX-9 have?")
        last_answer(two).get_by_text("288 gigabytes").first.wait_for(timeout=60_000)
        one.get_by_text("quillfeather-series-b.txt").first.wait_for(timeout=120_000)
        for page in (two, one):
            ask(page, "Who led Quillfeather Robotics' Series B round?")
            last_answer(page).get_by_text("Harbor Lane Ventures").first.wait_for(timeout=60_000)
            assert "[1]" in last_answer(page).inner_text()
        two.screenshot(path=str(ARTIFACTS / "second-app-after-ingest.png"), full_page=True)
        # the market facts followed too: a fresh store folder rebuilds them from the server
        facts = subprocess.run(
            [sys.executable, "-m", "kb", "facts", "--kind", "funding", "--json"],
            cwd=ROOT,
            env={**env, "KB_STORE_DIR": str(tmp_path / "fresh-store")},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert facts.returncode == 0, facts.stderr
        assert any("quillfeather" in f["source"] for f in json.loads(facts.stdout)["facts"])
    finally:
        for proc, _ in apps:
            proc.terminate()
            proc.wait(timeout=20)
        chroma.terminate()
        chroma.wait(timeout=20)


# --- sign-in and roles (issue 18) -------------------------------------------------------

OPERATOR_KEY = "sk-operator-key-in-env-7c1e"


def test_sign_in_and_each_roles_controls_and_the_key_never_reaches_the_browser(browser, tmp_path):
    from kb.settings import Settings
    from kb.users import add_user

    env = {
        **os.environ,
        "KB_STORE_DIR": str(tmp_path / "store"),
        "KB_CORPUS_DIR": str(DATA / "articles"),
        "KB_LLM_API_KEY": OPERATOR_KEY,
        "KB_LLM_MODEL": "standin",
        "HF_HUB_OFFLINE": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "ingest", "--quiet"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    users = Settings(store_dir=tmp_path / "store")
    add_user(users, "rita", "reader-pass-1", "reader")
    add_user(users, "ada", "admin-pass-1", "admin")
    proc, url = start_app(env)
    frames: list[bytes] = []
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on(
            "websocket",
            lambda ws: ws.on(
                "framereceived",
                lambda f: frames.append(f if isinstance(f, bytes) else f.encode()),
            ),
        )
        page.goto(url)

        def sign_in(name: str, password: str) -> None:
            page.get_by_label("User name").fill(name)
            page.get_by_label("Password", exact=True).fill(password)
            page.get_by_role("button", name="Sign in").click()

        sign_in("rita", "wrong-password")
        page.get_by_text("Wrong user name or password.").wait_for(timeout=60_000)
        assert page.get_by_placeholder("Ask about AI vendors").count() == 0
        page.wait_for_timeout(1200)  # the throttle's first wait is one second
        sign_in("rita", "reader-pass-1")
        page.get_by_text("Signed in as rita · reader").wait_for(timeout=60_000)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert "Add articles" not in sidebar.inner_text()
        sidebar.get_by_text("LLM", exact=True).click()
        sidebar.get_by_text("set up by the operator").wait_for(timeout=60_000)
        assert sidebar.get_by_label("Base URL").count() == 0
        page.screenshot(path=str(ARTIFACTS / "signed-in-reader.png"), full_page=True)
        sidebar.get_by_role("button", name="Sign out").click()

        sign_in("ada", "admin-pass-1")
        page.get_by_text("Signed in as ada · admin").wait_for(timeout=60_000)
        # the sidebar's admin controls render after the sign-in line: wait for them
        from playwright.sync_api import expect

        expect(sidebar).to_contain_text("Add articles", timeout=60_000)
        expect(sidebar).to_contain_text("Audit log", timeout=60_000)
        sidebar.get_by_text("LLM", exact=True).click()
        sidebar.get_by_label("Base URL").wait_for(timeout=60_000)
        key_box = sidebar.get_by_label("API key (kept in this session only)", exact=True)
        key_box.fill("sk-typed-in-browser-55aa")
        key_box.press("Enter")
        sidebar.get_by_text("A key is set for this session (not shown).").wait_for(timeout=60_000)
        assert key_box.input_value() == ""
        page.screenshot(path=str(ARTIFACTS / "signed-in-admin-llm.png"), full_page=True)
        html = page.content()
        received = b"".join(frames)
        for secret in (OPERATOR_KEY, "sk-typed-in-browser-55aa"):
            assert secret not in html and secret.encode() not in received
        assert frames  # the websocket was watched
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


# --- the Market view (issue 15) -----------------------------------------------------------


def test_market_view_shows_fact_tables_a_chart_and_a_source(app_url, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1300})
    page.goto(app_url)
    page.get_by_text("AI-market knowledge base").first.wait_for(timeout=60_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Market view").click()
    page.get_by_role("heading", name="Market facts").wait_for(timeout=60_000)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=60_000)
    assert page.get_by_role("tab", name="Funding rounds").is_visible()
    # the source card of the selected row quotes its article
    quote = page.locator(".kb-quote").first
    quote.wait_for(timeout=60_000)
    assert "1.3 billion" in quote.inner_text()
    page.get_by_role("tab", name="Prices").click()
    page.get_by_text("Price over time of").first.wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "market-view.png"), full_page=True)
    # back in the chat, a list answer comes with its table of cited rows
    sidebar.get_by_text("Market view").click()
    ask(page, "Which companies raised more than $1 billion?")
    answer = last_answer(page)
    answer.locator('[data-testid="stDataFrame"]').wait_for(timeout=60_000)
    assert "Northwind Labs" in answer.inner_text()
    page.screenshot(path=str(ARTIFACTS / "list-answer.png"), full_page=True)
    page.close()
