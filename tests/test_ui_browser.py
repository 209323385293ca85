"""The web chat in a real headless browser (Debian's chromium driven by Playwright), as a person uses it."""

import os
import shutil
from pathlib import Path

import pytest

from assistant.llm import Settings
from assistant.ui import CSS, ChatApp, build

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("OKR_ARTIFACTS", Path(__file__).parent / "artifacts"))


@pytest.fixture
def running_app(small_home, monkeypatch):
    for key, value in small_home.items():
        monkeypatch.setenv(key, value)
    demo = build(ChatApp(Settings(llm="fake")), concurrency=2)
    demo.launch(server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, quiet=True, css=CSS)
    yield demo.local_url
    demo.close()


def test_type_a_goal_see_findings_refine_and_export(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    assert Path(CHROMIUM).exists(), "chromium is missing: `make test` installs it (apt-get install chromium)"
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(running_app)
        box = page.locator("#goal-box textarea")
        box.fill("Vogliamo vendere di più online")
        page.locator("#send").click()
        objectives = page.locator("#okr-view .objective")
        expect(objectives).to_have_count(1, timeout=60_000)  # one vague goal, one objective
        expect(page.locator("#okr-view")).to_contain_text("entro il 31 marzo")  # composed in Italian
        expect(page.locator("#okr-view")).to_contain_text("(assumed: confirm)")  # estimates said so
        expect(page.locator("#okr-score")).to_contain_text("Score")

        box.fill("in Polish")
        page.locator("#send").click()
        expect(page.locator("#okr-view")).to_contain_text("Do 31 marca 2027", timeout=60_000)
        expect(page.locator("#chat")).to_contain_text("Revised")

        with page.expect_download(timeout=30_000) as download:
            page.locator("#export-md").click()
        saved = tmp_path / "okrs.md"
        download.value.save_as(saved)
        text = saved.read_text(encoding="utf-8")
        assert text.startswith("# OKRs: Vogliamo vendere di più online") and text.count("## Objective") == 1

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ui.png"), full_page=True)
        browser.close()
    assert (ARTIFACTS / "ui.png").stat().st_size > 10_000
