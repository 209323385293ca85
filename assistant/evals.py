"""Evaluation: the drafting pipeline against a zero-shot baseline on the gold set, with a report.

For each gold case (evals/gold/cases.yaml) the pipeline drafts as many objectives as the reference
has; the baseline asks the same model zero-shot (evals' prompts/baseline_user.md: no examples, no
repair, the model writes its own sentences). Both are scored the same way: schema validity,
validator pass rate and score, SMART coverage of key results (number, baseline, target, timeframe),
structure, language match, semantic similarity to the reference (embedding cosine with best-match
key-result alignment), retrieval hit@5 (a retrieved example shares the reference's team), latency
and tokens, and what a reader objects to (see `quality`, `relevance`). The pipeline drafts each case
with the case's reference examples left out of the library (`HeldOut`), as a new goal would be.
Results are appended per case, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from assistant import kb, languages
from assistant.domain import ExampleKeyResult, KeyResult, Objective, OKRSet
from assistant.features import analyse
from assistant.resources import data_dir
from assistant.validator import validate

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "evals" / "gold" / "cases.yaml"


class GoldCase(BaseModel):
    id: str
    lang: str
    team: str
    split: str = Field(pattern="^(dev|test)$")
    ref: list[str]
    goal: str


class BaselineObjective(BaseModel):
    title: str
    key_results: list[str] = Field(min_length=1, max_length=6)


class BaselineReply(BaseModel):
    """What the zero-shot baseline is asked for: plain objectives and key-result sentences."""

    objectives: list[BaselineObjective] = Field(min_length=1, max_length=5)


class CaseResult(BaseModel):
    """One system's outcome on one case: the metrics, never the raw draft alone."""

    case: str
    system: str
    lang: str
    schema_valid: bool
    error: str | None = None
    passed: bool = False
    score: int = 0
    smart: dict[str, float] = Field(default_factory=dict)
    objectives: int = 0
    krs_per_objective_ok: bool = False
    language_match: bool = False
    similarity: float = 0.0
    retrieval_hit: float | None = None
    timings: dict[str, float] = Field(default_factory=dict)
    tokens: int = 0
    quality: dict[str, float] = Field(default_factory=dict)
    relevance: float | None = None
    okr_set: OKRSet | None = None


def stratified(cases: list[GoldCase], limit: int | None) -> list[GoldCase]:
    """The first `limit` cases taken in turn from each language, so `--limit 6` is one per language,
    not six English ones."""
    if limit is None or limit >= len(cases):
        return cases
    by_lang: dict[str, list[GoldCase]] = {}
    for case in cases:
        by_lang.setdefault(case.lang, []).append(case)
    queues = list(by_lang.values())
    picked: list[GoldCase] = []
    while len(picked) < limit:
        for queue in queues:
            if queue and len(picked) < limit:
                picked.append(queue.pop(0))
    return picked


def load_cases(path: Path = GOLD, split: str | None = None) -> list[GoldCase]:
    cases = [GoldCase.model_validate(c) for c in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]]
    return [c for c in cases if split in (None, "all", c.split)]


@cache
def _shipped() -> dict:
    """The shipped library (the gold set's references), whatever OKR_KB_DIR says."""
    return {e.id: e for e in kb.load(str(data_dir("examples_kb")))[0]}


def _reference_krs(case: GoldCase) -> list[tuple[str, ExampleKeyResult]]:
    """(sentence, labelled key result) of the reference, in the case's language where the example
    has it, else in English."""
    by_id = _shipped()
    return [
        (kr.text if by_id[i].language == case.lang else kr.en, kr)
        for i in case.ref
        for kr in by_id[i].key_results
    ]


def reference(case: GoldCase) -> list[str]:
    """Reference key results in the case's language where the example has it, else in English."""
    return [text for text, _ in _reference_krs(case)]


def smart(okr: OKRSet, lang_code: str) -> dict[str, float]:
    """Share of key results with a number, a baseline, a target and a timeframe."""
    lang = languages.get(lang_code)
    rows = []
    for obj in okr.objectives:
        obj_time = analyse(obj.title, lang).has_timeframe
        for kr in obj.key_results:
            f = analyse(kr.text, lang)
            rows.append(
                {
                    "number": f.has_quantity,
                    "baseline": f.has_baseline or kr.baseline is not None,
                    "target": kr.target is not None or f.target is not None or f.has_quantity,
                    "timeframe": f.has_timeframe or bool(kr.deadline) or obj_time or bool(okr.cycle),
                }
            )
    return {
        k: round(sum(r[k] for r in rows) / len(rows), 3) if rows else 0.0
        for k in ("number", "baseline", "target", "timeframe")
    }


