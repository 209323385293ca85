"""Per-stage draft timings and validator pass rate over a varied set of goals (evals/goals.yaml).

Run: `make bench-draft` (embedded model) or `.venv/bin/python benchmarks/draft_speed.py --llm fake`.
Prints, per goal, the stage timings and the verdict; then the share of non-LLM time, retrieval
latency warm, median and max draft time, and the pass rate. `--out FILE` also writes them as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", default=None, help="backend: local (default), openai, fake")
    parser.add_argument("--objectives", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="only the first N goals")
    parser.add_argument(
        "--per-language", type=int, default=None, help="only the first N goals of each language"
    )
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()

    from assistant.drafting import Drafter, parse_request
    from assistant.llm import load_settings
    from assistant.retrieval import catalogue_index, default_index

    goals = yaml.safe_load((ROOT / "evals" / "goals.yaml").read_text(encoding="utf-8"))["goals"][: args.limit]
    if args.per_language:
        seen: dict[str, int] = {}
        goals = [
            g
            for g in goals
            if seen.setdefault(g["lang"], 0) < args.per_language
            and not seen.update({g["lang"]: seen[g["lang"]] + 1})
        ]
    t = time.perf_counter()
    index = default_index()
    index.build()
    catalogue_index().build()  # both once after an install or a catalogue change, not per draft
    print(f"indexes ready in {time.perf_counter() - t:.1f} s (built only when the data changed)", flush=True)
    warm = []
    for g in goals:  # retrieval alone, warm
        t = time.perf_counter()
        index.search(g["goal"], k=5)
        warm.append(time.perf_counter() - t)
    drafter = Drafter(load_settings(llm=args.llm), index=index)
    rows = []
    for n, g in enumerate(goals, 1):
        result = drafter.draft(parse_request(goal=g["goal"], team=g["team"], n_objectives=args.objectives))
        t = result.timings
        written = result.okr_set.language
        rows.append(
            {
                "id": g["id"],
                "passed": result.validation.passed,
                "clean": result.validation.passed and result.validation.counts.get("warnings", 0) == 0,
                "score": result.validation.score,
                "language_ok": written == g["lang"],
                "repair_rounds": result.repair_rounds,
                **t.model_dump(),
                "tokens": result.tokens,
                "draft": [o.title for o in result.okr_set.objectives]
                + [k.text for o in result.okr_set.objectives for k in o.key_results],
            }
        )
        print(
            f"[{n}/{len(goals)}] {g['id']:<14} {'pass' if result.validation.passed else 'FAIL'} "
            f"score {result.validation.score:3d}  total {t.total_s:6.1f} s  retrieval {t.retrieval_s * 1000:5.0f} ms  "
            f"model {t.llm_s:6.1f} s  validation {t.validation_s * 1000:5.1f} ms  repairs {result.repair_rounds}",
            flush=True,
        )
    totals = [r["total_s"] for r in rows]
    non_llm = sum(r["total_s"] - r["llm_s"] for r in rows) / sum(totals)
    summary = {
        "model": drafter.settings.describe(),
        "goals": len(rows),
        "pass_rate": sum(r["passed"] for r in rows) / len(rows),
        "clean_rate": sum(r["clean"] for r in rows) / len(rows),
        "mean_score": statistics.mean(r["score"] for r in rows),
        "non_llm_share": non_llm,
        "retrieval_warm_ms_median": statistics.median(warm) * 1000,
        "retrieval_warm_ms_max": max(warm) * 1000,
        "draft_s_median": statistics.median(totals),
        "draft_s_max": max(totals),
        "misses": [r["id"] for r in rows if not r["passed"]],
        "rows": rows,
    }
    print(
        f"\nmodel {summary['model']}: {len(rows)} goals, pass rate {summary['pass_rate']:.0%}, "
        f"clean (no error, no warning) {summary['clean_rate']:.0%}, "
        f"mean score {summary['mean_score']:.1f}"
    )
    print(
        f"non-LLM stages {non_llm:.2%} of wall time (target < 5%); retrieval top-5 warm "
        f"median {summary['retrieval_warm_ms_median']:.1f} ms, max {summary['retrieval_warm_ms_max']:.1f} ms (target < 50 ms)"
    )
    print(
        f"draft time median {summary['draft_s_median']:.1f} s (target <= 45 s), max {summary['draft_s_max']:.1f} s "
        f"(target <= 90 s); "
        f"misses: {', '.join(summary['misses']) or 'none'}"
    )
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    sys.exit(0)


if __name__ == "__main__":
    main()
