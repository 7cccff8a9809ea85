"""Loaders on small real inputs: what a person would expect each format to yield."""

from __future__ import annotations

import http.server
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.chunking import chunk_document
from ingest.http import FetchPolicy
from ingest.loaders import load_url, loader_for
from ingest.loaders.html import load_html
from ingest.loaders.markdown import load_markdown
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import load_txt
from ingest.metadata import parse_date
from kb.errors import LoadError, UnsupportedFormatError
from kb.types import Document
from tests.conftest import DATA

RAW = (
    "Kestrel rises to No. 2 as rivals fall away\n"
    "Why this matters: a shift in the video market.\n"
    "Published: 2026-07-21\n"
    "Corvid Systems released Kestrel Video 2.5 on Monday with a 40% launch discount."
    "The release arrives at a moment of upheaval.Rivals costing $52.7 billion to build "
    "have stumbled.How Kestrel climbed the arenaKestrel first appeared in early April and was "
    "subsequent"
)


def test_raw_txt_title_date_and_glued_sentences():
    doc = load_txt(RAW.encode(), "raw.txt")
    assert doc.title == "Kestrel rises to No. 2 as rivals fall away"
    assert doc.published == "2026-07-21"
    assert "Published" not in doc.text
    assert doc.text.startswith("Why this matters")
    full = Document("d", "raw.txt", doc.title, doc.text, content_hash="h" * 20)
    chunks = chunk_document(full, size=200, overlap=0)
    joined = [c.text for c in chunks]
    assert any(t.endswith("discount.") for t in joined) or any(
        "discount. The" not in t for t in joined
    )
    for chunk in chunks:
        assert "$52." not in chunk.text[-4:] and not chunk.text.endswith("52")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-07-21", "2026-07-21"),
        ("2026-07-21T09:00:00Z", "2026-07-21"),
        ("July 21, 2026", "2026-07-21"),
        ("21 July 2026", "2026-07-21"),
        ("Jul. 21 2026", "2026-07-21"),
        ("D:20240815000000Z", "2024-08-15"),
        # as French, German and Spanish papers write them on their date lines
        ("mardi 13 octobre 2026 à 07h12", "2026-10-13"),
        ("1er octobre 2026", "2026-10-01"),
        ("3. März 2026", "2026-03-03"),
        ("17. November 2026, 14:32 Uhr", "2026-11-17"),
        ("5 de mayo de 2026", "2026-05-05"),
        ("2026-02-30", None),
        ("soon", None),
    ],
)
def test_dates_in_the_shapes_articles_use(value, expected):
    assert parse_date(value) == expected


def test_markdown_front_matter_and_structure():
    md = (
        b'---\ntitle: "Lumen-4 ships"\ndate: 2026-02-10\nsource: Model Watch\n'
        b"author: Dana Okafor\nurl: https://example.test/x\n---\n\n# Lumen-4 ships\n\n"
        b"Intro with **bold** and a [link](https://x.test).\n\n## Prices\n\n"
        b"| Model | Input |\n|---|---|\n| Lumen-4 | $3.00 |\n\n- first\n- second\n"
    )
    doc = load_markdown(md, "a.md")
    assert (doc.title, doc.published, doc.publisher, doc.author, doc.url) == (
        "Lumen-4 ships",
        "2026-02-10",
        "Model Watch",
        "Dana Okafor",
        "https://example.test/x",
    )
    assert "Intro with bold and a link." in doc.text
    assert "\n\nPrices\n\n" in doc.text
    assert "Lumen-4 | $3.00" in doc.text
    assert "**" not in doc.text and "](" not in doc.text


def test_markdown_bad_front_matter_is_a_clear_error():
    with pytest.raises(LoadError, match="front matter"):
        load_markdown(b"---\ntitle: [unclosed\n---\nBody text that is long enough.", "x.md")


def test_html_reads_metadata_and_only_the_article():
    page = (DATA / "articles" / "openjudge-arena-march.html").read_bytes()
    doc = load_html(page, "openjudge-arena-march.html")
    assert doc.published == "2026-03-20"
    assert doc.title and doc.publisher and doc.author
    assert "cookies" not in doc.text.lower()


