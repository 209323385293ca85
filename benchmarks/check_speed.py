"""Benchmark of the linter: `okr check` start-up against bare Python, and key results per second.

Run: `make bench-check` (or `.venv/bin/python benchmarks/check_speed.py`). Prints its figures; the
targets (start-up < 2x bare Python, >= 10,000 key results/s) are reported, not asserted.

`--against REV` measures this checkout and the code at git revision REV side by side, alternating
run by run on the same machine: a figure measured on another day (or beside other work) says little
about a change, since the same code here measures 220 ms one day and 300 ms the next. Both sides
validate the same key results (the library's, in the languages both know).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "it.txt"


def _run(cmd: list[str], tree: Path) -> float:
    """Seconds one command takes with `tree`'s `assistant` package first on the path."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    return time.perf_counter() - start


def startup(trees: dict[str, Path], runs: int) -> dict[str, float]:
    """Median `okr check` time per tree (and bare Python), the trees taking turns run by run."""
    check = [sys.executable, "-m", "assistant.cli", "check", str(SAMPLE), "--color", "never"]
    for tree in trees.values():  # both sides start from bytecode and parsed data files, as installs do
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "assistant")], check=False)
        _run(check, tree)
    times: dict[str, list[float]] = {"bare python": [], **{name: [] for name in trees}}
    for _ in range(runs):
        times["bare python"].append(_run([sys.executable, "-c", "pass"], ROOT))
        for name, tree in trees.items():
            times[name].append(_run(check, tree))
    return {name: statistics.median(values) for name, values in times.items()}


def corpus(path: Path) -> None:
    """The library's key-result texts with their languages, written once for every tree to read."""
    from assistant import kb

    texts = [(e.language, kr.text) for e in kb.examples() for kr in e.key_results]
    path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")


def throughput(texts_file: Path, n: int) -> float:
    """Key results per second through `validate`, four to an objective, in the languages this tree knows."""
    from assistant import languages
    from assistant.domain import KeyResult, Objective, OKRSet
    from assistant.validator import validate

    known = set(languages.available())
    krs = [(lang, text) for lang, text in json.loads(texts_file.read_text(encoding="utf-8")) if lang in known]
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
    return n / (time.perf_counter() - start)


def throughputs(trees: dict[str, Path], n: int, rounds: int) -> dict[str, float]:
    """Best key results per second per tree over `rounds` alternating runs, each in its own process."""
    best = dict.fromkeys(trees, 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        texts = Path(tmp) / "krs.json"
        corpus(texts)
        for _ in range(rounds):
            for name, tree in trees.items():
                cmd = [sys.executable, __file__, "--throughput-of", str(texts), "--krs", str(n)]
                out = subprocess.run(
                    cmd,
                    capture_output=True,
                    text=True,
                    check=True,
                    env={**os.environ, "PYTHONPATH": str(tree)},
                )
                best[name] = max(best[name], float(out.stdout.strip()))
    return best


def _worktree(rev: str, where: Path) -> Path:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(where), rev],
        check=True,
        capture_output=True,
    )
    return where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="start-up runs per command (median reported)")
    parser.add_argument("--krs", type=int, default=20000, help="key results to validate for throughput")
    parser.add_argument("--rounds", type=int, default=3, help="throughput runs per tree (best reported)")
    parser.add_argument(
        "--against", metavar="REV", help="also measure git revision REV, alternating with this one"
    )
    parser.add_argument("--throughput-of", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.throughput_of:
        print(throughput(args.throughput_of, args.krs))
        return
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"this checkout": ROOT}
        if args.against:
            trees[args.against] = _worktree(args.against, Path(tmp) / "rev")
        try:
            s = startup(trees, args.runs)
            t = throughputs(trees, args.krs, args.rounds)
        finally:
            if args.against:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(trees[args.against])],
                    check=False,
                    capture_output=True,
                )
    bare = s.pop("bare python")
    print(f"bare python -c pass            {bare * 1000:7.1f} ms (median of {args.runs})")
    for name in trees:
        print(
            f"okr check (it sample)  {name[:14]:>14} {s[name] * 1000:7.1f} ms = {s[name] / bare:.2f}x bare python"
            " (target < 2x)"
        )
    for name in trees:
        print(
            f"validator throughput   {name[:14]:>14} {t[name]:7.0f} key results/s over {args.krs}"
            f" (best of {args.rounds}; target >= 10,000)"
        )


if __name__ == "__main__":
    main()
