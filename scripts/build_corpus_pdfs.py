"""Build the PDF reports of the starter corpus: `python scripts/build_corpus_pdfs.py`.

The reports are written for this project; their content lives here as data. Output is
deterministic (fixed dates and metadata), so re-running changes no bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@dataclass
class Table:
    caption: str
    rows: list[tuple[str, ...]]
    widths: tuple[int, ...]


@dataclass
class Report:
    filename: str
    title: str
    outlet: str
    date: str
    blocks: list[object] = field(default_factory=list)  # str paragraphs, "## " headings, Table,
    # or "<page>" to start a new page


def write(report: Report, out: Path = CORPUS) -> None:
    pdf = FPDF()
    pdf.set_title(report.title)
    pdf.set_author(report.outlet)
    pdf.set_subject("AI market report")
    year, month, day = (int(x) for x in report.date.split("-"))
    pdf.set_creation_date(datetime(year, month, day, tzinfo=UTC))
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 6, f"Source: {report.outlet}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, f"Published: {report.date}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for block in report.blocks:
        if block == "<page>":
            pdf.add_page()
        elif isinstance(block, Table):
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(0, 7, block.caption, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=9)
            pdf.ln(1)
            with pdf.table(col_widths=block.widths, text_align="LEFT") as table:
                for row in block.rows:
                    cells = table.row()
                    for cell in row:
                        cells.cell(cell)
            pdf.ln(4)
        elif isinstance(block, str) and block.startswith("## "):
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(0, 7, block[3:], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        else:
            pdf.set_font("Helvetica", size=11)
            pdf.multi_cell(0, 6, str(block), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    pdf.output(str(out / report.filename))


REPORTS = [
    Report(
        "llm-api-price-grid-2024.pdf",
        "LLM API price grid, mid-2024",
        "Compute Weekly",
        "2024-07-01",
        [
            "This grid lists the published list prices of the most used commercial language "
            "models as of July 1, 2024, in US dollars per million tokens. Prices exclude batch "
            "discounts and volume agreements. Google's Gemini 1.5 prices are for prompts of up "
            "to 128,000 tokens; longer prompts cost more.",
            Table(
                "Table 1. API list prices, July 2024 (USD per million tokens)",
                [
                    ("Model", "Vendor", "Input", "Output", "Context"),
                    ("GPT-4o", "OpenAI", "$5.00", "$15.00", "128K"),
                    ("GPT-4 Turbo", "OpenAI", "$10.00", "$30.00", "128K"),
                    ("GPT-3.5 Turbo", "OpenAI", "$0.50", "$1.50", "16K"),
                    ("Claude 3 Opus", "Anthropic", "$15.00", "$75.00", "200K"),
                    ("Claude 3.5 Sonnet", "Anthropic", "$3.00", "$15.00", "200K"),
                    ("Claude 3 Haiku", "Anthropic", "$0.25", "$1.25", "200K"),
                    ("Gemini 1.5 Pro", "Google", "$3.50", "$10.50", "1M"),
                    ("Gemini 1.5 Flash", "Google", "$0.35", "$1.05", "1M"),
                ],
                (45, 30, 25, 25, 25),
            ),
            "GPT-4o, launched in May 2024, costs half as much as GPT-4 Turbo for both input "
            "and output. Claude 3.5 Sonnet, released in June 2024, matches Claude 3 Opus on "
            "most tests at a fifth of its price. The cheapest tier of the market is held by "
            "Claude 3 Haiku and Gemini 1.5 Flash, which cost less than a fifth of the mid-tier "
            "models. The direction of travel is clear: each new generation arrives at a lower "
            "price per token than the one it replaces.",
        ],
    ),
    Report(
        "llm-api-price-grid-2025.pdf",
        "LLM API price grid, mid-2025",
        "Compute Weekly",
        "2025-06-20",
        [
            "This grid lists published list prices as of June 20, 2025, in US dollars per "
            "million tokens, for standard (non-batch) requests. Gemini 2.5 Pro prices are for "
            "prompts of up to 200,000 tokens. DeepSeek prices are the standard daytime rates.",
            Table(
                "Table 1. API list prices, June 2025 (USD per million tokens)",
                [
                    ("Model", "Vendor", "Input", "Output"),
                    ("o3", "OpenAI", "$2.00", "$8.00"),
                    ("o3-pro", "OpenAI", "$20.00", "$80.00"),
                    ("GPT-4.1", "OpenAI", "$2.00", "$8.00"),
                    ("GPT-4.1 mini", "OpenAI", "$0.40", "$1.60"),
                    ("GPT-4.1 nano", "OpenAI", "$0.10", "$0.40"),
                    ("GPT-4o", "OpenAI", "$2.50", "$10.00"),
                    ("Claude Opus 4", "Anthropic", "$15.00", "$75.00"),
                    ("Claude Sonnet 4", "Anthropic", "$3.00", "$15.00"),
                    ("Claude 3.5 Haiku", "Anthropic", "$0.80", "$4.00"),
                    ("Gemini 2.5 Pro", "Google", "$1.25", "$10.00"),
                    ("Gemini 2.5 Flash", "Google", "$0.30", "$2.50"),
                    ("DeepSeek-V3", "DeepSeek", "$0.27", "$1.10"),
                    ("DeepSeek-R1", "DeepSeek", "$0.55", "$2.19"),
                ],
                (50, 35, 30, 30),
            ),
            "The biggest change since our mid-2024 grid is the price of reasoning models. "
            "OpenAI cut the price of o3 by 80% on June 10, 2025, from $10 to $2 per million "
            "input tokens and from $40 to $8 per million output tokens, putting it level with "
            "GPT-4.1. GPT-4o now costs $2.50 per million input tokens, half its launch price "
            "of $5.00. Anthropic has kept its prices stable across generations: Claude Sonnet 4 "
            "costs the same as Claude 3.5 Sonnet did a year ago. DeepSeek remains the cheapest "
            "supplier of frontier-class models by a wide margin.",
        ],
    ),
    Report(
        "chatbot-arena-leaders-2023-2025.pdf",
        "Who led the Chatbot Arena: a timeline, 2023 to April 2025",
        "Model Watch",
        "2025-04-10",
        [
            "The LMSYS Chatbot Arena, renamed LMArena in 2025, ranks language models by the "
            "votes of users who compare two anonymous answers side by side. Its text "
            "leaderboard is the most cited public ranking of chatbots. The table below records "
            "which model held the top spot, period by period. Ties at the top, which are "
            "common when scores fall within the confidence interval, are noted.",
            Table(
                "Table 1. No. 1 on the Chatbot Arena text leaderboard",
                [
                    ("Period", "Leader", "Vendor", "Note"),
                    ("2023", "GPT-4", "OpenAI", "Top from the leaderboard's launch"),
                    ("Late March 2024", "Claude 3 Opus", "Anthropic", "First non-OpenAI No. 1"),
                    ("April 2024", "GPT-4 Turbo", "OpenAI", "Retook the lead"),
                    ("May 2024", "GPT-4o", "OpenAI", "Tested anonymously before launch"),
                    ("August 2024", "Gemini 1.5 Pro (Exp 0801)", "Google", "First Google No. 1"),
                    ("Nov-Dec 2024", "Gemini-Exp-1114 / 1206", "Google", "Traded with GPT-4o"),
                    ("February 2025", "Grok 3", "xAI", "Led on release"),
                    ("March 2025", "Gemini 2.5 Pro", "Google", "Record margin at debut"),
                ],
                (32, 50, 25, 63),
            ),
            "Two patterns stand out. First, OpenAI held the top spot almost without "
            "interruption until the spring of 2024; since then the lead has changed hands "
            "several times a year. Second, Google moved from a distant position in 2023 to "
            "being the most frequent leader in 2025. As of April 10, 2025, Gemini 2.5 Pro leads "
            "the text leaderboard, having debuted on March 25, 2025 with a lead of about 40 "
            "points over the next model.",
            "Critics caution that arena rankings reward style as well as substance, and that "
            "vendors can test many private variants before release and publish only the best. "
            "The arena responded with a style-controlled leaderboard and new disclosure rules.",
        ],
    ),
    Report(
        "ai-funding-rounds-2023-2025.pdf",
        "The largest AI model funding rounds, 2023 to 2025",
        "Frontier Brief",
        "2025-09-30",
        [
            "Investment in companies that build foundation models has grown from billions to "
            "tens of billions of dollars per round. This table lists the largest announced "
            "rounds and strategic investments in model developers from January 2023 to "
            "September 2025. Valuations are post-money where disclosed.",
            Table(
                "Table 1. Major funding rounds of model developers",
                [
                    ("Date", "Company", "Amount", "Valuation", "Lead or investor"),
                    ("Jan 2023", "OpenAI", "about $10B", "n/a", "Microsoft"),
                    ("Sep 2023", "Anthropic", "up to $4B", "n/a", "Amazon"),
                    ("Oct 2023", "Anthropic", "up to $2B", "n/a", "Google"),
                    ("May 2024", "xAI", "$6B", "$24B", "Series B"),
                    ("Jun 2024", "Mistral AI", "EUR 600M", "n/a", "Series B"),
                    ("Oct 2024", "OpenAI", "$6.6B", "$157B", "Thrive Capital"),
                    ("Nov 2024", "Anthropic", "$4B", "n/a", "Amazon"),
                    ("Mar 2025", "Anthropic", "$3.5B", "$61.5B", "Lightspeed"),
                    ("Mar 2025", "OpenAI", "$40B", "$300B", "SoftBank"),
                    ("Sep 2025", "Anthropic", "$13B", "$183B", "ICONIQ"),
                    ("Sep 2025", "Mistral AI", "EUR 1.7B", "EUR 11.7B", "ASML"),
                ],
                (24, 30, 30, 30, 46),
            ),
            "OpenAI's valuation rose from $157 billion in October 2024 to $300 billion in March "
            "2025. Anthropic's rose from $61.5 billion to $183 billion in six months. In Europe, "
            "Mistral AI's round led by the Dutch chip-equipment maker ASML, which invested "
            "EUR 1.3 billion, made Mistral the most valuable AI company on the continent.",
        ],
    ),
    Report(
        "open-weight-models-2023-2025.pdf",
        "Open-weight language models: a reference table, 2023 to 2025",
        "Open Weights Digest",
        "2025-08-15",
        [
            "Open-weight models can be downloaded and run on one's own hardware. Their licences "
            "differ widely, from permissive (Apache 2.0, MIT) to custom licences that restrict "
            "some uses. For mixture-of-experts models, the parameter column gives total and "
            "active parameters.",
            Table(
                "Table 1. Notable open-weight language models",
                [
                    ("Model", "Developer", "Released", "Parameters", "Licence"),
                    ("Llama 2 70B", "Meta", "Jul 2023", "70B", "Llama 2 Community"),
                    (
                        "Mixtral 8x7B",
                        "Mistral AI",
                        "Dec 2023",
                        "46.7B / 12.9B active",
                        "Apache 2.0",
                    ),
                    ("Llama 3.1 405B", "Meta", "Jul 2024", "405B", "Llama 3.1 Community"),
                    ("Mistral Large 2", "Mistral AI", "Jul 2024", "123B", "Mistral Research"),
                    (
                        "DeepSeek-V3",
                        "DeepSeek",
                        "Dec 2024",
                        "671B / 37B active",
                        "MIT (from Mar 2025)",
                    ),
                    ("DeepSeek-R1", "DeepSeek", "Jan 2025", "671B / 37B active", "MIT"),
                    ("Gemma 3 27B", "Google", "Mar 2025", "27B", "Gemma Terms"),
                    ("Llama 4 Scout", "Meta", "Apr 2025", "109B / 17B active", "Llama 4 Community"),
                    (
                        "Llama 4 Maverick",
                        "Meta",
                        "Apr 2025",
                        "400B / 17B active",
                        "Llama 4 Community",
                    ),
                    ("Qwen3-235B-A22B", "Alibaba", "Apr 2025", "235B / 22B active", "Apache 2.0"),
                    ("gpt-oss-120b", "OpenAI", "Aug 2025", "117B / 5.1B active", "Apache 2.0"),
                    ("gpt-oss-20b", "OpenAI", "Aug 2025", "21B / 3.6B active", "Apache 2.0"),
                ],
                (36, 26, 22, 40, 46),
            ),
            "The balance of the open-weight field shifted in 2025. Chinese developers, led by "
            "DeepSeek and Alibaba's Qwen team, released the most capable open models of the "
            "first half of the year under permissive licences. OpenAI answered in August 2025 "
            "with gpt-oss, its first open-weight language models since GPT-2.",
        ],
    ),
    Report(
        "ai-accelerator-market-report-2025.pdf",
        "AI accelerators and data-centre spending: market report 2025",
        "Compute Weekly",
        "2025-09-15",
        [
            "## Summary",
            "Spending on AI data centres has become the largest driver of the semiconductor "
            "industry. Nvidia remains the dominant supplier of accelerators, but every large "
            "cloud provider now designs chips of its own, and AMD has won its first large "
            "customers. This report summarises the revenue trend of the market leader and the "
            "accelerators that compete for data-centre budgets.",
            "## Demand",
            "The four largest US cloud and internet companies, Microsoft, Alphabet, Amazon and "
            "Meta, have all raised their capital spending plans for 2025, most of it for AI "
            "data centres. Microsoft said in January 2025 that it planned to spend about $80 "
            "billion on AI-enabled data centres in its 2025 fiscal year. Meta guided to capital "
            "expenditure of $64 billion to $72 billion for 2025. Supply of advanced packaging "
            "and high-bandwidth memory, rather than demand, has set the pace of shipments.",
            "## Competition",
            "AMD's Instinct MI300X, launched in December 2023, was adopted by Microsoft and Meta. "
            "Google's TPUs power its own Gemini models and are rented to cloud customers, and "
            "AWS's Trainium2 chips train models for Anthropic. None of these has yet dented "
            "Nvidia's share of merchant accelerator sales, which analysts estimate at well over "
            "80%.",
            "<page>",
            Table(
                "Table 1. Nvidia data-centre revenue by fiscal year",
                [
                    ("Fiscal year", "Ended", "Data-centre revenue", "Growth"),
                    ("FY2023", "January 2023", "$15.0 billion", "41%"),
                    ("FY2024", "January 2024", "$47.5 billion", "217%"),
                    ("FY2025", "January 2025", "$115.2 billion", "142%"),
                ],
                (35, 40, 50, 30),
            ),
            Table(
                "Table 2. Data-centre AI accelerators",
                [
                    ("Accelerator", "Vendor", "Announced", "Memory"),
                    ("H100", "Nvidia", "2022", "80 GB HBM3"),
                    ("H200", "Nvidia", "Nov 2023", "141 GB HBM3e"),
                    ("B200", "Nvidia", "Mar 2024", "192 GB HBM3e"),
                    ("MI300X", "AMD", "Dec 2023", "192 GB HBM3"),
                    ("MI325X", "AMD", "Oct 2024", "256 GB HBM3E"),
                    ("TPU v5p", "Google", "Dec 2023", "95 GB HBM"),
                    ("Trainium2", "AWS", "Nov 2023", "96 GB HBM"),
                ],
                (40, 30, 35, 45),
            ),
            "Nvidia's data-centre revenue more than tripled in fiscal 2024 and more than doubled "
            "again in fiscal 2025, to $115.2 billion. Memory capacity has become the main "
            "point of competition between accelerators, because large models must fit in "
            "memory to be served efficiently.",
        ],
    ),
    Report(
        "ai-video-models-landscape-2025.pdf",
        "AI video generation models: the landscape in mid-2025",
        "Model Watch",
        "2025-07-20",
        [
            "Text-to-video models went from research demos to paid products in eighteen months. "
            "This table lists the most widely used video generation models as of July 2025, "
            "with the date of their first public release.",
            Table(
                "Table 1. Video generation models",
                [
                    ("Model", "Developer", "First released", "Notes"),
                    ("Sora", "OpenAI", "Dec 2024", "Previewed Feb 2024"),
                    ("Veo 2", "Google", "Dec 2024", "Up to 4K resolution"),
                    ("Veo 3", "Google", "May 2025", "Generates audio natively"),
                    ("Kling", "Kuaishou", "Jun 2024", "Launched in China first"),
                    ("Gen-3 Alpha", "Runway", "Jun 2024", "Text and image to video"),
                    ("Gen-4", "Runway", "Mar 2025", "Consistent characters"),
                    ("Wan 2.1", "Alibaba", "Feb 2025", "Open weights, Apache 2.0"),
                    ("Seedance 1.0", "ByteDance", "Jun 2025", "Multi-shot video"),
                    ("Hailuo 02", "MiniMax", "Jun 2025", "1080p output"),
                ],
                (32, 30, 33, 65),
            ),
            "The market has split into consumer apps, where video generation is bundled into "
            "subscriptions, and APIs sold to studios, agencies and software makers. Chinese "
            "developers, including Kuaishou, ByteDance, MiniMax and Alibaba, account for half "
            "of the models in the table, and Alibaba's Wan 2.1 is the most capable video model "
            "with openly published weights.",
        ],
    ),
]


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=CORPUS, help="folder to write to")
    out = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    for report in REPORTS:
        write(report, out)
        print(f"wrote {out / report.filename}")


if __name__ == "__main__":
    main()