def _pdf(path: Path, pages: list[str], table: list[tuple[str, ...]] | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Quarterly chips report")
    pdf.set_author("Compute Weekly")
    pdf.set_creation_date(datetime(2026, 5, 12, tzinfo=UTC))
    pdf.set_font("Helvetica", size=11)
    for i, text in enumerate(pages):
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
        if table and i == len(pages) - 1:
            pdf.ln(4)
            with pdf.table() as t:
                for row in table:
                    r = t.row()
                    for cell in row:
                        r.cell(cell)
    pdf.output(str(path))
    return path.read_bytes()


def test_pdf_pages_metadata_and_table_rows(tmp_path):
    data = _pdf(
        tmp_path / "r.pdf",
        [
            "Published: 2026-05-12\n\nTessellate shipped the TX-9 accelerator this spring.",
            "Second page prose about memory bandwidth and packaging.",
        ],
        [
            ("Chip", "Vendor", "Memory"),
            ("TX-9", "Tessellate", "192GB"),
            ("TX-8 (previous generation, long name)", "Tessellate", "96GB"),
        ],
    )
    doc = load_pdf(data, "r.pdf")
    assert (doc.title, doc.author, doc.published) == (
        "Quarterly chips report",
        "Compute Weekly",
        "2026-05-12",
    )
    assert len(doc.page_starts) == 2
    second = doc.text[doc.page_starts[1] :]
    assert "Chip: TX-9 | Vendor: Tessellate | Memory: 192GB" in second
    assert "Chip: TX-8 (previous generation, long name) | Vendor: Tessellate" in second
    full = Document(
        "d",
        "r.pdf",
        doc.title,
        doc.text,
        format="pdf",
        page_starts=doc.page_starts,
        content_hash="h" * 20,
    )
    pages = {c.page for c in chunk_document(full)}
    assert pages == {1, 2}


def test_pdf_corrupt_and_truncated(tmp_path):
    data = _pdf(tmp_path / "r.pdf", ["Some text on the page that is long enough to index."])
    with pytest.raises(LoadError, match="truncated"):
        load_pdf(data[: len(data) // 2], "r.pdf")
    with pytest.raises(LoadError, match="not a PDF"):
        load_pdf(b"hello, I am text", "r.pdf")
    mangled = data[:200] + b"\x00garbage" * 50 + data[-300:]
    with pytest.raises(LoadError):
        load_pdf(mangled, "r.pdf")


def test_unsupported_extension():
    with pytest.raises(UnsupportedFormatError, match=".docx"):
        loader_for("notes.docx")


@pytest.fixture
def page_server():
    page = (DATA / "articles" / "openjudge-arena-march.html").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path.startswith("/missing"):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_url_is_fetched_and_read_as_html(page_server):
    # the test server is on loopback, which only an explicit allow_private reaches
    policy = FetchPolicy(allow_private=True, timeout_s=5, max_bytes=10**6)
    doc, _ = load_url(page_server + "/news/arena?utm_source=x#top", policy)
    assert doc.published == "2026-03-20" and "cookies" not in doc.text.lower()
    with pytest.raises(LoadError, match="HTTP 404"):
        load_url(page_server + "/missing", policy)


def test_url_ingest_uses_the_normalised_url_as_source(settings, embedder, page_server):
    from ingest.pipeline import Ingestor
    from kb.store import ChromaStore

    settings = settings.model_copy(update={"allow_private_urls": True})  # loopback test server
    report = Ingestor(settings, embedder).run(
        [
            page_server.replace("http://", "http://reader:s3cret@")
            + "/news/arena/?utm_source=x&token=t0"
        ]
    )
    assert report.to_json()["documents"]["added"] == 1
    (doc,) = ChromaStore(settings).documents().values()
    assert doc.source == page_server + "/news/arena" and doc.url == doc.source


def test_url_ingest_refuses_a_loopback_server_unless_private_urls_are_allowed(
    settings, embedder, page_server
):
    from ingest.pipeline import Ingestor

    report = Ingestor(settings, embedder).run([page_server + "/news/arena"]).to_json()
    (failed,) = report["files"]
    assert failed["status"] == "failed" and "a loopback address" in failed["error"]
    assert "KB_ALLOW_PRIVATE_URLS=1" in failed["hint"]


def test_pasted_text_gets_back_the_breaks_after_glued_subheadings():
    from ingest.loaders.text import load_txt

    body = (
        "Lumen-4 is out. "
        * 20
        + "Northwind sells it through AWS.How Lumen climbed to the top of the boardLumen-4 "
        "first surfaced in March on the OpenJudge Arena, ahead of DeepSeek, ByteDance and "
        "the iPhone maker's models.What comes nextAnalysts expect a price cut."
    )
    loaded = load_txt(f"Lumen-4 arrives\nPublished: 2026-03-02\n{body}".encode(), "lumen.txt")
    assert "top of the board\n\nLumen-4 first surfaced" in loaded.text
    assert "What comes next\n\nAnalysts expect" in loaded.text
    for word in ("DeepSeek", "ByteDance", "iPhone", "OpenJudge"):
        assert word in loaded.text
    short = load_txt(b"A title\nA short line about the boardLumen.", "short.txt")
    assert "boardLumen" in short.text  # only run-on pastes are mended


ESCAPES_PAGE = """<html><head><title>Keys, prices and tags</title></head><body><article>
<h1>Keys, prices and tags</h1>
<p>Use the key tok_live_abc_123 at https://api.example.com/v1/some_path_here for $5 per 1M
tokens, on a 2*3 grid, with a_b_c and *stars* kept as written.</p>
<p>In prose, the tag &lt;img src="x.png"&gt; is shown as text, and [brackets] stay too.</p>
<table><tr><th>Key</th><th>Price</th></tr><tr><td>tok_test a|b</td><td>$5 *per* 1M</td></tr>
</table>
<p>A third paragraph, long enough for the extractor to keep the article body as it is.</p>
</article></body></html>"""


def test_html_text_is_plain_text_without_markdown_escapes():
    text = load_html(ESCAPES_PAGE.encode(), "keys.html").text
    assert "\\" not in text, text
    for written in (
        "tok_live_abc_123",
        "https://api.example.com/v1/some_path_here",
        "$5",
        "2*3",
        "a_b_c",
        "*stars*",
        '<img src="x.png">',
        "[brackets]",
        "tok_test a|b | $5 *per* 1M",  # a table row: cells apart, a pipe inside a cell kept
    ):
        assert written in text, (written, text)


def test_markdown_escapes_are_the_characters_themselves():
    doc = load_markdown(
        b"# Escapes\n\nA \\*literal\\* star, tok\\_live\\_key, \\$20 and \\<br\\> as text; "
        b"**bold** still loses its markup.\n",
        "escapes.md",
    )
    assert "A *literal* star, tok_live_key, $20 and <br> as text; bold still" in doc.text


def test_a_readmes_badges_leave_no_empty_links():
    doc = load_markdown(
        b"# Harbench\n\n[![License: MIT](https://img.shields.io/badge/license-MIT.svg)](LICENSE)\n"
        b"[![Tasks](https://img.shields.io/badge/tasks-412.svg)](tasks/)\n\n"
        b"See the [leaderboard](#board) and ![a chart](chart.png) below.\n",
        "README.md",
    )
    assert "[]" not in doc.text and "LICENSE" not in doc.text
    assert "See the leaderboard and  below." in doc.text


@pytest.mark.parametrize(
    ("source", "title"),
    [
        ("uploads/sub/zorblax_long-title.md", "Zorblax long title"),
        ("/home/ana/corpus/uploads/q3-gpu-prices.md", "Q3 gpu prices"),
        ("C:\\Users\\ana\\my_notes.md", "My notes"),
        ("https://example.com/news/ai-week.html?utm_source=x", "Ai week"),
    ],
)
def test_a_title_from_a_file_name_is_the_files_own_name(source, title):
    doc = load_markdown(b"Some article text without a heading or front matter at all.", source)
    assert doc.title == title


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_and_html_keep_their_titles(encoding):
    from ingest.loaders import sniff_matches

    txt = "Nordhavn cuts GPU prices – again\nPublished: 2026-07-21\nNordhavn Cloud cut prices."
    data = txt.encode(encoding)
    assert sniff_matches("note.txt", data)
    doc = load_txt(data, "note.txt")
    assert doc.title == "Nordhavn cuts GPU prices – again" and doc.published == "2026-07-21"
    assert "\x00" not in doc.text and "\ufeff" not in doc.title
    page = ESCAPES_PAGE.replace("<head>", '<head><meta charset="utf-16">')
    html_doc = load_html(page.encode(encoding), "page.html")
    assert html_doc.title == "Keys, prices and tags"
    assert "tok_live_abc_123" in html_doc.text


STATUS_PAGE = """<!doctype html><html><head><title>Orrelin Cloud changelog</title></head><body>
<nav><a href="/">Home</a></nav>
<article>
<h1>Orrelin Cloud changelog</h1>
<p>Orrelin Cloud lists every change to its API here, newest first, for developers.</p>
<h2>v3.2 &mdash; <time datetime="2027-04-02">April 2, 2027</time></h2>
<p>New regions in Lisbon and Warsaw, both serving the Orrelin Large model from launch day.</p>
<p>Batch requests are billed at half the normal price from this release onwards.</p>
<aside class="status"><h3>Service status: Orrelin Chat</h3>
<p>Portugal: available</p><p>Poland: paused since 3 March 2027</p></aside>
</article>
<aside class="related"><h3>Read more</h3><p>Ten cloud start-ups to watch this spring</p></aside>
</body></html>"""


def test_html_keeps_the_articles_dates_and_its_own_boxes_but_not_the_sidebar():
    text = load_html(STATUS_PAGE.encode(), "orrelin-changelog.html").text
    assert "v3.2 — April 2, 2027" in text  # a <time> element's text is the article's
    assert "Poland: paused since 3 March 2027" in text  # a box set aside inside the article
    assert "Ten cloud start-ups" not in text  # an aside outside it is the page's, not its


def test_an_html_page_without_site_metadata_takes_its_publisher_from_its_title():
    body = "<p>" + "Cairnbench ranks AI agents by the tasks they complete end to end. " * 8 + "</p>"
    page = (
        "<html><head><title>Cairnbench Leaderboard — week 48 | Oxmoor Evals</title></head>"
        f"<body><main><h1>Cairnbench</h1>{body}</main></body></html>"
    )
    assert load_html(page.encode(), "board.html").publisher == "Oxmoor Evals"
    # a title with no site after a separator names no publisher
    plain = page.replace(" | Oxmoor Evals", "")
    assert load_html(plain.encode(), "board.html").publisher is None
    # a store's page names the store last: "Cairnbench: Agent Scores on the App Store"
    store = page.replace(
        "Cairnbench Leaderboard — week 48 | Oxmoor Evals", "Cairnbench on the App Store"
    )
    assert load_html(store.encode(), "app.html").publisher == "App Store"


def test_a_wiki_page_is_dated_by_its_last_edit_not_by_a_date_in_its_history():
    body = "<p>" + "Strathorn Labs was founded on 2 October 2022 in Edinburgh. " * 8 + "</p>"
    page = (
        "<html><head><title>Strathorn Labs - Wikipedia</title></head><body>"
        "<div id='siteNotice'>This page was last edited on 20 November 2026, at 14:07.</div>"
        f"<main><h1>Strathorn Labs</h1>{body}</main></body></html>"
    )
    loaded = load_html(page.encode(), "strathorn.html")
    assert loaded.published == "2026-11-20" and loaded.publisher == "Wikipedia"


def test_a_wiki_pages_infobox_lines_stay_apart_and_its_reference_marks_go():
    body = "<p>" + "Strathorn Labs builds speech models for call centres in Europe. " * 6
    body += 'It was founded in Edinburgh.<sup class="reference"><a href="#cite-3">[3]</a></sup>'
    body += " Its revenue doubled in 2025.<sup>[12]</sup></p>"
    page = (
        "<html><head><title>Strathorn Labs - Wikipedia</title></head><body><main>"
        "<h1>Strathorn Labs</h1><table class='infobox'>"
        "<tr><th>Founders</th><td>Ewan Leckie<br>Priya Ormond<br/>Callum Dunnet</td></tr>"
        f"</table>{body}</main></body></html>"
    )
    text = load_html(page.encode(), "strathorn.html").text
    assert "Ewan Leckie; Priya Ormond; Callum Dunnet" in text
    assert "founded in Edinburgh. Its revenue doubled in 2025." in text
    assert "[3]" not in text and "[12]" not in text


def test_a_pasted_post_is_dated_by_the_date_closing_its_header_line():
    from ingest.loaders.text import load_txt

    text = "Teodora Rennick @teo_rennick · Nov 9, 2026\n\n1/ the GPU price war went on. "
    text += "More text about H100 prices at five clouds. " * 10
    loaded = load_txt(text.encode(), "t.txt")
    assert loaded.published == "2026-11-09" and loaded.title == "Teodora Rennick @teo_rennick"
    # a title that merely ends in a year is no date line
    other = load_txt(b"Outlook for 2026\n\n" + b"Prices fell again this year. " * 20, "o.txt")
    assert other.published is None and other.title == "Outlook for 2026"


def test_markdown_footnote_markers_go_and_footnotes_read_as_text():
    from ingest.loaders.markdown import markdown_to_text

    text, _ = markdown_to_text(
        "On Timbre Arena, the leaderboard,[^3] Cantora v5 is third.\n\n"
        "[^3]: Timbre Arena is run by volunteers."
    )
    assert "leaderboard, Cantora v5 is third." in text
    assert "Timbre Arena is run by volunteers." in text and "[^" not in text


def _discussion_page(comments: str, article: str = "") -> bytes:
    return f"""<html><head><title>Quillmoss | Launch Board</title></head><body>
<nav><a href="/">Home</a> <a href="/launches">Launches</a></nav>
<main><section class="post-header"><h1>Quillmoss</h1>
<p>Made by Arla Venn and Toby Skerritt, Company: Pennock Labs</p>{article}</section>
<section class="comments"><h3>Discussion (48)</h3>{comments}</section></main>
<footer>About · Careers · Terms</footer></body></html>""".encode()


_MAKER_COMMENT = """<article class="comment maker"><p class="author">Arla Venn · 1d ago</p>
<p>Hi all, Arla here, co-founder of Pennock Labs. Quillmoss drafts grant reports from your
lab notebook and cites every figure back to the notebook page it came from.</p>
<p><strong>What changed since the beta:</strong></p>
<ul><li>Removed: the email digest. Hardly anyone opened it, so we cut it.</li>
<li>New: a Word add-in for the final report.</li></ul>
<p><strong>Pricing:</strong> Solo is $18/month and Lab is $12 per seat per month. Launch
code QUILLDAY takes 40% off the first two months of Solo.</p></article>
<article class="comment"><p class="author">Mirela Dascalu · 1d ago</p>
<p>I was paying $25 a month for Draftwell, which only does the writing, not the citing. The
notebook links are what sold me; the Word add-in is a nice extra for our grants office.</p>
</article>"""


def test_a_page_that_is_mostly_its_discussion_is_read_with_its_comments():
    """A launch page's maker comment holds its prices and changes: main-content extraction
    drops comments as boilerplate, which left such a page only its header."""
    loaded = load_html(_discussion_page(_MAKER_COMMENT), "quillmoss-launch.html")
    assert "Made by Arla Venn" in loaded.text  # the header stays, in its place
    assert loaded.text.index("Made by") < loaded.text.index("Solo is $18/month")
    assert "QUILLDAY" in loaded.text and "Draftwell" in loaded.text
    assert "Removed: the email digest" in loaded.text  # the comment's list kept
    assert "Careers" not in loaded.text


def test_an_articles_comment_section_stays_out_of_its_text():
    article = "".join(
        f"<p>Pennock Labs said on Tuesday that its grant-writing tool Quillmoss now serves "
        f"{n} research groups in its {n}th month, with billing by seat from the spring.</p>"
        for n in range(11, 19)
    )
    loaded = load_html(_discussion_page(_MAKER_COMMENT, article), "quillmoss-news.html")
    assert "serves 11 research groups" in loaded.text
    assert "QUILLDAY" not in loaded.text and "Draftwell" not in loaded.text


def _changelog_entry(day: str, title: str, body: str) -> str:
    return f'<section class="entry" id="{day}"><h2>{day}</h2><h3>{title}</h3>{body}</section>'


_CHANGELOG = (
    '<html><head><title>Changelog | Wrenfield API Docs</title><meta property="og:site_name"'
    ' content="Wrenfield API Docs"></head><body><aside class="sidebar"><ul><li><a href="/q">'
    "Quickstart</a></li><li><a href='/c'>Changelog</a></li></ul></aside>"
    '<main class="content"><h1>Changelog</h1><p>Notable changes, newest first.</p>'
    + _changelog_entry(
        "November 18, 2026",
        "tern-5 is available",
        "<ul><li><code>tern-latest</code> now resolves to tern-5-2026-11-12 (previously "
        "tern-4-2026-06-03).</li><li>Pricing for tern-5: $2.40 per 1M input tokens and $9.60 "
        "per 1M output tokens.</li></ul>",
    )
    + _changelog_entry(
        "October 21, 2026",
        "Higher rate limits for Tiers 2 to 4",
        "<p>We raised requests-per-minute limits for tern-4 and tern-4-mini. The new limits "
        "apply automatically and no action is needed from you.</p><table><thead><tr><th>Tier"
        "</th><th>RPM before</th><th>RPM now</th></tr></thead><tbody><tr><td>Tier 1</td>"
        "<td>500</td><td>500</td></tr><tr><td>Tier 2</td><td>1,000</td><td>2,000</td></tr>"
        "<tr><td>Tier 3</td><td>2,000</td><td>5,000</td></tr></tbody></table>",
    )
    + _changelog_entry(
        "October 7, 2026",
        "Batch API is generally available",
        "<p>The Batch API, in beta since April 22, 2026, is now generally available and is "
        "covered by the uptime SLA. Batches keep the 50% discount and the 24-hour window.</p>",
    )
    + "</main><footer>Status · Terms · Privacy</footer></body></html>"
)


def test_a_changelog_of_sections_keeps_its_tables_rows_and_its_first_entry():
    """trafilatura's main extractor reads only the first of such entries, its fallback reads
    all of them but flattens a table into one paragraph per cell and drops the first entry's
    heading and date; both are put back."""
    text = load_html(_CHANGELOG.encode(), "wrenfield-changelog.html").text
    assert "Tier 3 | 2,000 | 5,000" in text, text
    assert "Tier | RPM before | RPM now" in text
    assert "November 18, 2026" in text and "tern-5 is available" in text
    assert text.index("November 18, 2026") < text.index("tern-latest now resolves")
    assert "is now generally available" in text and "Quickstart" not in text


def test_a_spreadsheet_export_is_dated_by_the_export_field_of_its_header_line():
    rows = "\n".join(
        f"Vendor {n},Plan {n},per seat,{n}.00,USD,2026-10-0{n % 9 + 1}" for n in range(40)
    )
    text = (
        "Model price tracker - Procurement, Kelderby Group\n"
        'Sheet: "Prices" | exported 2026-11-24 09:15 CET by R. Amadi | file: tracker_v3.xlsx\n\n'
        "vendor,product,plan,unit,price,currency,effective date\n" + rows + "\n"
    )
    loaded = load_txt(text.encode(), "kelderby-price-tracker-2026.txt")
    assert loaded.published == "2026-11-24"
    assert "exported 2026-11-24" not in loaded.text


def test_a_pasted_pages_menu_line_is_neither_its_title_nor_its_text():
    comment = "I used it for two years and the export worked fine, for what it is worth. " * 6
    text = (
        "Hacker News new | past | comments | ask | show | jobs | submit login\n"
        "▲ Quillbarn is shutting down; the team is joining Fenmoor (quillbarn.com)\n"
        "288 points by ottar 5 hours ago | hide | past | favorite | 96 comments\n\n"
        f"▲ wend 4 hours ago [-]\n\n{comment}\n"
    )
    loaded = load_txt(text.encode(), "hn-quillbarn-2026.txt")
    assert loaded.title.startswith("Quillbarn is shutting down")
    assert "submit login" not in loaded.text


def test_a_pages_headline_is_not_its_publisher():
    """No site metadata: trafilatura may guess the headline as the site's name; the title's
    "| Site" names it instead."""
    headline = "Judge Awards Ferrowyn Labs $87.4M From Altmore AI in Trade Secret Fight"
    body = "<p>" + "A federal judge found the rival AI developer used a copied pipeline. " * 8
    page = (
        f"<html><head><title>{headline} | Gavelpost</title></head><body><main><article>"
        f"<h1>{headline}</h1>{body}</p></article></main></body></html>"
    )
    assert load_html(page.encode(), "ruling.html").publisher == "Gavelpost"
