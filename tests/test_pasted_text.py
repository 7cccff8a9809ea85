"""Raw pasted text: glued sentences and subheadings are put apart in the stored text, so source
cards (which show the chunk's own text) show them apart too."""

from __future__ import annotations

from ingest.chunking import chunk_document
from ingest.loaders.text import load_txt
from kb.types import Document

FILLER = "Lumen-4 is out and analysts are watching it closely. " * 10


def _load(body: str) -> str:
    return load_txt(f"Halvard climbs\nPublished: 2026-08-14\n{body}".encode(), "paste.txt").text


def test_glued_sentences_get_their_space_back_and_chunks_show_it():
    text = _load("Kestrel shipped two weeks after launch.The timing is deliberate.")
    assert text == "Kestrel shipped two weeks after launch. The timing is deliberate."
    doc = Document("d", "paste.txt", "Halvard climbs", text, content_hash="0" * 20)
    (chunk,) = chunk_document(doc)
    assert "launch. The timing" in chunk.text


def test_a_glued_subheading_becomes_its_own_paragraph():
    text = _load(
        FILLER + "It will top the board by the end of the decade.From anonymous entry to the top "
        "of the boardKestrel first surfaced in April.Prices fell soon after."
    )
    assert (
        "by the end of the decade.\n\nFrom anonymous entry to the top of the board\n\n"
        "Kestrel first surfaced in April. Prices fell soon after." in text
    )


def test_names_numbers_and_urls_keep_their_dots():
    body = (
        "The U.S. unit of Halvard AI and e.g. Node.js users pay $1.4bn for gpt-4.1, up 3.5 "
        "points; docs at https://halvard.example/Docs.Intro/Page.Two and java.util.List."
    )
    assert _load(body) == body


def test_a_subheading_glued_without_punctuation_is_split_on_the_documents_evidence():
    body = (
        "Orvane Robotics sells its arm in Canada and in the United Kingdom. Sales rose in "
        "the spring.Delayed in the United KingdomBritain is still waiting for approval. Britain "
        "wants more tests."
    )
    text = _load(body)
    assert "spring.\n\nDelayed in the United Kingdom\n\nBritain is still waiting" in text
    # the same paste with a space before the subheading
    spaced = _load(body.replace("spring.Delayed", "spring. Delayed"))
    assert "spring.\n\nDelayed in the United Kingdom\n\nBritain is still waiting" in spaced
    # a short paste (no run-on line) whose subheading ends in a lower-case word
    short = _load(
        "Kestrel is the model of Orvane. Sales rose in the spring.Up to the top of the "
        "boardKestrel first surfaced in April. The board likes it."
    )
    assert "spring.\n\nUp to the top of the board\n\nKestrel first surfaced" in short


def test_names_spelled_with_an_inner_capital_are_not_split():
    body = (
        "Revenue doubled in May. Fin breeders and Bright customers wrote in. BrightFin climbed "
        "the board after Bright Fin fans voted. The year ended. YouTube users watched it. "
        "You can see it. Tube maps show it.DeepSeek answered in June. "
        "Prices fell. MiniMax said its Max tier and Mini plan stay. As Glowline said, "
        "GlowCast shipped to Cast members. Glow is a brand. Tern Labs said PixelNest "
        "works. Reviews came in. PixelNest gained Nest and Pixel users."
    )
    text = _load(body)
    # known or listed names, and one also written with a space ("Bright Fin")
    for name in ("BrightFin", "YouTube", "DeepSeek", "MiniMax"):
        assert name in text, name
    # unlisted: after a comma, inside a sentence; and a name written twice
    assert "GlowCast shipped" in text
    assert text.count("PixelNest") == 2


CAPTIONS = "\n".join(
    [
        "[00:00]",
        "what's up everybody caleb here and today we've got three ai laptops on the desk",
        "the glenmere solstice 14 with the pyxis p-300 chip the corvane book air 13 with its own",
        "c2 chip and the rookwood zephyr 16 with the brand new teasel t8 elite",
        "[00:14]",
        "so battery first the corvane book air 13 lasted 19 hours 10 minutes which is insane",
        "the glenmere got 17 hours 40 minutes",
        "and the rookwood only got 11 hours 5 minutes",
    ]
    * 6
)


def test_caption_lines_wrapped_mid_sentence_are_one_paragraph_and_chunks_stay_whole():
    text = _load(CAPTIONS)
    assert "with its own c2 chip and the rookwood zephyr 16" in text
    assert "\n\n[00:14]\n\nso battery first" in text  # a timestamp stays its own line
    assert "17 hours 40 minutes and the rookwood only got" in text
    doc = Document("d", "paste.txt", "Halvard climbs", text, content_hash="0" * 20)
    chunks = chunk_document(doc)
    # unpunctuated lower-case lines are no headings: chunks are full-sized, not one per line
    assert len(chunks) <= len(text) // 400, [len(c.text) for c in chunks]


def test_a_line_wrapped_before_a_capitalised_word_or_after_a_full_stop_is_left_alone():
    text = _load("Prices rose in October.\nthe next line is its own.\nNvidia said\nNothing.")
    assert text.split("\n\n") == [
        "Prices rose in October.",
        "the next line is its own.",
        "Nvidia said",
        "Nothing.",
    ]


def test_a_scanned_pages_running_header_dates_it_and_the_title_comes_after_it():
    scan = (
        "28     ORBIT TRADE MONTHLY  |  MARCH 2026               CHIPS\n\n"
        "A NEW FAB\nFOR THE NORTH\n"
        "By Ada Lund\n\n"
        "Kelvar Semiconductor opened its plant in Lulea on 2 March, the company said.\n"
    )
    loaded = load_txt(scan.encode(), "orbit-scan.txt")
    assert loaded.title == "A NEW FAB FOR THE NORTH"
    assert loaded.published == "2026-03-01"  # the month: no day is printed
    assert "ORBIT TRADE MONTHLY" not in loaded.text and "FOR THE NORTH" not in loaded.text
    assert loaded.text.startswith("By Ada Lund")


