"""The web chat: draft from a goal, refine by instruction, edit directly, export. Gradio front end.

Handlers are plain functions of (inputs, state) so they are tested without a browser; `build()`
wires them to components. The draft action is also a named API endpoint (`/draft`) for scripts.
"""

from __future__ import annotations

import atexit
import html
import queue
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assistant import config, languages
from assistant.chat import Intent, changes, intent
from assistant.config import Settings
from assistant.domain import DraftResult, KeyResult, Objective, OKRSet
from assistant.drafting import Drafter, DraftError, ModelError, parse_request
from assistant.export import kr_detail, to_csv, to_json, to_markdown
from assistant.redact import redact
from assistant.validator import label, validate

SHOWN_IN_DETAIL = {"kr.baseline-assumed", "kr.baseline-unknown"}  # the detail line says "assumed: confirm"
TABLE_HEADERS = ["objective", "key_result", "baseline", "target", "unit", "deadline"]
COLOURS = {"error": "#b42318", "warning": "#b54708", "info": "#175cd3"}
CSS = """
.okr-card {border:1px solid #d0d5dd; border-radius:10px; padding:12px 16px; margin:10px 0; background:#fff}
.okr-card h3 {margin:0 0 6px 0; font-size:1.05em}
.okr-kr {margin:6px 0 6px 12px}
.okr-detail {color:#475467; font-size:.9em; margin-left:12px}
.okr-finding {font-size:.88em; margin:2px 0 2px 24px}
.okr-score {font-size:1.1em; font-weight:600}
.okr-where {font-weight:600; margin-right:4px}
/* Phones: the edit table is too wide to use; the cards above list every key result. */
@media (max-width: 700px) {
  #edit-table-box {display:none}
  .okr-card {padding:10px}
}
"""
# A run of digits, Latin letters and their punctuation inside right-to-left text ("2027-Q1", "18%").
_LTR_RUN = re.compile(r"[0-9A-Za-z۰-۹٠-٩][0-9A-Za-z۰-۹٠-٩%.,:/+\-–€$£]*")
Turn = tuple[list, dict | None, str, str, list, str, dict | None]


def _esc(text: Any) -> str:
    return html.escape(str(text))


def _text(text: Any, rtl: bool) -> str:
    """Escaped text; in a right-to-left language, numbers, dates and Latin words are isolated so the
    browser's bidi algorithm cannot scramble "2027-Q1" or "18% → 25%" inside a Persian sentence."""
    escaped = _esc(text)
    if not rtl:
        return escaped
    return _LTR_RUN.sub(lambda m: f'<bdi dir="ltr">{m.group(0)}</bdi>', escaped)


def _findings_html(
    report, objective: int | None = None, key_result: int | None = None, rtl: bool = False
) -> str:
    """Each finding as 'O2 KR3 message → suggestion'; the rule id is on hover (title)."""
    out = []
    for f in report.at(objective, key_result):
        if f.rule not in SHOWN_IN_DETAIL:
            colour = COLOURS[f.severity.value]
            out.append(
                f'<div class="okr-finding" style="color:{colour}" data-rule="{_esc(f.rule)}" '
                f'title="{_esc(f.severity.value)} · rule {_esc(f.rule)}" dir="auto">'
                f'<span class="okr-where">{_esc(label(f.objective, f.key_result))}</span>'
                f"{_text(f.message, rtl)} <i>→ {_text(f.suggestion, rtl)}</i></div>"
            )
    return "".join(out)


def _header(okr: OKRSet, report) -> str:
    verdict = "passes every check" if report.passed else f"{report.counts.get('errors', 0)} error(s) to fix"
    warnings = report.counts.get("warnings", 0)
    verdict += f", {warnings} warning(s)" if warnings else ""
    team = (
        f"team {_esc(okr.team)}"
        if okr.team
        else "team not set (add it under Options: metrics of your team come first)"
    )
    subs = report.sub_scores
    return (
        f'<div class="okr-score" id="okr-score">Quality {report.score}/100 — {verdict}</div>'
        f"<div class='okr-detail'>cycle {_esc(okr.cycle)} · language {_esc(okr.language)} · {team}</div>"
        f"<details class='okr-detail'><summary>how the quality is graded</summary>measurable "
        f"{subs.measurable} · time-bound {subs.time_bound} · outcome-focused {subs.outcome_focused} · "
        f"baseline {subs.baseline_ambition} · structure {subs.structure} (out of 100 each)</details>"
    )


def render(result: DraftResult | None) -> str:
    """The structured view: quality, objectives, key results with baseline -> target, findings inline."""
    if result is None:
        return "<p>Type a goal in the chat, e.g. <i>Vogliamo vendere di più online</i>.</p>"
    return render_set(result.okr_set, result.validation, result.notes)


