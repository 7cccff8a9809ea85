"""Regenerate the generated fixture files: `python tests/data/make_fixtures.py`.

Writes articles/halvard-report.pdf (two pages, a leaderboard table on page 2) and the broken
files derived from it or from fixed random bytes. Deterministic: same bytes every run.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).parent
ROWS = [
    ("Rank", "Model", "Vendor", "Score"),
    ("1", "Kestrel Video 2.5", "Corvid Systems", "1,297"),
    ("2", "Vistaframe", "Northwind Labs", "1,284"),
    ("3", "Halvard Atlas 1.5 Video", "Halvard AI", "1,251"),
    ("4", "Reel-3", "Pinecrest Media", "1,203"),
    ("5", "Kestrel Video 2.0", "Corvid Systems", "1,166"),
]


def halvard_report(path: Path) -> None:
    pdf = FPDF()
    pdf.set_title("Halvard AI quarterly market report")
    pdf.set_author("Halvard AI Research")
    pdf.set_creation_date(datetime(2026, 5, 12, tzinfo=UTC))
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, "Halvard AI quarterly market report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Published: 2026-05-12", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(
        0,
        6,
        (
            "Halvard AI reopened sign-ups for Halvard Atlas 1.5 video on April 28, 2026, after "
            "cutting its inference cost per minute of video by 45%. The company had paused "
            "sign-ups in February because each generated minute cost more to serve than "
            "subscribers paid.\n\n"
            "Demand for video generation kept growing in the first quarter. Halvard estimates "
            "that enterprise spending on AI video tools reached $2.9 billion in the first quarter "
            "of 2026, up from $1.1 billion a year earlier. Advertising agencies were the largest "
            "buyers, followed by e-commerce platforms and game studios."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(
        0, 7, "OpenJudge Arena video leaderboard, May 2026", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", size=11)
    pdf.ln(2)
    with pdf.table(col_widths=(15, 60, 50, 25)) as table:
        for row in ROWS:
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    pdf.ln(4)
    pdf.multi_cell(
        0,
        6,
        (
            "Kestrel Video 2.5 has led the video board since April. Halvard expects the gap "
            "between the top three models to narrow when Vistaframe receives its spring update."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.output(str(path))


def main() -> None:
    pdf_path = HERE / "articles" / "halvard-report.pdf"
    halvard_report(pdf_path)
    broken = HERE / "broken"
    broken.mkdir(exist_ok=True)
    data = pdf_path.read_bytes()
    (broken / "truncated.pdf").write_bytes(data[: int(len(data) * 0.4)])
    rng = random.Random(20260512)
    (broken / "junk.txt").write_bytes(bytes(rng.randrange(256) for _ in range(2048)))
    (broken / "empty.txt").write_bytes(b"")
    (broken / "whitespace.md").write_bytes(b"   \n\n\t  \n")
    (broken / "not-a-pdf.pdf").write_bytes(b"This is a plain text note saved with a .pdf name.\n")
    (broken / "slides.pptx").write_bytes(b"PK\x03\x04 not really a presentation")
    (broken / "latin1.txt").write_bytes(
        "Caf\u00e9 chains adopt AI menus\nPublished: 2026-01-15\nA r\u00e9sum\u00e9 of the "
        "week: prices rose to 4\u20ac per order for the caf\u00e9 chain.\n".encode("cp1252")
    )


if __name__ == "__main__":
    main()
