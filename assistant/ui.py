"""The web chat: draft from a goal, refine by instruction, edit directly, export. Gradio front end.

Handlers are plain functions of (inputs, state) so they are tested without a browser; `build()`
wires them to components. The draft action is also a named API endpoint (`/draft`) for scripts.
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path
from typing import Any

from assistant import languages
from assistant.domain import DraftResult, KeyResult, Objective, OKRSet
from assistant.drafting import Drafter, DraftError, parse_request
from assistant.export import kr_detail, to_csv, to_json, to_markdown
from assistant.llm import Settings
from assistant.validator import validate

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
"""


def _esc(text: Any) -> str:
    return html.escape(str(text))


def _findings_html(report, objective: int | None = None, key_result: int | None = None) -> str:
    out = []
    for f in report.at(objective, key_result):
        if f.rule not in SHOWN_IN_DETAIL:
            colour = COLOURS[f.severity.value]
            out.append(
                f'<div class="okr-finding" style="color:{colour}" data-rule="{_esc(f.rule)}">'
                f"<b>{_esc(f.severity.value)}</b> {_esc(f.rule)}: {_esc(f.message)} <i>{_esc(f.suggestion)}</i></div>"
            )
    return "".join(out)


def render(result: DraftResult | None) -> str:
    """The structured view: score, objectives, key results with baseline -> target, findings inline."""
    if result is None:
        return "<p>Type a goal in the chat, e.g. <i>Vogliamo vendere di più online</i>.</p>"
    okr, report = result.okr_set, result.validation
    subs = report.sub_scores
    verdict = "passes the validator" if report.passed else "has errors to fix"
    parts = [
        f'<div class="okr-score" id="okr-score">Score {report.score}/100 — {verdict}</div>',
        f"<div class='okr-detail'>measurable {subs.measurable} · time-bound {subs.time_bound} · outcome-focused "
        f"{subs.outcome_focused} · baseline {subs.baseline_ambition} · structure {subs.structure} · "
        f"language {_esc(okr.language)} · cycle {_esc(okr.cycle)} · team {_esc(okr.team or '-')}</div>",
        _findings_html(report),
    ]
    for i, obj in enumerate(okr.objectives):
        krs = []
        for j, kr in enumerate(obj.key_results):
            detail = kr_detail(kr)
            krs.append(
                f'<div class="okr-kr"><b>KR{j + 1}</b> {_esc(kr.text)}'
                + (f'<div class="okr-detail">{_esc(detail)}</div>' if detail else "")
                + _findings_html(report, i, j)
                + "</div>"
            )
        init = (
            f"<div class='okr-detail'>Initiatives: {_esc('; '.join(obj.initiatives))}</div>"
            if obj.initiatives
            else ""
        )
        parts.append(
            f'<div class="okr-card objective"><h3>O{i + 1}. {_esc(obj.title)}</h3>'
            + _findings_html(report, i)
            + "".join(krs)
            + init
            + "</div>"
        )
    if result.notes:
        parts.append("<div class='okr-detail'>" + "<br>".join(_esc(n) for n in result.notes) + "</div>")
    return "".join(parts)


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


class ChatApp:
    """Session-independent logic of the web chat; per-session state is the current DraftResult."""

    def __init__(self, settings: Settings, drafter: Drafter | None = None):
        self.settings = settings
        self.drafter = drafter or Drafter(settings)
        self.exports = Path(tempfile.mkdtemp(prefix="okr-ui-"))

    def respond(
        self,
        message: str,
        history: list,
        state: dict | None,
        team: str,
        lang: str,
        objectives: float,
        cycle: str,
        progress=None,
    ) -> tuple[list, dict | None, str, str, list, str]:
        """A chat turn: a first message drafts, later ones revise the current set."""
        history = [*list(history or []), {"role": "user", "content": message}]
        drafter = self.drafter.with_progress(
            (lambda m: progress(None, desc=m)) if progress else (lambda _: None)
        )
        current = DraftResult.model_validate(state) if state else None
        try:
            if current is None:
                request = parse_request(
                    goal=message,
                    team=team or None,
                    language=lang or "auto",
                    n_objectives=int(objectives or 1),
                    cycle=cycle or None,
                )
                result = drafter.draft(request)
                reply = (
                    f"Here is a draft for **{result.okr_set.goal}**: score {result.validation.score}/100. "
                    "Ask for changes (e.g. *make KR 2 more ambitious*, *add a key result about churn*, "
                    "*only two objectives*, *in Polish*) or edit the table."
                )
            else:
                result = drafter.refine(current.okr_set, message, current.examples)
                reply = f"Revised: score {result.validation.score}/100 ({result.validation.counts['errors']} error(s))."
        except DraftError as exc:
            history.append({"role": "assistant", "content": f"⚠️ {exc}"})
            return (
                history,
                state,
                render(current),
                sources_markdown(current),
                table(current.okr_set if current else None),
                "",
            )
        history.append({"role": "assistant", "content": reply})
        return (
            history,
            result.model_dump(mode="json"),
            render(result),
            sources_markdown(result),
            table(result.okr_set),
            "",
        )

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
        path = self.exports / f"okrs-{abs(hash(text)) % 10**8}.{fmt}"
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

            raise gr.Error(str(exc)) from None