def render_set(okr: OKRSet, report, notes: list[str] | tuple = ()) -> str:
    """Any OKR set with its report: a draft, or a document a team already keeps."""
    lang = okr.language if okr.language in languages.available() else "en"
    rtl = languages.get(lang).direction == "rtl"
    parts = [_header(okr, report), _findings_html(report, rtl=rtl)]
    for i, obj in enumerate(okr.objectives):
        krs = []
        for j, kr in enumerate(obj.key_results):
            detail = kr_detail(kr)
            krs.append(
                f'<div class="okr-kr"><b>KR{j + 1}</b> {_text(kr.text, rtl)}'
                + (f'<div class="okr-detail" dir="ltr">{_esc(detail)}</div>' if detail else "")
                + _findings_html(report, i, j, rtl)
                + "</div>"
            )
        init = (
            f"<div class='okr-detail'>Initiatives: {_text('; '.join(obj.initiatives), rtl)}</div>"
            if obj.initiatives
            else ""
        )
        parts.append(
            f'<div class="okr-card objective" dir="{"rtl" if rtl else "ltr"}" lang="{_esc(lang)}">'
            f"<h3>O{i + 1}. {_text(obj.title, rtl)}</h3>"
            + _findings_html(report, i, rtl=rtl)
            + "".join(krs)
            + init
            + "</div>"
        )
    if okr.health:  # numbers to hold beside the objectives; the label is the page's, the items the set's
        held = "".join(f"<li>{_text(h.text, rtl)}</li>" for h in okr.health)
        parts.append(
            f"<div class='okr-detail okr-health'>Hold, not scored:"
            f'<ul dir="{"rtl" if rtl else "ltr"}" lang="{_esc(lang)}">{held}</ul></div>'
        )
    if notes:
        parts.append("<div class='okr-detail'>" + "<br>".join(_esc(n) for n in notes) + "</div>")
    return "".join(parts)


def check_document(text: str, upload: str | None) -> str:
    """The "Check your OKRs" tab: how a pasted or uploaded document was read, then its findings."""
    from assistant.parsing import InputError, read, read_document, structure_lines

    try:
        if upload:
            raw, name = read(upload)
            name = Path(upload).name
        elif str(text or "").strip():
            raw, name = str(text), "pasted text"
        else:
            return "<p>Paste your OKRs or upload a .md, .txt, .csv, .xlsx, .json or .yaml file.</p>"
        reading = read_document(raw, name)
    except InputError as exc:
        return f'<p class="okr-finding" style="color:{COLOURS["error"]}">⚠️ {_esc(exc)}</p>'
    okr = reading.okr_set
    tree = "\n".join(structure_lines(okr))
    note = f"<p class='okr-detail'>{_esc(reading.note)}</p>" if reading.note else ""
    return (
        note
        + "<details open><summary>How it was read</summary>"
        + f'<pre id="okr-structure" dir="auto">{_esc(tree)}</pre></details>'
        + render_set(okr, validate(okr))
    )


def file_name(okr: OKRSet, fmt: str, kind: str = "okrs") -> str:
    """`okrs-grow-online-sales-2027-Q1.csv` (or `cascade-…`, `plan-…`): what the download is, not a hash."""
    slug = re.sub(r"[^\w]+", "-", (okr.goal or "draft").casefold()).strip("-_")[:40].rstrip("-_") or "draft"
    return f"{kind}-{slug}-{okr.cycle or 'cycle'}.{fmt}"


def sources_markdown(result: DraftResult | None) -> str:
    """'Inspired by' examples: id, source, language, team, objective and key results."""
    if result is None or not result.examples:
        return "No examples yet."
    from assistant import kb

    names = {e.id: e for e in kb.load_all()}
    lines = []
    for ident in result.examples:
        ex = names.get(ident)
        if not ex:
            continue
        lines.append(f"**{ident}** — {ex.source}, language `{ex.language}`, team `{ex.team}`")
        lines.append(f"> {ex.objective}  \n> _{ex.objective_en}_")
        lines += [f"> - {kr.text}" for kr in ex.key_results]
        lines.append("")
    return "\n".join(lines)


def table(okr: OKRSet | None) -> list[list]:
    """One editable row per key result."""
    if okr is None:
        return [["", "", "", "", "", ""]]
    rows = []
    for obj in okr.objectives:
        for kr in obj.key_results:
            rows.append(
                [
                    obj.title,
                    kr.text,
                    "" if kr.baseline is None else kr.baseline,
                    "" if kr.target is None else kr.target,
                    kr.unit or "",
                    kr.deadline or "",
                ]
            )
    return rows or [["", "", "", "", "", ""]]


def _number(value: Any) -> float | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None


