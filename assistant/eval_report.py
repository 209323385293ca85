"""The eval report: JSON figures, a Markdown page a person can read (every case's goal, draft and
reference side by side) and a bar chart, written from `evals.summary` and the per-case results."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.evals import CaseResult, load_cases, reference


def write_report(
    data: dict, out: Path, by_system: dict[str, list[CaseResult]], name: str = "report"
) -> list[Path]:
    paths = [out / f"{name}.json", out / f"{name}.md", out / f"{name}.png"]
    paths[0].write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    paths[1].write_text(markdown(data, by_system), encoding="utf-8")
    chart(data, paths[2])
    return paths


METRICS = [
    ("validator_pass_rate", "validator pass rate"),
    ("mean_score", "mean score (/100)"),
    ("smart_number", "KRs with a number"),
    ("smart_baseline", "KRs with a baseline"),
    ("smart_timeframe", "KRs with a timeframe"),
    ("structure_ok", "3-5 KRs per objective"),
    ("language_match", "language match"),
    ("similarity", "similarity to reference"),
    ("schema_validity", "schema-valid replies"),
    ("clean_rate", "clean drafts (no error, no warning)"),
    ("metric_relevance", "metric relevance (reference metrics chosen)"),
    ("objective_fit", "KRs that show their objective (catalogue ids only)"),
    ("identifier_rate", "sentences with code identifiers"),
    ("mixed_language_rate", "sentences mixing languages"),
    ("wrong_direction_rate", "KRs moved the wrong way / to zero / nowhere"),
    ("problem_or_copied_objective_rate", "objectives restating the problem or the goal"),
    ("repeated_rate", "repeated objectives or KRs"),
]
RATE_KEYS = {
    "identifier_rate",
    "mixed_language_rate",
    "wrong_direction_rate",
    "problem_or_copied_objective_rate",
    "repeated_rate",
    "mean_score",
}


def _cell(value: object) -> str:
    """A table cell: '-' where a system has no figure (the baseline writes no catalogue ids)."""
    return "-" if value is None else str(value)


def markdown(data: dict, by_system: dict[str, list[CaseResult]]) -> str:
    pipe, base = data.get("pipeline", {}), data.get("baseline")
    lines = [f"# Evaluation: {data['model']}", "", f"Split `{data['split']}`, {data['cases']} cases.", ""]
    head = "| metric | pipeline |" + (" zero-shot baseline | ratio |" if base else "")
    lines += [head, "|---|---|" + ("---|---|" if base else "")]
    for key, label in METRICS:
        p = pipe.get(key)
        row = f"| {label} | {_cell(p)} |"
        if base:
            row += f" {_cell(base.get(key))} | {_cell((data.get('ratios') or {}).get(key))} |"
        lines.append(row)
    lines += [
        f"| retrieval hit@5 (team) | {pipe.get('retrieval_hit_at_5')} |" + (" - | - |" if base else ""),
        f"| latency median / max (s) | {pipe.get('latency_s_median')} / {pipe.get('latency_s_max')} |"
        + (f" {base.get('latency_s_median')} / {base.get('latency_s_max')} | - |" if base else ""),
        f"| tokens per case | {pipe.get('tokens_mean')} |"
        + (f" {base.get('tokens_mean')} | - |" if base else ""),
    ]
    for system in ("pipeline", "baseline"):
        if system not in data:
            continue
        lines += [
            "",
            f"## Per language ({system})",
            "",
            "| language | cases | clean | pass rate | identifiers | mixed language | wrong direction "
            "| problem/copied objectives | repeated | metric relevance | KRs showing their objective |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for lang, agg in data[system].get("per_language", {}).items():
            lines.append(
                f"| {lang} | {agg['cases']} | {agg['clean_rate']} | {agg['validator_pass_rate']} "
                f"| {agg['identifier_rate']} | {agg['mixed_language_rate']} | {agg['wrong_direction_rate']} "
                f"| {agg['problem_or_copied_objective_rate']} | {agg['repeated_rate']} | {agg['metric_relevance']} "
                f"| {_cell(agg.get('objective_fit'))} |"
            )
    lines += _accuracy_table(
        "Validator accuracy (labelled library and hand-written cases)",
        data.get("validator_accuracy", {}),
        ("all", "holdout", "own"),
    )
    lines += _accuracy_table(
        "Meaning rules accuracy (evals/validator/meaning.yaml, six languages)",
        data.get("meaning_accuracy", {}),
        ("all", "tuned", "holdout"),
    )
    lines += ["", "## Every case: goal, drafts and reference side by side", ""]
    cases = {c.id: c for c in load_cases()}
    systems = list(by_system)
    for case_id in sorted({r.case for rs in by_system.values() for r in rs}):
        case = cases.get(case_id)
        lines += [f"### {case_id} — {case.goal if case else ''}", ""]
        for system in systems:
            r = next((x for x in by_system[system] if x.case == case_id), None)
            if r is None:
                continue
            verdict = "clean" if r.quality.get("clean") else ("passes" if r.passed else "fails")
            lines.append(
                f"**{system}** ({verdict}, relevance {r.relevance}){': ' + r.error if r.error else ''}"
            )
            lines.append("")
            for obj in r.okr_set.objectives if r.okr_set else []:
                lines.append(f"- {obj.title}")
                lines += [f"  - {kr.text}" for kr in obj.key_results]
            lines.append("")
        if case:
            lines += ["**reference**", ""] + [f"- {t}" for t in reference(case)] + [""]
    return "\n".join(lines) + "\n"


def _accuracy_table(title: str, slices: dict, names: tuple[str, ...]) -> list[str]:
    """One accuracy section of the report: items, decisions, accuracy and exact match per slice."""
    if not slices:
        return []
    lines = [
        "",
        f"## {title}",
        "",
        "| slice | items | decisions | accuracy | exact match |",
        "|---|---|---|---|---|",
    ]
    for name in names:
        a = slices[name]
        lines.append(f"| {name} | {a['items']} | {a['decisions']} | {a['accuracy']} | {a['exact_match']} |")
    return lines


def chart(data: dict, path: Path) -> None:
    """Grouped bars: pipeline vs baseline on the rate metrics."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k, _ in METRICS if k not in RATE_KEYS]
    labels = [label for k, label in METRICS if k not in RATE_KEYS]
    systems = [s for s in ("pipeline", "baseline") if s in data]
    fig, ax = plt.subplots(figsize=(11, 4.8))
    width = 0.8 / len(systems)
    for n, system in enumerate(systems):
        values = [data[system].get(k) or 0 for k in keys]
        ax.bar([i + n * width for i in range(len(keys))], values, width, label=system)
    ax.set_xticks(
        [i + width * (len(systems) - 1) / 2 for i in range(len(keys))], labels, rotation=25, ha="right"
    )
    ax.set_ylim(0, 1.05)
    ax.set_title(f"{data['model']} — split {data['split']}, {data['cases']} cases")
    ax.legend(loc="lower left", ncol=2, framealpha=0.9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