def build(app: ChatApp, concurrency: int = 2):
    """The Gradio Blocks app."""
    import gradio as gr

    with gr.Blocks(title="OKR drafting assistant") as demo:
        state = gr.State(None)
        gr.Markdown(
            f"## OKR drafting assistant\nModel: **{app.settings.describe()}** · backend `{app.settings.llm}`"
        )
        with gr.Row():
            with gr.Column(scale=2):
                chat = gr.Chatbot(label="Chat", height=420, elem_id="chat")
                msg = gr.Textbox(
                    label="Your goal, or what to change",
                    placeholder="Vogliamo vendere di più online",
                    elem_id="goal-box",
                    lines=2,
                )
                with gr.Row():
                    send = gr.Button("Send", variant="primary", elem_id="send")
                    new = gr.Button("New goal", elem_id="new-goal")
                with gr.Accordion("Options", open=False):
                    team = gr.Textbox(label="Team", placeholder="marketing, seo, product, sales...")
                    lang = gr.Dropdown(["auto", *languages.available()], value="auto", label="Language")
                    n_obj = gr.Slider(1, 5, value=1, step=1, label="Objectives")
                    cycle = gr.Textbox(
                        label="Cycle", placeholder="2027-Q1 (default: the quarter being planned)"
                    )
            with gr.Column(scale=3):
                view = gr.HTML(render(None), elem_id="okr-view")
                with gr.Accordion("Inspired by (library examples)", open=False):
                    sources = gr.Markdown("No examples yet.", elem_id="sources")
                with gr.Accordion("Edit directly (re-validated on every edit)", open=False):
                    grid = gr.Dataframe(
                        headers=TABLE_HEADERS,
                        value=table(None),
                        interactive=True,
                        type="array",
                        elem_id="okr-table",
                        wrap=True,
                    )
                with gr.Row():
                    md_btn = gr.DownloadButton("Markdown", elem_id="export-md")
                    json_btn = gr.DownloadButton("JSON", elem_id="export-json")
                    csv_btn = gr.DownloadButton("CSV", elem_id="export-csv")

        def turn(message, history, st, t, lg, n, cy, progress=gr.Progress()):  # noqa: B008 (Gradio's idiom)
            if not str(message or "").strip():
                gr.Warning("Type a goal first, e.g. 'Grow online sales'.")
                return history, st, gr.skip(), gr.skip(), gr.skip(), message
            return app.respond(message, history, st, t, lg, n, cy, progress)

        def exports(st):
            return app.export(st, "md"), app.export(st, "json"), app.export(st, "csv")

        outputs = [chat, state, view, sources, grid, msg]
        inputs = [msg, chat, state, team, lang, n_obj, cycle]
        for trigger in (send.click, msg.submit):
            trigger(turn, inputs, outputs, concurrency_limit=concurrency, api_visibility="private").then(
                exports,
                [state],
                [md_btn, json_btn, csv_btn],
                api_visibility="private",
            )
        new.click(
            lambda: ([], None, render(None), "No examples yet.", table(None), ""),
            None,
            outputs,
            api_visibility="private",
        )
        grid.input(app.edited, [grid, state], [state, view], api_visibility="private").then(
            exports,
            [state],
            [md_btn, json_btn, csv_btn],
            api_visibility="private",
        )
        gr.api(app.draft_api, api_name="draft", concurrency_limit=concurrency)
    demo.queue(default_concurrency_limit=concurrency, max_size=64)
    return demo


def launch(
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: str | None = None,
    settings: Settings | None = None,
    concurrency: int | None = None,
    block: bool = True,
):
    """Start the app. Binds to loopback unless told otherwise; basic auth by flag or OKR_UI_AUTH."""
    settings = settings or Settings()
    auth = auth or os.environ.get("OKR_UI_AUTH")
    credentials = None
    if auth:
        user, _, password = auth.partition(":")
        if not user or not password:
            raise ValueError("--auth must be user:password")
        credentials = (user, password)
    concurrency = concurrency or (1 if settings.llm == "local" else 4)
    demo = build(ChatApp(settings), concurrency=concurrency)
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