def from_table(rows: list[list], base: OKRSet | None) -> OKRSet:
    """The set as edited in the table: rows grouped by objective title, in order."""
    base = base or OKRSet()
    previous = {kr.text: kr for o in base.objectives for kr in o.key_results}
    objectives: list[Objective] = []
    for row in rows:
        row = [*list(row), "", "", "", "", "", ""][:6]
        title, text = str(row[0] or "").strip(), str(row[1] or "").strip()
        if not title and not text:
            continue
        if not objectives or objectives[-1].title != title:
            old = next((o for o in base.objectives if o.title == title), None)
            objectives.append(
                Objective(
                    title=title,
                    initiatives=old.initiatives if old else [],
                    examples=old.examples if old else [],
                )
            )
        if text:
            old_kr = previous.get(text)
            kr = KeyResult(
                text=text,
                baseline=_number(row[2]),
                target=_number(row[3]),
                unit=str(row[4] or "") or None,
                deadline=str(row[5] or "") or None,
            )
            if old_kr:
                kr.direction, kr.metric = old_kr.direction, old_kr.metric
                kr.baseline_source = old_kr.baseline_source if old_kr.baseline == kr.baseline else None
            objectives[-1].key_results.append(kr)
    return base.model_copy(update={"objectives": objectives})


def render_cascade(result) -> str:
    """A cascade as a tree: each plan key result with the team key results that feed it, then each
    team's set with its findings (links included)."""
    plan = result.plan
    lang = plan.language if plan.language in languages.available() else "en"
    rtl = languages.get(lang).direction == "rtl"
    fed: dict[str, list[str]] = {}
    for team in plan.teams:
        for j, kr in enumerate(team.objectives[0].key_results if team.objectives else []):
            if kr.parent:
                fed.setdefault(kr.parent, []).append(
                    f"<b>{_esc(team.team)}</b> KR{j + 1} {_text(kr.text, rtl)}"
                )
    rows = []
    for i, obj in enumerate(plan.objectives):
        rows.append(f"<h3>O{i + 1}. {_text(obj.title, rtl)}</h3>")
        places = [(f"O{i + 1}", obj.title)] + [
            (f"O{i + 1} KR{j + 1}", kr.text) for j, kr in enumerate(obj.key_results)
        ]
        for where, text in places:
            feeders = fed.get(where, [])
            if where != f"O{i + 1}":
                rows.append(f'<div class="okr-kr"><b>{_esc(where.split()[-1])}</b> {_text(text, rtl)}</div>')
            elif not feeders:
                continue
            items = "".join(f"<li>{f}</li>" for f in feeders) or "<li><i>no team feeds it yet</i></li>"
            rows.append(f'<ul class="okr-detail cascade-feeds" data-parent="{_esc(where)}">{items}</ul>')
    tree = f'<div class="okr-card cascade-tree" dir="{"rtl" if rtl else "ltr"}">{"".join(rows)}</div>'
    teams = "".join(
        f'<div class="cascade-team" data-team="{_esc(t.team)}"><h3>Team {_esc(t.team)}</h3>{render_set(t, r)}</div>'
        for t, r in zip(plan.teams, result.team_reports, strict=True)
    )
    return f"<div class='okr-score'>Cascaded to {len(plan.teams)} team(s) in {result.seconds:.0f} s</div>{tree}{teams}"


CHECKIN_HEADERS = ["key_result", "text", "baseline", "target", "value", "confidence", "note"]


def checkin_rows(okr: OKRSet | None) -> list[list]:
    """One row per key result to type this week's value into (label, text, numbers, empty value)."""
    if okr is None or not okr.objectives:
        return [["", "", None, None, None, None, ""]]
    from assistant.score import scorecard

    card = scorecard(okr)
    return [
        [k.label, k.text, k.baseline, k.target, None, None, ""]
        for o in card.objectives
        for k in o.key_results
    ]


