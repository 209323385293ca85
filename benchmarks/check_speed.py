"""Benchmark of the linter: `okr check` start-up against bare Python, and key results per second.

Run: `make bench-check` (or `.venv/bin/python benchmarks/check_speed.py`). Prints its figures; the
targets (start-up < 2x bare Python, >= 10,000 key results/s) are reported, not asserted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "it.txt"


def _median_run(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def startup(runs: int) -> dict:
    okr = shutil.which("okr", path=str(Path(sys.executable).parent)) or "okr"
    bare = _median_run([sys.executable, "-c", "pass"], runs)
    check = _median_run([okr, "check", str(SAMPLE), "--color", "never"], runs)
    imports = _median_run([sys.executable, "-c", "import assistant.cli"], runs)
    return {"bare_python_s": bare, "okr_check_s": check, "import_cli_s": imports, "ratio": check / bare}


def throughput(n: int) -> dict:
    from assistant import kb
    from assistant.domain import KeyResult, Objective, OKRSet
    from assistant.validator import validate

    examples = kb.examples()
    krs = [(e.language, kr.text) for e in examples for kr in e.key_results]
    by_lang: dict[str, list[str]] = {}
    for lang, text in (krs * (n // len(krs) + 1))[:n]:
        by_lang.setdefault(lang, []).append(text)
    sets = [
        (
            lang,
            OKRSet(
                objectives=[
                    Objective(title="Grow", key_results=[KeyResult(text=t) for t in texts[i : i + 4]])
                ]
            ),
        )
        for lang, texts in by_lang.items()
        for i in range(0, len(texts), 4)
    ]
    validate(sets[0][1], language=sets[0][0])  # warm the compiled patterns
    start = time.perf_counter()
    for lang, okr in sets:
        validate(okr, language=lang)
    elapsed = time.perf_counter() - start
    return {"key_results": n, "seconds": elapsed, "krs_per_s": n / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="start-up runs per command (median reported)")
    parser.add_argument("--krs", type=int, default=20000, help="key results to validate for throughput")
    args = parser.parse_args()
    s = startup(args.runs)
    t = throughput(args.krs)
    print(f"bare python -c pass     {s['bare_python_s'] * 1000:7.1f} ms (median of {args.runs})")
    print(f"import assistant.cli    {s['import_cli_s'] * 1000:7.1f} ms")
    print(
        f"okr check (it sample)   {s['okr_check_s'] * 1000:7.1f} ms  = {s['ratio']:.2f}x bare python (target < 2x)"
    )
    print(
        f"validator throughput    {t['krs_per_s']:9.0f} key results/s over {t['key_results']} (target >= 10,000)"
    )


if __name__ == "__main__":
    main()