def similarity(draft: list[str], ref: list[str], embed: Callable[[list[str]], list[list[float]]]) -> float:
    """Best-match alignment: each reference key result's closest drafted one, cosine, averaged."""
    if not draft or not ref:
        return 0.0
    vectors = embed(draft + ref)
    d, r = vectors[: len(draft)], vectors[len(draft) :]

    def cos(a, b):
        dot = sum(x * y for x, y in zip(a, b, strict=True))
        na, nb = sum(x * x for x in a) ** 0.5, sum(y * y for y in b) ** 0.5
        return dot / (na * nb) if na and nb else 0.0

    return round(statistics.mean(max(cos(rv, dv) for dv in d) for rv in r), 4)


# What a reader objects to, as validator rules: the share of sentences (objectives + key results)
# with each, and the share of drafts with none of them and no other error or warning ("clean").
QUALITY_RULES = {
    "identifier": ("kr.identifier", "obj.identifier"),
    "mixed_language": ("kr.mixed-language", "obj.mixed-language"),
    "wrong_direction": ("kr.wrong-direction", "kr.zero-target", "kr.no-change"),
    "problem_or_copied_objective": ("obj.problem", "obj.copies-goal"),
    "repeated": ("kr.duplicate", "obj.duplicate"),
}


def quality(okr: OKRSet, report) -> dict[str, float]:
    """Per-sentence rates of each reader-visible defect, and whether the draft is clean."""
    places = {(f.objective, f.key_result, f.rule) for f in report.findings}
    n = sum(1 + len(o.key_results) for o in okr.objectives) or 1
    out = {
        name: round(len({(o, k) for o, k, r in places if r in rules}) / n, 4)
        for name, rules in QUALITY_RULES.items()
    }
    out["clean"] = float(
        bool(okr.objectives) and report.counts.get("errors", 0) == 0 and report.counts.get("warnings", 0) == 0
    )
    return out


def reference_metrics(case: GoldCase, match: Callable[[str], list[str]] | None) -> list[set[str]]:
    """What each reference key result measures: the metric a person labelled it with (the library's
    `metric:`), or, for an unlabelled one, any of its 3 nearest catalogue metrics. Activities
    labelled with no metric are left out: no draft can choose them."""
    out = []
    for text, kr in _reference_krs(case):
        if "metric" in kr.model_fields_set:
            if kr.metric:
                out.append({kr.metric})
        elif match is not None:
            out.append(set(match(text)[:3]))
    return out


def relevance(okr: OKRSet, case: GoldCase, match: Callable[[str], list[str]] | None) -> float | None:
    """Share of the reference's measured key results whose metric the draft also measures; drafted
    key results count by their metric id, free sentences (the baseline) by their nearest metric."""
    if match is None:
        return None
    chosen = {
        kr.metric_id or next(iter(match(kr.text)), None) for o in okr.objectives for kr in o.key_results
    }
    refs = reference_metrics(case, match)
    return round(sum(1 for r in refs if chosen & r) / len(refs), 4) if refs else None


def _score(
    case: GoldCase,
    system: str,
    okr: OKRSet,
    embed,
    timings: dict,
    tokens: int,
    hit: float | None,
    match: Callable[[str], list[str]] | None = None,
) -> CaseResult:
    okr = okr.model_copy(update={"goal": case.goal})
    report = validate(okr, language=case.lang)
    texts = [kr.text for o in okr.objectives for kr in o.key_results]
    written = languages.detect(" ".join(texts), default="en") if texts else None
    return CaseResult(
        case=case.id,
        system=system,
        lang=case.lang,
        schema_valid=True,
        passed=report.passed,
        score=report.score,
        smart=smart(okr, case.lang),
        objectives=len(okr.objectives),
        krs_per_objective_ok=all(3 <= len(o.key_results) <= 5 for o in okr.objectives)
        if okr.objectives
        else False,
        language_match=written == case.lang,
        similarity=similarity(texts, reference(case), embed),
        retrieval_hit=hit,
        timings={k: round(v, 3) for k, v in timings.items()},
        tokens=tokens,
        okr_set=okr,
        quality=quality(okr, report),
        relevance=relevance(okr, case, match),
    )


class HeldOut:
    """The example index without a case's reference examples (every translation of them).

    The gold references are library examples, so an index that can return them lets a case find its
    own answer (retrieval hit@5 was 1.00) and flatters whatever the pipeline takes from the closest
    example. A new user's goal has no such twin: the eval drafts each case as if it had none."""

    def __init__(self, index, groups: set[str]):
        self.index, self.groups = index, groups

    def search(self, query: str, k: int = 5, language: str | None = None, team: str | None = None) -> list:
        hits = self.index.search(query, k + len(self.groups), language, team)
        return [h for h in hits if h.example.group not in self.groups][:k]