def render_scorecard(okr: OKRSet, at=None) -> str:
    """Scores 0-1 per key result and objective, in seed 003's bands, as bars people read at a glance."""
    import datetime as dt

    from assistant.score import band, scorecard

    # As of today, or of the latest check-in when one is dated later (a plan filled in ahead).
    at = at or max([dt.date.today(), *(c.date for c in okr.checkins)])
    card = scorecard(okr, at)
    overall = card.score
    parts = [
        f'<div class="okr-score" id="checkin-score">Score {overall:.2f} — {band(overall)}</div>'
        if overall is not None
        else '<div class="okr-score" id="checkin-score">No check-ins yet: type this week\'s values and press Record</div>'
    ]
    for obj in card.objectives:
        head = f"{obj.label}. {_esc(obj.title)}" + (f" — {obj.score:.2f}" if obj.score is not None else "")
        krs = []
        for k in obj.key_results:
            if k.score is None:
                why = k.problem or "no check-in yet"
                krs.append(
                    f'<div class="okr-kr"><b>{k.label}</b> {_esc(k.text)}<div class="okr-detail">{_esc(why)}</div></div>'
                )
                continue
            width = round(100 * k.score)
            colour = "#067647" if k.score >= 0.7 else "#b54708" if k.score >= 0.4 else "#b42318"
            conf = f" · confidence {k.confidence}/10" if k.confidence else ""
            krs.append(
                f'<div class="okr-kr" data-kr="{k.label}"><b>{k.label}</b> {_esc(k.text)}'
                f'<div style="background:#eaecf0;border-radius:4px;height:8px;margin:4px 12px">'
                f'<div style="width:{width}%;background:{colour};height:8px;border-radius:4px"></div></div>'
                f'<div class="okr-detail">score {k.score:.2f} ({band(k.score)}) · {k.value:g} on {k.as_of}{conf}</div></div>'
            )
        parts.append(f'<div class="okr-card"><h3>{head}</h3>{"".join(krs)}</div>')
    parts += [
        f"<div class='okr-finding' style='color:{COLOURS['warning']}'>{_esc(w)}</div>" for w in card.warnings
    ]
    return "".join(parts)


def progress_frame(okr: OKRSet):
    """Score over time per key result (one point per check-in date), for the line chart."""
    import pandas as pd

    from assistant.score import cycle_start, scorecard

    rows = []
    days = sorted({c.date for c in okr.checkins})
    start = cycle_start(okr.cycle)
    if days and start and start < days[0]:  # each line starts at 0 on the cycle's first day
        for obj in scorecard(okr, days[-1]).objectives:
            rows += [
                {"date": str(start), "score": 0.0, "key_result": k.label}
                for k in obj.key_results
                if k.score is not None
            ]
    for day in days:
        for obj in scorecard(okr, day).objectives:
            rows += [
                {"date": str(day), "score": k.score, "key_result": k.label}
                for k in obj.key_results
                if k.score is not None
            ]
    return pd.DataFrame(rows, columns=["date", "score", "key_result"])


