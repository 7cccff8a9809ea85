"""report.json, report.md and report.html for an eval run, and the baseline comparison."""

from __future__ import annotations

import html
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from eval.metrics import Scored, by_part

HEADLINE = (
    "hit@5",
    "mrr@10",
    "fact_recall",
    "exact_answer_rate",
    "citation_precision",
    "citation_recall",
    "faithfulness",
    "abstention_recall",
    "false_abstention_rate",
)
LOWER_IS_BETTER = {"false_abstention_rate"}
TOLERANCE = 0.03  # absolute fall in a headline metric that fails the run

METRIC_ORDER = (
    "questions",
    "pass_rate",
    "hit@1",
    "hit@5",
    "recall@5",
    "mrr@10",
    "ndcg@10",
    "fact_recall",
    "exact_answer_rate",
    "citation_precision",
    "cited_gold_source_rate",
    "citation_recall",
    "faithfulness",
    "abstention_precision",
    "abstention_recall",
    "false_abstention_rate",
    "retrieve_p50_ms",
    "retrieve_p95_ms",
    "answer_p50_ms",
    "answer_p95_ms",
)


def fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.1f}" if value > 1.5 else f"{value:.3f}"
    return str(value)


def tolerance_for(answerable: int) -> float:
    """The fall that counts as a regression: 0.03, or one question and a half's worth on a
    small set (on the 30 answerable questions of --quick, one flipped answer is noise)."""
    return max(TOLERANCE, 1.5 / max(1, answerable))


def compare(
    current: dict[str, Any], baseline: dict[str, Any] | None, tolerance: float = TOLERANCE
) -> dict[str, Any]:
    """Per headline metric: baseline, current, change, and whether it regressed."""
    if not baseline:
        return {}
    out = {}
    for key in HEADLINE:
        before, now = baseline.get(key), current.get(key)
        if before is None or now is None:
            continue
        change = now - before
        worse = change > tolerance if key in LOWER_IS_BETTER else change < -tolerance
        out[key] = {"baseline": before, "current": now, "change": change, "regressed": worse}
    return out


# The figures of a part or category shown in its summary line, in this order.
PART_KEYS = ("pass_rate", "hit@5", "fact_recall", "exact_answer_rate", "abstention_recall")


