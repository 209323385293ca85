"""Running for a team: the shared library on a real Chroma server (started from the installed
chromadb on loopback), and a model server that fails: retried, then one clear error per row."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from test_hostile import okr

CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError(f"chroma run did not answer on port {port} in {seconds} s")


@pytest.fixture
def chroma_server(tmp_path):
    assert CHROMA.exists(), "the chroma CLI comes with chromadb; run `make setup`"
    port = _free_port()
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port)
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_library_on_a_chroma_server_is_shared_and_a_stopped_server_is_one_clear_error(
    small_home, tmp_path, chroma_server
):
    port, proc = chroma_server
    team = {**small_home, "OKR_CHROMA_HOST": "127.0.0.1", "OKR_CHROMA_PORT": str(port)}
    alice = {**team, "OKR_HOME": str(tmp_path / "alice")}
    built = okr(alice, "kb", "build")
    assert built.returncode == 0 and "documents" in built.stdout, built.stderr
    ours = tmp_path / "ours.md"
    ours.write_text("Objective: Win the Italian market\n- Raise monthly orders in Italy from 300 to 450\n")
    # Bob adds the team's own OKRs; the library files live in his home, the index on the server.
    bob = {**team, "OKR_HOME": str(tmp_path / "bob")}
    assert okr(bob, "kb", "add", str(ours)).returncode == 0
    found = okr(bob, "kb", "search", "monthly orders in Italy", "-k", "1", "--json")
    assert found.returncode == 0 and json.loads(found.stdout)[0]["id"].startswith("user-ours"), found.stderr
    # Alice, with the shipped library only, reads her own collection: vectors are never mixed.
    mine = okr(alice, "kb", "search", "monthly orders in Italy", "-k", "3", "--json")
    assert mine.returncode == 0 and not any(r["id"].startswith("user-") for r in json.loads(mine.stdout))
    proc.terminate()
    proc.wait(timeout=30)
    down = okr(alice, "kb", "search", "monthly orders", "-k", "1")
    assert down.returncode == 4 and "OKR_CHROMA_HOST" in down.stderr and "Traceback" not in down.stderr
    assert down.stderr.count("\n") == 1


class Busy(BaseHTTPRequestHandler):
    """An OpenAI-compatible server that is always overloaded (HTTP 503)."""

    hits: ClassVar[list[str]] = []

    def do_POST(self):
        Busy.hits.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"error": {"message": "server busy", "type": "overloaded"}}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        return None


def test_a_busy_model_server_is_retried_then_each_row_says_so(small_home, tmp_path):
    Busy.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        src, out = tmp_path / "goals.txt", tmp_path / "out.jsonl"
        src.write_text("Reduce churn\nGrow revenue\n", encoding="utf-8")
        url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        res = okr(
            small_home,
            "rewrite",
            str(src),
            "-o",
            str(out),
            "--llm",
            "openai",
            "--base-url",
            url,
            "--workers",
            "2",
            timeout=180,
            OKR_MAX_RETRIES="2",
            OPENAI_API_KEY="sk-test",
        )
    finally:
        server.shutdown()
        server.server_close()
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert res.returncode == 3 and len(rows) == 2 and all(r["status"] == "error" for r in rows)
    assert all("503" in r["error"] for r in rows), rows
    assert len(Busy.hits) >= 2 * 3  # each row: the first try and two retries
