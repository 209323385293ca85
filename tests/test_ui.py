"""The web chat's handlers with a scripted model, the /draft API, and 20 concurrent calls."""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fakes import ListCatalogue, ListIndex, pick, scripted, selection

from assistant.drafting import Drafter
from assistant.fake_llm import ScriptedDraftModel
from assistant.llm import Settings
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


def first_turn(app, goal="Vogliamo vendere di più online", n=3):
    return app.respond(goal, [], None, "", "auto", n, "2027-Q1")


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
    history, state, view, sources, _grid, box = first_turn(app)
    assert state["okr_set"]["language"] == "it" and len(state["okr_set"]["objectives"]) == 3
    assert view.count('class="okr-card objective"') == 3 and "Score" in view and box == ""
    assert "Inspired by" not in sources and "**" in sources  # library examples with their source
    history, state, view, *_ = app.respond("only two objectives", history, state, "", "auto", 3, "")
    assert len(state["okr_set"]["objectives"]) == 2 and view.count('class="okr-card objective"') == 2
    history, state, view, *_ = app.respond("add a key result about churn", history, state, "", "auto", 3, "")
    assert len(state["okr_set"]["objectives"][0]["key_results"]) == 4
    assert [m["role"] for m in history] == ["user", "assistant"] * 3


def test_findings_are_shown_inline_with_their_severity(app):
    _, state, view, _, grid, _ = first_turn(app, n=1)
    assert "(assumed: confirm)" in view  # the baselines are estimates: said next to each one
    grid[1][1] = grid[0][1]
    _, view = app.edited(grid, state)
    assert 'data-rule="kr.duplicate"' in view  # a repeated key result, flagged inline


def test_direct_edit_revalidates(app):
    _, state, _, _, grid, _ = first_turn(app, n=1)
    grid[0][1] = "Increase brand awareness"
    state2, view = app.edited(grid, state)
    assert state2["validation"]["passed"] is False
    assert 'data-rule="kr.no-number"' in view


def test_exports(app, tmp_path):
    _, state, *_ = first_turn(app, n=1)
    md, js, csv = (Path(app.export(state, f)).read_text(encoding="utf-8") for f in ("md", "json", "csv"))
    assert md.startswith("# OKRs: Vogliamo vendere di più online") and '"okr_set"' in js
    assert csv.splitlines()[0].startswith("objective,key_result,metric,baseline,target")
    assert app.export(None, "md") is None


def test_errors_are_friendly_and_the_app_keeps_working(app):
    history, state, *_ = app.respond("x" * 2100, [], None, "", "auto", 3, "")
    assert state is None and history[-1]["content"].startswith("⚠️") and "2,000" in history[-1]["content"]
    history, state, *_ = app.respond("Grow online sales", history, None, "", "xx", 3, "")
    assert state is None and "⚠️" in history[-1]["content"]
    history, state, *_ = app.respond("Grow online sales", history, None, "", "auto", 1, "")
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