def held_out(case: GoldCase, drafter):
    """The same drafter (model, catalogue, locks) searching the library without the case's references."""
    import dataclasses

    groups = {e.group for e in _shipped().values() if e.id in case.ref}
    drafter._catalogue(), drafter._chat()  # made once here, so every case's copy shares them
    return dataclasses.replace(drafter, index=HeldOut(drafter._index(), groups))


def run_pipeline(case: GoldCase, drafter, embed, match=None) -> CaseResult:
    from assistant.drafting import DraftError, parse_request

    n = 1  # one vague goal calls for one objective (the default draft)
    try:
        result = held_out(case, drafter).draft(
            parse_request(goal=case.goal, team=case.team, language=case.lang, n_objectives=n)
        )
    except DraftError as exc:
        return CaseResult(case=case.id, system="pipeline", lang=case.lang, schema_valid=False, error=str(exc))
    teams = {e.team for e in kb.load_all() if e.id in set(result.examples)}
    ref_teams = {e.team for e in _shipped().values() if e.id in case.ref}
    hit = 1.0 if teams & ref_teams else 0.0
    return _score(
        case,
        "pipeline",
        result.okr_set,
        embed,
        result.timings.model_dump(),
        sum(v for k, v in result.tokens.items() if k == "total_tokens"),
        hit,
        match,
    )


def run_baseline(case: GoldCase, drafter, embed, match=None) -> CaseResult:
    """Zero-shot: the same model, a plain prompt, no retrieval, no repair."""
    from assistant.drafting import DraftError, render

    lang = languages.get(case.lang)
    user = render("baseline_user", goal=case.goal, n_objectives=1, language_name=lang.english_name)
    drafter.usage().clear()
    start = time.perf_counter()
    try:
        reply: BaselineReply = drafter.ask([("human", user)], BaselineReply)
    except DraftError as exc:
        return CaseResult(case=case.id, system="baseline", lang=case.lang, schema_valid=False, error=str(exc))
    llm_s = time.perf_counter() - start
    okr = OKRSet(
        goal=case.goal,
        language=case.lang,
        objectives=[
            Objective(title=o.title, key_results=[KeyResult(text=t) for t in o.key_results])
            for o in reply.objectives
        ],
    )
    tokens = drafter.usage().get("total_tokens", 0)
    return _score(case, "baseline", okr, embed, {"llm_s": llm_s, "total_s": llm_s}, tokens, None, match)


def objective_fit(okr: OKRSet) -> list[float]:
    """Per drafted objective, the share of its key results whose metric is one the catalogue says
    shows that objective (`shown_by`): "make our e-mails worth opening" over search rankings is 0.
    Only objectives and key results with catalogue ids count (the baseline writes free text)."""
    from assistant import catalogue

    phrases = catalogue.load().objectives
    out = []
    for obj in okr.objectives:
        phrase = phrases.get(obj.objective_id or "")
        ids = [kr.metric_id for kr in obj.key_results if kr.metric_id]
        if phrase and phrase.shown_by and ids:
            out.append(phrase.shows(ids) / len(ids))
    return out


def aggregate(results: list[CaseResult]) -> dict:
    """Means over cases; a failed (schema-invalid) case counts as 0 everywhere."""
    if not results:
        return {}

    def mean(values):
        values = list(values)
        return round(statistics.mean(values), 4) if values else 0.0

    ok = [r for r in results if r.schema_valid]
    hits = [r.retrieval_hit for r in results if r.retrieval_hit is not None]
    return {
        "cases": len(results),
        "schema_validity": mean(r.schema_valid for r in results),
        "validator_pass_rate": mean(r.passed for r in results),
        "mean_score": mean(r.score for r in results),
        "smart_number": mean(r.smart.get("number", 0) for r in results),
        "smart_baseline": mean(r.smart.get("baseline", 0) for r in results),
        "smart_target": mean(r.smart.get("target", 0) for r in results),
        "smart_timeframe": mean(r.smart.get("timeframe", 0) for r in results),
        "structure_ok": mean(r.krs_per_objective_ok for r in results),
        "language_match": mean(r.language_match for r in results),
        "similarity": mean(r.similarity for r in results),
        "retrieval_hit_at_5": mean(hits) if hits else None,
        "latency_s_median": round(statistics.median(r.timings.get("total_s", 0) for r in ok), 2)
        if ok
        else None,
        "latency_s_max": round(max(r.timings.get("total_s", 0) for r in ok), 2) if ok else None,
        "tokens_mean": mean(r.tokens for r in ok),
        **{f"{k}_rate": mean(r.quality.get(k, 0) for r in ok) for k in QUALITY_RULES},
        "clean_rate": mean(r.quality.get("clean", 0) for r in results),
        "metric_relevance": mean(r.relevance for r in results if r.relevance is not None)
        if any(r.relevance is not None for r in results)
        else None,
        "objective_fit": mean(fits)
        if (fits := [f for r in ok if r.okr_set for f in objective_fit(r.okr_set)])
        else None,
    }