def category_figures(categories: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What a baseline keeps per category: its pass rate and how many questions it had."""
    return {
        cat: {"pass_rate": m.get("pass_rate"), "questions": m.get("questions")}
        for cat, m in categories.items()
    }


def part_lines(parts: dict[str, dict[str, Any]]) -> list[str]:
    """One console line per part of the question set ("main", "generalization")."""
    return [
        f"  part {part:16} {m.get('questions', 0):>4} questions  "
        + "  ".join(f"{k} {fmt(m.get(k))}" for k in PART_KEYS)
        for part, m in parts.items()
    ]


def write_reports(
    out: Path,
    meta: dict[str, Any],
    overall: dict[str, Any],
    categories: dict[str, dict[str, Any]],
    rows: list[Scored],
    diff: dict[str, Any],
    baseline_categories: dict[str, dict[str, Any]] | None = None,
) -> None:
    """report.json, report.md and report.html in `out`. `baseline_categories` (the baseline's
    per-category figures, see `category_figures`) draws the pass-rate chart against it."""
    out.mkdir(parents=True, exist_ok=True)
    parts = by_part(rows)
    data = {
        "meta": meta,
        "overall": overall,
        "by_part": parts,
        "by_category": categories,
        "baseline_diff": diff,
        "baseline_by_category": baseline_categories or {},
        "questions": [asdict(r) | {"passed": r.passed} for r in rows],
    }
    (out / "report.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    (out / "report.md").write_text(
        _markdown(meta, overall, categories, rows, diff, parts, baseline_categories or {}),
        encoding="utf-8",
    )
    (out / "report.html").write_text(
        _html(meta, overall, categories, rows, diff, parts, baseline_categories or {}),
        encoding="utf-8",
    )


def _markdown(meta, overall, categories, rows, diff, parts, baseline_categories) -> str:  # noqa: ANN001
    lines = [
        "# Eval report",
        "",
        f"- split: **{meta['split']}** ({meta['questions']} questions"
        f"{', quick subset' if meta['quick'] else ''}); mode: **{meta['mode']}**",
        f"- question set: `{meta['question_file']}`; documents: `{meta['docs']}`",
        f"- support judge: {meta['judge']}",
        f"- judge agreement with hand labels: {fmt(meta.get('judge_agreement'))} "
        f"on {meta.get('judge_labels', 0)} sentences",
        "",
        "## Overall",
        "",
        "| metric | value |",
        "| --- | --- |",
    ]
    lines += [f"| {k} | {fmt(overall.get(k))} |" for k in METRIC_ORDER if k in overall]
    if diff:
        lines += [
            "",
            f"## Against the baseline (tolerance {TOLERANCE})",
            "",
            "| metric | baseline | now | change | |",
            "| --- | --- | --- | --- | --- |",
        ]
        for key, d in diff.items():
            flag = "REGRESSED" if d["regressed"] else ""
            lines.append(
                f"| {key} | {fmt(d['baseline'])} | {fmt(d['current'])} | "
                f"{d['change']:+.3f} | {flag} |"
            )
    keys = ("questions", "pass_rate", *HEADLINE, "answer_p50_ms")
    lines += [
        "",
        "## By part",
        "",
        "The generalization part (issue 16): unfamiliar articles and questions typed as people "
        "type them, reported on its own.",
        "",
        "| part | " + " | ".join(keys) + " |",
        "| --- " * (len(keys) + 1) + "|",
    ]
    for part, m in parts.items():
        lines.append(f"| {part} | " + " | ".join(fmt(m.get(k)) for k in keys) + " |")
    if baseline_categories:
        lines += ["", "## Pass rate by category against the baseline", ""]
        lines += ["| category | baseline | now | change |", "| --- | --- | --- | --- |"]
        for cat, m in categories.items():
            before = (baseline_categories.get(cat) or {}).get("pass_rate")
            now = m.get("pass_rate")
            change = f"{now - before:+.3f}" if before is not None and now is not None else "new"
            lines.append(f"| {cat} | {fmt(before)} | {fmt(now)} | {change} |")
    lines += [
        "",
        "## By category",
        "",
        "| category | " + " | ".join(keys) + " |",
        "| --- " * (len(keys) + 1) + "|",
    ]
    for cat, m in categories.items():
        lines.append(f"| {cat} | " + " | ".join(fmt(m.get(k)) for k in keys) + " |")
    failed = [r for r in rows if not r.passed]
    lines += ["", f"## Failed questions ({len(failed)})", ""]
    for r in failed:
        expected = "abstain" if not r.answerable else f"{r.facts_stated}/{r.facts_total} facts"
        lines.append(f"- **{r.id}** ({r.category}, expected {expected}): {r.question}")
        lines.append(f"  - answer: {' '.join(r.answer.split())[:400]}")
    return "\n".join(lines) + "\n"


def _bars(title: str, values: dict[str, float | None]) -> str:
    width, row = 560, 22
    items = [(k, v) for k, v in values.items() if v is not None]
    height = row * len(items) + 30
    parts = [
        f'<svg width="{width}" height="{height}" role="img" aria-label="{html.escape(title)}">',
        f'<text x="0" y="14" class="t">{html.escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = 26 + i * row
        bar = max(0.0, min(1.0, float(value))) * 300
        parts.append(
            f'<text x="0" y="{y + 14}">{html.escape(label)}</text>'
            f'<rect x="170" y="{y + 3}" width="{bar:.1f}" height="15" class="b"/>'
            f'<text x="{176 + bar:.1f}" y="{y + 14}">{value:.2f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _versus_baseline(
    title: str, now: dict[str, float | None], before: dict[str, float | None]
) -> str:
    """A bar per category for this run, with the baseline's figure drawn as a thin grey bar
    above it and the change written beside it (green up, red down)."""
    label_w, scale, row = 170, 380, 34
    items = list(now.items())
    height = row * len(items) + 52
    parts = [
        f'<svg width="720" height="{height}" role="img" aria-label="{html.escape(title)}">',
        f'<text x="0" y="14" class="t">{html.escape(title)}</text>',
        f'<rect x="{label_w}" y="24" width="14" height="6" class="base"/>'
        f'<text x="{label_w + 20}" y="31">baseline</text>'
        f'<rect x="{label_w + 90}" y="21" width="14" height="12" class="b"/>'
        f'<text x="{label_w + 110}" y="31">this run</text>',
    ]
    bottom = 44 + row * len(items)
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):  # a light scale, so the bars can be read
        x = label_w + tick * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="40" x2="{x:.1f}" y2="{bottom - 6}" class="grid"/>'
            f'<text x="{x - 8:.1f}" y="{bottom + 6}" font-size="10">{tick:.2f}</text>'
        )
    for i, (label, value) in enumerate(items):
        y = 44 + i * row
        was = before.get(label)
        parts.append(f'<text x="0" y="{y + 19}">{html.escape(label)}</text>')
        if was is not None:
            w = max(0.0, min(1.0, float(was))) * scale
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="6" class="base">'
                f"<title>baseline {was:.2f}</title></rect>"
            )
        if value is None:
            parts.append(f'<text x="{label_w}" y="{y + 20}">n/a</text>')
            continue
        w = max(0.0, min(1.0, float(value))) * scale
        if was is None:
            note, cls = "new", "same"
        else:
            change = float(value) - float(was)
            note = f"{change:+.2f}" if abs(change) >= 0.005 else "="
            cls = "up" if change >= 0.005 else "down" if change <= -0.005 else "same"
        parts.append(
            f'<rect x="{label_w}" y="{y + 8}" width="{w:.1f}" height="14" class="b"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 20}">{float(value):.2f} '
            f'<tspan class="{cls}">{html.escape(note)}</tspan></text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _part_block(e, parts: dict[str, dict[str, Any]]) -> str:  # noqa: ANN001
    """The per-part table: the main set and the generalization part, side by side."""
    if not parts:
        return ""
    keys = ("questions", *PART_KEYS, "citation_precision", "faithfulness", "answer_p50_ms")
    head = "".join(f"<th>{e(p)}</th>" for p in parts)
    body = "".join(
        f"<tr><td>{e(k)}</td>"
        + "".join(f"<td>{fmt(m.get(k))}</td>" for m in parts.values())
        + "</tr>"
        for k in keys
    )
    return (
        "<h2>By part</h2><p>The <b>generalization</b> part (issue 16) asks about unfamiliar "
        "articles in the words people type (telegraphic, lower case, typos); it is reported on "
        "its own and never tuned on.</p>"
        f"<table><tr><th>metric</th>{head}</tr>{body}</table>"
    )


def _histogram(title: str, values: list[float]) -> str:
    if not values:
        return ""
    top = max(values) or 1.0
    bins = 12
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int(v / top * bins))] += 1
    peak = max(counts) or 1
    parts = [
        f'<svg width="560" height="170" role="img" aria-label="{html.escape(title)}">',
        f'<text x="0" y="14" class="t">{html.escape(title)}</text>',
    ]
    for i, c in enumerate(counts):
        h = c / peak * 110
        parts.append(
            f'<rect x="{10 + i * 44}" y="{135 - h:.1f}" width="38" height="{h:.1f}" '
            f'class="b"/><text x="{12 + i * 44}" y="150" font-size="10">'
            f"{top * i / bins:.0f}</text>"
        )
    parts.append('<text x="10" y="166" font-size="10">milliseconds (bin start)</text></svg>')
    return "".join(parts)


def _html(meta, overall, categories, rows, diff, parts, baseline_categories) -> str:  # noqa: ANN001
    e = html.escape
    overall_rows = "".join(
        f"<tr><td>{e(k)}</td><td>{fmt(overall.get(k))}</td></tr>"
        for k in METRIC_ORDER
        if k in overall
    )
    diff_rows = "".join(
        f"<tr class='{'bad' if d['regressed'] else ''}'><td>{e(k)}</td><td>{fmt(d['baseline'])}"
        f"</td><td>{fmt(d['current'])}</td><td>{d['change']:+.3f}</td></tr>"
        for k, d in diff.items()
    )
    charts = _versus_baseline(
        "Pass rate by category, against the baseline"
        if baseline_categories
        else "Pass rate by category (no per-category baseline recorded yet)",
        {c: m.get("pass_rate") for c, m in categories.items()},
        {c: (baseline_categories.get(c) or {}).get("pass_rate") for c in categories},
    )
    charts += _bars(
        "Fact recall by category", {c: m.get("fact_recall") for c, m in categories.items()}
    )
    charts += _bars(
        "Retrieval hit@5 by category", {c: m.get("hit@5") for c, m in categories.items()}
    )
    charts += _histogram(
        "Answer latency (retrieve + answer)", [r.retrieve_ms + r.answer_ms for r in rows]
    )
    failed = []
    for r in rows:
        if r.passed:
            continue
        cites = "".join(
            f"<li>[{c['n']}] {e(c['title'])} ({e(str(c.get('published')))}), "
            f"<code>{e(c['source'])}</code>: “{e(c['text'])}”</li>"
            for c in r.citations
        )
        expected = "abstain" if not r.answerable else f"{r.facts_stated}/{r.facts_total} facts"
        failed.append(
            f"<tr><td>{e(r.id)}</td><td>{e(r.category)}</td><td>{e(r.question)}</td>"
            f"<td>{e(expected)}</td><td><pre>{e(r.answer)}</pre><ul>{cites}</ul></td></tr>"
        )
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Eval report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ddd;padding:4px 8px;
vertical-align:top;font-size:14px}}pre{{white-space:pre-wrap;margin:0}}.b{{fill:#4c78a8}}
.t{{font-weight:600}}tr.bad{{background:#fdd}}svg{{display:block;margin:1em 0}}
svg text{{font-size:12px}}.base{{fill:#9a9a9a}}.up{{fill:#2e7d32}}.down{{fill:#c62828}}
.same{{fill:#666}}.grid{{stroke:#e4e4e4}}</style></head><body>
<h1>Eval report</h1>
<p>Split <b>{e(meta["split"])}</b>, {meta["questions"]} questions{
        ", quick subset" if meta["quick"] else ""
    }; mode <b>{e(meta["mode"])}</b>. Question set <code>{e(meta["question_file"])}</code>,
documents <code>{e(meta["docs"])}</code>.</p>
<p>Support judge: {e(meta["judge"])} Agreement with hand labels:
{fmt(meta.get("judge_agreement"))} on {meta.get("judge_labels", 0)} sentences.</p>
<h2>Overall</h2><table>{overall_rows}</table>
{_part_block(e, parts)}
{
        "<h2>Against the baseline</h2><table><tr><th>metric</th><th>baseline</th><th>now</th>"
        "<th>change</th></tr>" + diff_rows + "</table>"
        if diff
        else ""
    }
<h2>Charts</h2>{charts}
<h2>Failed questions ({len(failed)})</h2>
<table><tr><th>id</th><th>category</th><th>question</th><th>expected</th><th>answer and
citations</th></tr>{"".join(failed)}</table></body></html>"""