class ChatApp:
    """Session-independent logic of the web chat; per-session state is the current DraftResult."""

    def __init__(self, settings: Settings, drafter: Drafter | None = None):
        self.settings = settings
        self.drafter = drafter or Drafter(settings)
        self.exports = Path(tempfile.mkdtemp(prefix="okr-ui-"))

    def close(self) -> None:
        """Remove the downloads folder (called when the server stops)."""
        shutil.rmtree(self.exports, ignore_errors=True)

    def respond(
        self,
        message: str,
        history: list,
        state: dict | None,
        team: str,
        lang: str,
        objectives: float,
        cycle: str,
        mode: Intent | None = None,
        echo: bool = True,
    ) -> Iterator[Turn]:
        """A chat turn, streamed: the message at once, then each stage, then the draft.

        Yields (history, state, view, sources, table, text box, pending). `pending` holds a message
        waiting for the person: {"message", "ask": True} when it is unclear whether it is a new goal
        or a change, {"message", "mode", "retry": True} after an error (the text stays in the box).
        """
        message = str(message or "").strip()
        history = list(history or [])
        if echo:
            history.append({"role": "user", "content": message})
        current = DraftResult.model_validate(state) if state else None
        mode = mode or intent(message, current is not None)
        same = (render(current), sources_markdown(current), table(current.okr_set if current else None))
        if mode == "ask":
            history.append(
                {
                    "role": "assistant",
                    "content": f"Is “{message}” a **new goal**, or a **change** to the draft on the right? "
                    "Choose below.",
                }
            )
            yield history, state, *same, "", {"message": message, "ask": True}
            return
        status = {"role": "assistant", "content": "⏳ Starting…"}
        yield [*history, status], state, *same, "", None
        outcome: dict[str, Any] = {}
        for stage in self._run(outcome, message, current, mode, team, lang, objectives, cycle):
            status = {"role": "assistant", "content": f"⏳ {stage[:1].upper()}{stage[1:]}…"}
            yield [*history, status], state, *same, "", None
        if "error" in outcome:
            history.append({"role": "assistant", "content": f"⚠️ {plain_error(outcome['error'])}"})
            yield history, state, *same, message, {"message": message, "mode": mode, "retry": True}
            return
        result: DraftResult = outcome["result"]
        history.append(
            {"role": "assistant", "content": _reply(result, current if mode == "refine" else None)}
        )
        yield (
            history,
            result.model_dump(mode="json"),
            render(result),
            sources_markdown(result),
            table(result.okr_set),
            "",
            None,
        )

    def _run(
        self, outcome: dict, message: str, current, mode, team, lang, objectives, cycle
    ) -> Iterator[str]:
        """Draft or refine in a worker thread, yielding its progress lines as they come."""

        def job(drafter: Drafter) -> DraftResult:
            if mode == "refine" and current is not None:
                return drafter.refine(current.okr_set, message, current.examples)
            request = parse_request(
                goal=message,
                team=team or None,
                language=lang or "auto",
                n_objectives=int(objectives or 1),
                cycle=cycle or None,
            )
            return drafter.draft(request)

        yield from self._background(job, outcome)

    def _background(self, job: Callable[[Drafter], Any], outcome: dict) -> Iterator[str]:
        """Run `job` with a drafter that reports to a queue, in a worker thread; yield its stages.
        The result (or the exception, never raised here) lands in `outcome`."""
        stages: queue.Queue[str | None] = queue.Queue()
        drafter = self.drafter.with_progress(stages.put)

        def work() -> None:
            try:
                outcome["result"] = job(drafter)
            except Exception as exc:  # every failure becomes a message, never a crash
                outcome["error"] = exc
            finally:
                stages.put(None)

        threading.Thread(target=work, daemon=True, name="okr-chat-turn").start()
        while (stage := stages.get()) is not None:
            yield stage

    def cascade(self, state: dict | None, teams: str) -> Iterator[tuple[str, str | None]]:
        """'Cascade to teams' on the current draft: the tree as HTML (stages while it runs) and a
        JSON file of the plan with its team sets."""
        from assistant.cascade import CascadeError, cascade, parse_teams

        if not state:
            yield "<p>Draft the company's OKRs first, then cascade them to teams.</p>", None
            return
        try:
            names = parse_teams(teams or "")
        except CascadeError as exc:
            yield f"<p class='okr-finding'>{_esc(exc)}</p>", None
            return
        plan = DraftResult.model_validate(state).okr_set.model_copy(deep=True)
        plan.teams = []
        outcome: dict[str, Any] = {}
        for stage in self._background(lambda d: cascade(d, plan, names), outcome):
            yield f"<p>⏳ {_esc(stage[:1].upper() + stage[1:])}…</p>", None
        if "error" in outcome:
            yield f"<p class='okr-finding'>⚠️ {_esc(plain_error(outcome['error']))}</p>", None
            return
        result = outcome["result"]
        folder = Path(tempfile.mkdtemp(dir=self.exports))
        path = folder / file_name(plan, "json", "cascade")
        path.write_text(result.model_dump_json(indent=2, exclude_none=True), encoding="utf-8")
        yield render_cascade(result), str(path)

    def load_plan(self, state: dict | None, upload: str | None) -> tuple[dict | None, list[list], str]:
        """The plan to check in against: an uploaded file (any format `okr check` reads, check-ins
        kept), else the current draft."""
        from assistant.parsing import InputError, read, read_document

        if upload:
            try:
                text, name = read(upload)
                okr = read_document(text, Path(name).name).okr_set
            except InputError as exc:
                return None, checkin_rows(None), f"<p class='okr-finding'>{_esc(exc)}</p>"
        elif state:
            okr = DraftResult.model_validate(state).okr_set
        else:
            return None, checkin_rows(None), "<p>Draft OKRs first, or upload a plan.</p>"
        return okr.model_dump(mode="json"), checkin_rows(okr), render_scorecard(okr)

    def record(self, plan: dict | None, rows: Any, day: str) -> tuple[dict | None, str, Any, str | None]:
        """Add a check-in for every row with a value, then score: (plan, scorecard, chart data, file)."""
        import datetime as dt

        from assistant.domain import CheckIn
        from assistant.score import ScoreError

        if not plan:
            return plan, "<p>Load a plan first (the current draft or a file).</p>", None, None
        okr = OKRSet.model_validate(plan)
        try:
            when = dt.date.fromisoformat(str(day or "").strip() or dt.date.today().isoformat())
        except ValueError:
            return plan, f"<p class='okr-finding'>{_esc(day)} is not a date like 2027-02-15.</p>", None, None
        values = rows.values.tolist() if hasattr(rows, "values") else list(rows or [])
        added = []
        for row in values:
            where, value, confidence, note = (
                row[0],
                _number(row[4]),
                _number(row[5]),
                row[6] if len(row) > 6 else "",
            )
            if not where or value is None:
                continue
            if confidence is not None and not 1 <= confidence <= 10:
                return plan, f"<p class='okr-finding'>{_esc(where)}: confidence is 1-10.</p>", None, None
            added.append(
                CheckIn(
                    date=when,
                    key_result=str(where),
                    value=value,
                    confidence=int(confidence) if confidence is not None else None,
                    note=str(note or "") or None,
                )
            )
        okr.checkins += added
        try:
            html_card = render_scorecard(okr, when)
        except ScoreError as exc:
            return plan, f"<p class='okr-finding'>{_esc(exc)}</p>", None, None
        folder = Path(tempfile.mkdtemp(dir=self.exports))
        path = folder / file_name(okr, "json", "plan")
        path.write_text(okr.model_dump_json(indent=2, exclude_none=True), encoding="utf-8")
        return okr.model_dump(mode="json"), html_card, progress_frame(okr), str(path)

    def edited(self, rows: Any, state: dict | None) -> tuple[dict | None, str]:
        """Direct edits in the table: rebuild the set and re-validate at once (no model call)."""
        if not state:
            return state, render(None)
        current = DraftResult.model_validate(state)
        values = rows.values.tolist() if hasattr(rows, "values") else list(rows or [])
        okr = from_table(values, current.okr_set)
        result = current.model_copy(
            update={"okr_set": okr, "validation": validate(okr, language=okr.language)}
        )
        return result.model_dump(mode="json"), render(result)

    def export(self, state: dict | None, fmt: str) -> str | None:
        """A file to download: Markdown, JSON or CSV of the current set with its findings."""
        if not state:
            return None
        result = DraftResult.model_validate(state)
        text = {"md": to_markdown, "json": to_json, "csv": to_csv}[fmt](result.okr_set, result.validation)
        folder = Path(tempfile.mkdtemp(dir=self.exports))  # one folder per file: names can repeat
        path = folder / file_name(result.okr_set, fmt)
        path.write_text(text, encoding="utf-8")
        return str(path)

    def draft_api(
        self, goal: str, team: str = "", language: str = "auto", objectives: int = 1, cycle: str = ""
    ) -> dict:
        """Draft OKRs for a goal; returns {"okr_set", "validation", "examples", "timings", "model"}.

        Findings carry `location` instead of `path` here: gradio_client downloads any {"path": str}
        dict as a file, which would break every finding.
        """
        try:
            request = parse_request(
                goal=goal,
                team=team or None,
                language=language or "auto",
                n_objectives=int(objectives),
                cycle=cycle or None,
            )
            data = self.drafter.draft(request).model_dump(mode="json")
            for finding in data["validation"]["findings"]:
                finding["location"] = finding.pop("path")
            return data
        except DraftError as exc:
            import gradio as gr

            raise gr.Error(redact(str(exc))) from None


