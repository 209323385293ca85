"""The web chat's handlers with a scripted model, the /draft API, and 20 concurrent calls."""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fakes import ListCatalogue, ListIndex, pick, scripted, selection

from assistant.config import Settings
from assistant.drafting import Drafter
from assistant.fake_llm import ScriptedDraftModel
from assistant.ui import ChatApp, from_table, render, table

METRICS = [
    "online_conversion_rate",
    "online_cart_abandonment_rate",
    "average_order_value",
    "monthly_online_revenue",
    "repeat_purchase_rate",
    "returns_rate",
    "monthly_online_orders",
    "customer_churn_rate",
    "checkout_completion_rate",
]
OBJECTIVES = [
    "ecommerce.simple-fast-buying",
    "ecommerce.second-order",
    "ecommerce.delivered-as-promised",
    "ecommerce.trusted-store",
]


def catalogue_stub():
    return ListCatalogue(METRICS, OBJECTIVES)


@pytest.fixture
def app():
    settings = Settings(llm="fake")
    drafter = Drafter(
        settings, index=ListIndex(), chat=ScriptedDraftModel(), catalogue_index=catalogue_stub()
    )
    return ChatApp(settings, drafter)


def last(turns):
    """The final state of a streamed turn."""
    *_, final = turns
    return final


def say(app, message, history=(), state=None, n=3, cycle="", lang="auto", **kw):
    return last(app.respond(message, list(history), state, "", lang, n, cycle, **kw))


def first_turn(app, goal="Vogliamo vendere di più online", n=3):
    return say(app, goal, n=n, cycle="2027-Q1")


def test_goal_then_refinements():
    three = selection(
        *(pick(o, *[(m, 10, 20) for m in METRICS[3 * n : 3 * n + 3]]) for n, o in enumerate(OBJECTIVES[:3]))
    )
    two = selection(
        *(pick(o, *[(m, 10, 20) for m in METRICS[3 * n : 3 * n + 3]]) for n, o in enumerate(OBJECTIVES[:2]))
    )
    more = selection(
        pick(OBJECTIVES[0], *[(m, 10, 20) for m in METRICS[:3]], ("customer_churn_rate", 5, 3)),
        pick(OBJECTIVES[1], *[(m, 10, 20) for m in METRICS[3:6]]),
    )
    settings = Settings(llm="fake")
    drafter = Drafter(
        settings, index=ListIndex(), chat=scripted(three, two, more), catalogue_index=catalogue_stub()
    )
    app = ChatApp(settings, drafter)
    history, state, view, sources, _grid, box, pending = first_turn(app)
    assert state["okr_set"]["language"] == "it" and len(state["okr_set"]["objectives"]) == 3
    assert (
        view.count('class="okr-card objective"') == 3 and "Quality" in view and box == "" and pending is None
    )
    assert "Inspired by" not in sources and "**" in sources  # library examples with their source
    history, state, view, *_ = say(app, "only two objectives", history, state)
    assert len(state["okr_set"]["objectives"]) == 2 and view.count('class="okr-card objective"') == 2
    history, state, view, *_ = say(app, "add a key result about churn", history, state)
    assert len(state["okr_set"]["objectives"][0]["key_results"]) == 4
    assert [m["role"] for m in history] == ["user", "assistant"] * 3


def test_findings_are_shown_inline_with_their_severity(app):
    _, state, view, _, grid, *_ = first_turn(app, n=1)
    assert "(assumed: confirm)" in view  # the baselines are estimates: said next to each one
    grid[1][1] = grid[0][1]
    _, view = app.edited(grid, state)
    assert 'data-rule="kr.duplicate"' in view  # a repeated key result, flagged inline


def test_direct_edit_revalidates(app):
    _, state, _, _, grid, *_ = first_turn(app, n=1)
    grid[0][1] = "Increase brand awareness"
    state2, view = app.edited(grid, state)
    assert state2["validation"]["passed"] is False
    assert 'data-rule="kr.no-number"' in view


def test_exports(app, tmp_path):
    _, state, *_ = first_turn(app, n=1)
    md, js, csv = (Path(app.export(state, f)).read_text(encoding="utf-8") for f in ("md", "json", "csv"))
    assert md.startswith("# OKRs: Vogliamo vendere di più online") and '"okr_set"' in js
    header = csv.splitlines()[0]
    assert header.startswith("\ufeffgoal_id,cycle,team,objective_id,objective,key_result_id,key_result")
    assert "owner,confidence" in header
    assert app.export(None, "md") is None


def test_errors_are_friendly_and_the_app_keeps_working(app):
    history, state, _, _, _, box, pending = say(app, "x" * 2100)
    assert state is None and history[-1]["content"].startswith("⚠️") and "2,000" in history[-1]["content"]
    assert box == "x" * 2100 and pending["retry"]  # the typed text is kept, a retry is offered
    history, state, *_ = say(app, "Grow online sales", history, lang="xx")
    assert state is None and "⚠️" in history[-1]["content"]
    history, state, *_ = say(app, "Grow online sales", history, n=1)
    assert state is not None