class Evaluation:
    """A resumable evaluation run writing cases.jsonl, report.md, report.json and report.png to `out`."""

    def __init__(
        self,
        out: Path,
        drafter,
        embed,
        progress: Callable[[str], None] = lambda _: None,
        name: str = "report",
        match: Callable[[str], list[str]] | None = None,
    ):
        self.out, self.drafter, self.embed, self.progress, self.name = out, drafter, embed, progress, name
        self.match = match
        self.out.mkdir(parents=True, exist_ok=True)
        self.log = self.out / f"{name}.cases.jsonl"

    def done(self) -> dict[tuple[str, str], CaseResult]:
        results = {}
        if self.log.exists():
            for line in self.log.read_text(encoding="utf-8").splitlines():
                try:
                    r = CaseResult.model_validate_json(line)
                except ValueError:
                    continue  # a torn last line from an interrupted run: the case is redone
                results[(r.case, r.system)] = r
        return results

    def _write(self, results: dict[tuple[str, str], CaseResult]) -> None:
        from assistant.files import write_atomic

        write_atomic(self.log, "".join(r.model_dump_json() + "\n" for r in results.values()))

    def redo(self, system: str) -> int:
        """Forget one system's finished cases (after a change to the drafter, only the pipeline
        needs drafting again); returns how many were dropped."""
        results = self.done()
        kept = {key: r for key, r in results.items() if key[1] != system}
        if len(kept) != len(results):
            self._write(kept)
        return len(results) - len(kept)

    def rescore(self, cases: list[GoldCase]) -> int:
        """Score the stored drafts again with today's validator, labels and metrics, without the
        model: a change to how drafts are judged should not cost a 35-minute run. Returns how many."""
        by_id = {c.id: c for c in cases}
        results = self.done()
        n = 0
        for key, r in results.items():
            case = by_id.get(r.case)
            if case is None or r.okr_set is None:
                continue
            hit = r.retrieval_hit
            results[key] = _score(case, r.system, r.okr_set, self.embed, r.timings, r.tokens, hit, self.match)
            n += 1
        if n:
            self._write(results)
        return n

    def run(self, cases: list[GoldCase], baseline: bool) -> dict[str, list[CaseResult]]:
        results = self.done()
        systems = ["pipeline", "baseline"] if baseline else ["pipeline"]
        todo = [(c, s) for c in cases for s in systems if (c.id, s) not in results]
        for n, (case, system) in enumerate(todo, 1):
            self.progress(f"[{n}/{len(todo)}] {case.id} {system}")
            runner = run_pipeline if system == "pipeline" else run_baseline
            r = runner(case, self.drafter, self.embed, self.match)
            with self.log.open("a", encoding="utf-8") as f:
                f.write(r.model_dump_json() + "\n")
            results[(case.id, system)] = r
        wanted = {c.id for c in cases}
        return {
            s: [r for (cid, sys_), r in sorted(results.items()) if sys_ == s and cid in wanted]
            for s in systems
        }


def summary(by_system: dict[str, list[CaseResult]], model: str, split: str) -> dict:
    from assistant import accuracy

    out: dict = {"model": model, "split": split, "cases": len(by_system.get("pipeline", []))}
    for system, results in by_system.items():
        out[system] = aggregate(results)
        out[system]["per_language"] = {
            lang: aggregate([r for r in results if r.lang == lang])
            for lang in sorted({r.lang for r in results})
        }
    if "baseline" in out and out["baseline"].get("validator_pass_rate") is not None:
        ratios = {}
        for key in (
            "validator_pass_rate",
            "mean_score",
            "smart_baseline",
            "smart_number",
            "similarity",
            "language_match",
            "clean_rate",
            "metric_relevance",
        ):
            base = out["baseline"].get(key) or 0
            ratios[key] = round(out["pipeline"][key] / base, 2) if base else None
        out["ratios"] = ratios
    acc = accuracy.summary()
    out["validator_accuracy"] = {k: acc[k] for k in ("all", "holdout", "own", "per_language")}
    meaning = accuracy.meaning_summary()
    out["meaning_accuracy"] = {k: meaning[k] for k in ("all", "tuned", "holdout", "per_language", "per_rule")}
    return out