def _reply(result: DraftResult, before: DraftResult | None) -> str:
    """The chat's answer: what was drafted or what changed, and the quality."""
    report = result.validation
    quality = f"quality {report.score}/100" + (
        "" if report.passed else f", {report.counts['errors']} error(s)"
    )
    if before is None:
        n = len(result.okr_set.objectives)
        return (
            f"Here is a draft for **{result.okr_set.goal}** ({n} objective{'s' if n != 1 else ''}, {quality}). "
            "Ask for changes (e.g. *make KR 2 more ambitious*, *add a key result about churn*, *in Polish*) "
            "or edit the table."
        )
    lines = changes(before.okr_set, result.okr_set)
    return "Changed:\n" + "\n".join(f"- {line}" for line in lines) + f"\n\nNow {quality}."


def _today() -> str:
    """Today's date for the check-in form, read when the page loads (not when the server started)."""
    import datetime as dt

    return dt.date.today().isoformat()


def plain_error(exc: Exception) -> str:
    """An error in words for the person typing: what happened and what to do now."""
    if isinstance(exc, ModelError):
        return (
            "The model could not finish this draft. Press **Try again**; if it keeps failing, tell "
            f"whoever runs this app. (Details for them: {redact(str(exc))})"
        )
    if isinstance(exc, DraftError):
        return redact(str(exc))
    return (
        "Something went wrong on our side. Press **Try again**; if it happens again, please report it "
        f"(internal error: {type(exc).__name__})."
    )