def test_table_round_trip_keeps_structure(app):
    _, state, *_ = first_turn(app, n=2)
    from assistant.domain import DraftResult

    okr = DraftResult.model_validate(state).okr_set
    again = from_table(table(okr), okr)
    assert [o.title for o in again.objectives] == [o.title for o in okr.objectives]
    assert [len(o.key_results) for o in again.objectives] == [len(o.key_results) for o in okr.objectives]
    assert render(None).startswith("<p>")


def test_draft_api_renames_path_for_gradio_client(app):
    data = app.draft_api("Grow online sales", objectives=1)
    assert set(data) >= {"okr_set", "validation", "examples", "timings", "model"}
    assert all("location" in f and "path" not in f for f in data["validation"]["findings"])


def test_twenty_concurrent_draft_calls_on_a_running_app(small_home, monkeypatch):
    from gradio_client import Client

    from assistant.ui import build

    for key, value in small_home.items():
        monkeypatch.setenv(key, value)
    settings = Settings(llm="fake")
    demo = build(ChatApp(settings), concurrency=4)
    demo.launch(server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, quiet=True)
    try:
        client = Client(demo.local_url, verbose=False)
        goals = [f"Grow online sales in region {n}" for n in range(20)]
        lock, results = threading.Lock(), []

        def call(goal):
            r = client.predict(goal, api_name="/draft")
            with lock:
                results.append(r)

        with ThreadPoolExecutor(max_workers=20) as pool:
            list(pool.map(call, goals))
        assert len(results) == 20
        assert sorted(r["okr_set"]["goal"] for r in results) == sorted(goals)
        assert all(r["okr_set"]["objectives"][0]["key_results"] for r in results)
    finally:
        demo.close()


def test_a_turn_streams_the_message_first_then_stages_then_the_draft(app):
    turns = list(app.respond("Grow online sales", [], None, "", "auto", 1, "2027-Q1"))
    first = turns[0][0]
    assert first[0] == {"role": "user", "content": "Grow online sales"}  # echoed at once
    assert first[-1]["content"].startswith("⏳")
    stages = [t[0][-1]["content"] for t in turns[1:-1]]
    assert any("retriev" in s.lower() for s in stages) and any("choos" in s.lower() for s in stages)
    final = turns[-1]
    assert final[1] is not None and final[0][-1]["content"].startswith("Here is a draft")


def test_a_new_goal_after_a_draft_is_asked_not_silently_refined(app):
    history, state, *_ = first_turn(app, n=1)
    history, state2, _, _, _, box, pending = say(app, "Reduce churn in our mobile app", history, state)
    assert state2 == state and pending == {"message": "Reduce churn in our mobile app", "ask": True}
    assert "new goal" in history[-1]["content"] and box == ""
    history, state3, *_ = say(app, pending["message"], history, state2, mode="new", echo=False)
    assert state3["okr_set"]["goal"] == "Reduce churn in our mobile app"
    assert [m["role"] for m in history] == ["user", "assistant", "user", "assistant", "assistant"]


def test_every_refine_reply_says_what_changed():
    first = selection(pick(OBJECTIVES[0], (METRICS[0], 2, 3), *[(m, 10, 20) for m in METRICS[1:3]]))
    bolder = selection(pick(OBJECTIVES[0], (METRICS[0], 2, 4), *[(m, 10, 20) for m in METRICS[1:3]]))
    settings = Settings(llm="fake")
    drafter = Drafter(
        settings, index=ListIndex(), chat=scripted(first, bolder), catalogue_index=catalogue_stub()
    )
    app = ChatApp(settings, drafter)
    history, state, *_ = say(app, "Grow online sales", n=1, cycle="2027-Q1")
    history, state, *_ = say(app, "make KR 1 more ambitious", history, state, n=1)
    reply = history[-1]["content"]
    assert reply.startswith("Changed:") and "O1 KR1: target 4 (was 3)" in reply


def test_intent():
    from assistant.chat import intent

    assert intent("Reduce churn in our mobile app", has_draft=False) == "new"
    for change in (
        "make KR 2 more ambitious",
        "in Polish",
        "po polsku",
        "aggiungi un KR sul churn",
        "nur zwei Ziele",
    ):
        assert intent(change, has_draft=True) == "refine", change
    for goal in (
        "Reduce churn in our mobile app",
        "Vogliamo vendere di più online",
        "Chcemy więcej klientów",
    ):
        assert intent(goal, has_draft=True) == "ask", goal


