"""report.json, report.md and report.html for an eval run, and the baseline comparison."""

from __future__ import annotations

import html
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from eval.metrics import Scored

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


def write_reports(
    out: Path,
    meta: dict[str, Any],
    overall: dict[str, Any],
    categories: dict[str, dict[str, Any]],
    rows: list[Scored],
    diff: dict[str, Any],
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    data = {
        "meta": meta,
        "overall": overall,
        "by_category": categories,
        "baseline_diff": diff,
        "questions": [asdict(r) | {"passed": r.passed} for r in rows],
    }
    (out / "report.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    (out / "report.md").write_text(
        _markdown(meta, overall, categories, rows, diff), encoding="utf-8"
    )
    (out / "report.html").write_text(_html(meta, overall, categories, rows, diff), encoding="utf-8")


def _markdown(meta, overall, categories, rows, diff) -> str:  # noqa: ANN001
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


def _html(meta, overall, categories, rows, diff) -> str:  # noqa: ANN001
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
    charts = _bars(
        "Fact recall by category", {c: m.get("fact_recall") for c, m in categories.items()}
    )
    charts += _bars("Pass rate by category", {c: m.get("pass_rate") for c, m in categories.items()})
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
svg text{{font-size:12px}}</style></head><body>
<h1>Eval report</h1>
<p>Split <b>{e(meta["split"])}</b>, {meta["questions"]} questions{
        ", quick subset" if meta["quick"] else ""
    }; mode <b>{e(meta["mode"])}</b>. Question set <code>{e(meta["question_file"])}</code>,
documents <code>{e(meta["docs"])}</code>.</p>
<p>Support judge: {e(meta["judge"])} Agreement with hand labels:
{fmt(meta.get("judge_agreement"))} on {meta.get("judge_labels", 0)} sentences.</p>
<h2>Overall</h2><table>{overall_rows}</table>
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