def build(app: ChatApp, concurrency: int = 2, queue_size: int = 64):
    """The Gradio Blocks app."""
    import gradio as gr

    with gr.Blocks(title="OKR drafting assistant", analytics_enabled=False) as demo:
        state = gr.State(None)
        pending = gr.State(None)
        gr.Markdown(f"## OKR drafting assistant\nModel: **{app.settings.describe()}**")
        with gr.Tab("Draft", elem_id="tab-draft"), gr.Row():
            with gr.Column(scale=2, min_width=320):
                chat = gr.Chatbot(label="Chat", height=420, elem_id="chat")
                msg = gr.Textbox(
                    label="Your goal, or what to change (Enter sends, Shift+Enter for a new line)",
                    placeholder="Vogliamo vendere di più online",
                    elem_id="goal-box",
                    lines=1,
                    max_lines=6,
                )
                with gr.Row(visible=False, elem_id="choice") as choice:
                    as_new = gr.Button("It's a new goal", elem_id="as-new", variant="primary")
                    as_change = gr.Button("Change the draft", elem_id="as-change")
                retry = gr.Button("Try again", visible=False, elem_id="retry")
                with gr.Row():
                    send = gr.Button("Send", variant="primary", elem_id="send")
                    new = gr.Button("Start over", elem_id="new-goal")
            with gr.Column(scale=3, min_width=320):
                view = gr.HTML(render(None), elem_id="okr-view")
                with gr.Row():
                    md_btn = gr.DownloadButton("Markdown", elem_id="export-md")
                    json_btn = gr.DownloadButton("JSON", elem_id="export-json")
                    csv_btn = gr.DownloadButton("CSV", elem_id="export-csv")
                with gr.Accordion(
                    "Options: team, language, objectives, cycle", open=False, elem_id="options"
                ):
                    team = gr.Textbox(label="Team", placeholder="marketing, seo, product, sales...")
                    lang = gr.Dropdown(["auto", *languages.available()], value="auto", label="Language")
                    n_obj = gr.Slider(1, 5, value=1, step=1, label="Objectives")
                    cycle = gr.Textbox(
                        label="Cycle", placeholder="2027-Q1 (default: the quarter being planned)"
                    )
                with gr.Accordion("Cascade to teams", open=False, elem_id="cascade-box"):
                    teams_box = gr.Textbox(
                        label="Teams, comma-separated: each gets an objective that feeds this draft",
                        placeholder="product, marketing, customer-success",
                        elem_id="cascade-teams",
                    )
                    cascade_btn = gr.Button("Cascade", elem_id="cascade-run")
                    cascade_view = gr.HTML(elem_id="cascade-view")
                    cascade_file = gr.DownloadButton("Download the cascade (JSON)", elem_id="cascade-json")
                with gr.Accordion("Inspired by (library examples)", open=False):
                    sources = gr.Markdown("No examples yet.", elem_id="sources")
                with gr.Accordion(
                    "Edit directly (re-checked on every edit)", open=False, elem_id="edit-table-box"
                ):
                    grid = gr.Dataframe(
                        headers=TABLE_HEADERS,
                        value=table(None),
                        interactive=True,
                        type="array",
                        elem_id="okr-table",
                        wrap=True,
                    )

        with gr.Tab("Check your OKRs", elem_id="tab-check"):
            gr.Markdown(
                "Paste the OKRs your team already has, or upload them (Markdown, text, CSV, XLSX, JSON, "
                "YAML): you see how they were read, then what to fix."
            )
            pasted = gr.Textbox(label="Your OKRs", lines=10, max_lines=30, elem_id="check-text")
            upload = gr.File(
                label="...or a file",
                file_types=[".md", ".txt", ".csv", ".xlsx", ".json", ".yaml", ".yml"],
                type="filepath",
                elem_id="check-file",
            )
            check_btn = gr.Button("Check", variant="primary", elem_id="check-run")
            checked = gr.HTML(elem_id="check-view")
        check_btn.click(check_document, [pasted, upload], [checked], api_visibility="private")

        with gr.Tab("Check-ins", elem_id="tab-checkin"):
            gr.Markdown(
                "Record where each key result stands. Scores run from 0 (baseline) to 1 (target); 0.7 is a "
                "healthy end-of-cycle result for an ambitious set. Confidence is 1-10."
            )
            plan_state = gr.State(None)
            with gr.Row():
                use_draft = gr.Button("Use the current draft", elem_id="checkin-use-draft")
                plan_file = gr.File(
                    label="...or upload a plan (check-ins in it are kept)",
                    file_types=[".json", ".yaml", ".yml", ".md", ".txt", ".csv", ".xlsx"],
                    type="filepath",
                    elem_id="checkin-file",
                )
            day = gr.Textbox(label="Date", value=_today, elem_id="checkin-date")
            checkin_grid = gr.Dataframe(
                headers=CHECKIN_HEADERS,
                value=checkin_rows(None),
                interactive=True,
                type="array",
                elem_id="checkin-table",
                wrap=True,
            )
            record_btn = gr.Button("Record and score", variant="primary", elem_id="checkin-run")
            scored = gr.HTML(elem_id="checkin-view")
            chart = gr.LinePlot(
                x="date",
                y="score",
                color="key_result",
                y_lim=[0, 1],
                label="Progress",
                elem_id="checkin-chart",
            )
            plan_dl = gr.DownloadButton("Download the plan with check-ins (JSON)", elem_id="checkin-json")
        use_draft.click(
            lambda st: app.load_plan(st, None),
            [state],
            [plan_state, checkin_grid, scored],
            api_visibility="private",
        )
        plan_file.upload(
            lambda f: app.load_plan(None, f),
            [plan_file],
            [plan_state, checkin_grid, scored],
            api_visibility="private",
        )
        record_btn.click(
            app.record,
            [plan_state, checkin_grid, day],
            [plan_state, scored, chart, plan_dl],
            api_visibility="private",
        )

        def stream(turns):
            """The turn's outputs plus the visibility of the choice row and the retry button."""
            for *out, wait in turns:
                asking, failed = bool(wait and wait.get("ask")), bool(wait and wait.get("retry"))
                yield (*out, wait, gr.update(visible=asking), gr.update(visible=failed))

        def turn(message, history, st, t, lg, n, cy):
            if not str(message or "").strip():
                gr.Warning("Type a goal first, e.g. 'Grow online sales'.")
                yield history, st, gr.skip(), gr.skip(), gr.skip(), message, None, gr.skip(), gr.skip()
                return
            yield from stream(app.respond(message, history, st, t, lg, n, cy))

        def resolve(mode):
            def run(wait, history, st, t, lg, n, cy):
                wait = wait or {}
                chosen = wait.get("mode") if mode == "retry" else mode
                yield from stream(
                    app.respond(wait.get("message", ""), history, st, t, lg, n, cy, mode=chosen, echo=False)
                )

            return run

        def exports(st):
            return app.export(st, "md"), app.export(st, "json"), app.export(st, "csv")

        outputs = [chat, state, view, sources, grid, msg, pending, choice, retry]
        inputs = [msg, chat, state, team, lang, n_obj, cycle]
        waiting = [pending, chat, state, team, lang, n_obj, cycle]
        steps = [(send.click, turn, inputs), (msg.submit, turn, inputs)]
        steps += [
            (b.click, resolve(m), waiting)
            for b, m in ((as_new, "new"), (as_change, "refine"), (retry, "retry"))
        ]
        for trigger, fn, ins in steps:
            trigger(fn, ins, outputs, concurrency_limit=concurrency, api_visibility="private").then(
                exports, [state], [md_btn, json_btn, csv_btn], api_visibility="private"
            )
        hidden = gr.update(visible=False)
        new.click(
            lambda: ([], None, render(None), "No examples yet.", table(None), "", None, hidden, hidden),
            None,
            outputs,
            api_visibility="private",
        )
        grid.input(app.edited, [grid, state], [state, view], api_visibility="private").then(
            exports, [state], [md_btn, json_btn, csv_btn], api_visibility="private"
        )
        cascade_btn.click(
            app.cascade,
            [state, teams_box],
            [cascade_view, cascade_file],
            concurrency_limit=concurrency,
            api_visibility="private",
        )
        gr.api(app.draft_api, api_name="draft", concurrency_limit=concurrency)
    demo.queue(default_concurrency_limit=concurrency, max_size=queue_size)
    return demo