def test_persian_is_right_to_left_with_numbers_isolated(app):
    _, state, view, *_ = say(app, "می‌خواهیم فروش آنلاین را افزایش دهیم", n=1, cycle="2027-Q1")
    assert state["okr_set"]["language"] == "fa"
    assert 'dir="rtl"' in view and '<bdi dir="ltr">' in view


def test_findings_say_where_first_and_keep_rule_ids_on_hover(app):
    _, state, _, _, grid, *_ = first_turn(app, n=1)
    grid[0][1] = "Increase brand awareness"
    _, view = app.edited(grid, state)
    finding = view[view.index('data-rule="kr.no-number"') :]
    assert 'title="error · rule kr.no-number"' in finding
    assert finding.index("O1 KR1") < finding.index("Increase brand awareness")


def test_downloads_have_names_that_say_what_they_are(app):
    _, state, *_ = first_turn(app, n=1)
    assert Path(app.export(state, "csv")).name == "okrs-vogliamo-vendere-di-più-online-2027-Q1.csv"
    app.close()
    assert not app.exports.exists()


def test_check_your_okrs_tab_shows_the_tree_read_and_the_findings(tmp_path):
    from assistant.ui import check_document

    pasted = "# OKRs 2027 Q1\n\n## Grow the community\n\n- [ ] Grow contributors from 120 to 200\n- [x] Publish the guide\n"
    view = check_document(pasted, None)
    assert 'id="okr-structure"' in view and "cycle 2027-Q1" in view and "[x] Publish the guide" in view
    assert 'data-rule="kr.placeholder"' not in view and 'data-rule="kr.no-number"' in view
    doc = Path(__file__).parent / "data" / "documents" / "objetivos-marketing.csv"
    assert "Conseguir más clientes desde el blog" in check_document("", str(doc))
    assert "⚠️" in check_document("just some prose without any structure at all", None)
    assert "Paste your OKRs" in check_document("", None)


# --- cascade and check-ins ----------------------------------------------------------------------


def test_cascade_to_teams_streams_then_shows_the_tree_and_a_file(app):
    _, state, *_ = first_turn(app, "Grow online sales", n=1)
    steps = list(app.cascade(state, "ecommerce, shop"))
    assert any("Team 1 of 2" in html for html, _ in steps[:-1])  # stages while it runs
    html, path = steps[-1]
    assert html.count('class="cascade-team"') == 2 and 'data-parent="O1 KR1"' in html
    import json

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    assert Path(path).name.startswith("cascade-grow-online-sales")
    assert [t["team"] for t in data["plan"]["teams"]] == ["ecommerce", "shop"]
    assert all(k["parent"] for t in data["plan"]["teams"] for k in t["objectives"][0]["key_results"])


def test_cascade_needs_a_draft_and_teams(app):
    (html, path), *_ = list(app.cascade(None, "sales"))
    assert "Draft the company's OKRs first" in html and path is None
    _, state, *_ = first_turn(app, "Grow online sales", n=1)
    (html, path), *_ = list(app.cascade(state, " , "))
    assert "no teams" in html and path is None


def test_checkins_record_values_score_them_and_keep_them_in_the_file(app):
    import json

    _, state, *_ = first_turn(app, "Grow online sales", n=1)
    plan, rows, html = app.load_plan(state, None)
    assert [r[0] for r in rows] == ["O1 KR1", "O1 KR2", "O1 KR3"] and "No check-ins yet" in html
    base, target = rows[0][2], rows[0][3]
    rows[0][4], rows[0][5] = base + 0.7 * (target - base), 8  # 70% of the way, confidence 8
    plan, html, frame, path = app.record(plan, rows, "2027-02-15")
    assert "score 0.70 (delivered)" in html and "confidence 8/10" in html
    assert list(frame["key_result"]) == ["O1 KR1", "O1 KR1"] and list(frame["score"]) == [0.0, 0.7]
    assert list(frame["date"]) == ["2027-01-01", "2027-02-15"]  # from 0 on the first day of 2027-Q1
    saved = json.loads(Path(path).read_text(encoding="utf-8"))
    assert saved["checkins"][0]["key_result"] == "O1 KR1" and saved["checkins"][0]["date"] == "2027-02-15"
    reloaded, _, html2 = app.load_plan(None, path)  # the downloaded plan comes back with its check-ins
    assert "score 0.70" in html2 and len(reloaded["checkins"]) == 1


@pytest.mark.parametrize(
    ("day", "confidence", "needle"), [("15/02/2027", None, "not a date"), ("2027-02-15", 12, "1-10")]
)
def test_bad_checkins_say_what_to_fix(app, day, confidence, needle):
    _, state, *_ = first_turn(app, "Grow online sales", n=1)
    plan, rows, _ = app.load_plan(state, None)
    rows[0][4], rows[0][5] = 1, confidence
    kept, html, _, path = app.record(plan, rows, day)
    assert needle in html and path is None and kept == plan