def test_a_first_line_that_only_names_a_month_is_still_the_title():
    loaded = load_txt(b"March 2026 was a busy month for chips\n\nKelvar opened a plant.\n", "a.txt")
    assert loaded.title == "March 2026 was a busy month for chips" and loaded.published is None


REPORT_PAGES = """Orbit Compute plc Annual Report 2026

Chair's statement

Group revenue rose 41% to $212.5 million as our Lulea campus filled with reserved
capacity contracts. The Board recommends a first dividend of 1.2 cents per share.
Our ten largest customers ac-
counted for 64% of revenue, and the company employs 412 people across three
sites. Utilisation averaged 84% and the multi-
year contracts we signed in 2025 now cover most of the fleet and its power,
which we buy under long-term agreements with the

Orbit Compute plc | Annual Report 2026 | 4
________________________________________________________________________________
Strategic report                                               Segment review

regional hydro producers in northern Sweden and Norway at fixed prices.

Orbit Compute plc | Annual Report 2026 | 5
________________________________________________________________________________
"""


def test_a_pdf_exports_page_furniture_goes_and_its_hard_wrapped_lines_run_on():
    text = _load(REPORT_PAGES)
    assert "Annual Report 2026 |" not in text and "____" not in text
    assert "Segment review" not in text  # the running head under the page's rule
    # lines wrapped at the page's width are one paragraph, whatever case the next starts in
    assert "$212.5 million as our Lulea campus filled with reserved capacity contracts." in text
    assert "customers accounted for 64%" in text  # a hyphenated word made whole
    assert "the multi-year contracts" in text  # a compound keeps its hyphen
    # the sentence a page break cut runs on across the running foot and head
    assert "long-term agreements with the regional hydro producers" in text


SCANNED_COLUMNS = """When Orbit Compute opened the first hall     The cooling contract went to
of its campus outside Lulea in April, the    Kylverk of Umea, which supplied
engineers had already chosen liquid          the cold plates and 30 coolant
cooling for every rack.                      distribution units.

The hall holds 420 racks at up to            Kylverk says 80% of the heat
110 kW each, three times what an             in each rack leaves through the
older hall was built for.                    liquid loop.

The region's grid is the limit: a rival paused its own expansion on 2 September.
"""


def test_a_scans_two_columns_are_read_one_after_the_other():
    text = _load(SCANNED_COLUMNS)
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == (
        "When Orbit Compute opened the first hall of its campus outside Lulea in April, the "
        "engineers had already chosen liquid cooling for every rack."
    )
    assert paragraphs[1].startswith("The hall holds 420 racks at up to 110 kW each")
    assert (
        "The cooling contract went to Kylverk of Umea, which supplied the cold plates and 30 "
        "coolant distribution units." in paragraphs
    )
    assert paragraphs[-1].startswith("The region's grid is the limit")
    # the right column comes after the whole left column, not line by line
    assert text.index("420 racks") < text.index("Kylverk of Umea")


def test_table_rows_and_speaker_lines_are_no_columns_or_page_furniture():
    text = _load(
        "Revenue by segment\n"
        "Segment                     FY2026     FY2025\n"
        "GPU Cloud                    412.6      228.9\n"
        "Colocation                   131.4      117.2\n"
        "Managed Inference             58.3       21.7\n\n"
        "kvaltonen on Nov 12, 2026\nit's $2.40 now.\n\nkvaltonen on Nov 12, 2026\nstill cheaper.\n"
    )
    assert "GPU Cloud | 412.6 | 228.9" in text  # a table's row, not two columns of prose
    assert text.count("kvaltonen on Nov 12, 2026") == 2


def test_a_table_laid_out_in_spaced_columns_becomes_a_tables_rows():
    text = _load(
        "Revenue by segment ($m)\n"
        "Segment                     FY2026     FY2025     Change\n"
        "GPU Cloud                    412.6      228.9       +80%\n"
        "Managed Inference             58.3       21.7      +169%\n\n"
        "| Model        | Status      |\n"
        "| marram-2     | deprecated  |\n"
        "| marram-3     | live        |\n"
    )
    assert "Segment | FY2026 | FY2025 | Change" in text
    assert "GPU Cloud | 412.6 | 228.9 | +80%" in text
    assert "| marram-2     | deprecated  |" in text  # a table already between bars is kept


def test_a_spreadsheets_comma_separated_rows_become_a_tables_rows():
    text = _load(
        "AI vendor price tracker\n"
        "vendor,product,unit,price,currency,effective_date,status,notes\n"
        "Brightmoor,GPU H200,GPU-hour,3.10,USD,2026-10-15,current,was 3.65\n"
        'Kerlow,Kerlow Agent 1.1,user/month,27.00,EUR,2026-01-15,discontinued,"no new seats, '
        'replaced by 1.2"\n'
        "Wrenfield,Wren API,1M input tokens,0.18,USD,2026-08-30,current,\n\n"
        "In 2026, the team, which buys for six countries, met twice, in May and June, to agree.\n"
    )
    assert "vendor | product | unit | price | currency | effective_date | status | notes" in text
    assert "Brightmoor | GPU H200 | GPU-hour | 3.10 | USD | 2026-10-15 | current | was 3.65" in text
    assert "| discontinued | no new seats, replaced by 1.2" in text  # a quoted field whole
    assert "| 0.18 | USD | 2026-08-30 | current | -" in text  # an empty cell shows as one
    assert "In 2026, the team, which buys for six countries" in text  # prose keeps its commas