class Login:
    """Basic auth for the web chat that resists guessing: passwords compared in constant time, and
    after 5 wrong tries in a minute every login waits out the rest of that minute."""

    def __init__(self, user: str, password: str, tries: int = 5, window_s: float = 60.0):
        self.user, self.password = user, password
        self.tries, self.window_s = tries, window_s
        self._failures: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, user: str, password: str) -> bool:
        import hmac
        import time

        now = time.monotonic()
        with self._lock:
            self._failures = [t for t in self._failures if now - t < self.window_s]
            if len(self._failures) >= self.tries:
                return False  # locked out for now, even with the right password
            ok = hmac.compare_digest(user.encode(), self.user.encode()) & hmac.compare_digest(
                password.encode(), self.password.encode()
            )
            if not ok:
                self._failures.append(now)
            return ok


def launch(
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: str | None = None,
    settings: Settings | None = None,
    concurrency: int | None = None,
    block: bool = True,
):
    """Start the app. Binds to loopback unless told otherwise; basic auth by flag or OKR_UI_AUTH."""
    settings = settings or config.settings()
    auth = auth or settings.ui_auth
    credentials = None
    if auth:
        user, _, password = auth.partition(":")
        if not user or not password:
            raise ValueError("--auth must be user:password")
        credentials = Login(user, password)
    concurrency = concurrency or settings.ui_concurrency or (1 if settings.llm == "local" else 4)
    app = ChatApp(settings)
    atexit.register(app.close)  # downloads live in a temporary folder: gone when the server stops
    demo = build(app, concurrency=concurrency, queue_size=settings.ui_queue)
    demo.launch(
        server_name=host,
        server_port=port,
        auth=credentials,
        prevent_thread_lock=not block,
        css=CSS,
        show_error=False,
        footer_links=["api"],
        quiet=not block,
    )
    return demo
