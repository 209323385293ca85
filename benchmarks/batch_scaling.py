"""Batch throughput against 1, 2, 4 and 8 workers on an OpenAI-compatible server on loopback.

The server here is a stand-in with a fixed service time per request and a fixed number of slots
(like a vLLM or llama.cpp server with N parallel sequences); `okr rewrite` talks to it through the
real ChatOpenAI client. Throughput grows with workers until the slots are full, then flattens.
Run: `.venv/bin/python benchmarks/batch_scaling.py [--rows 24 --slots 4 --latency 0.5]`.
Only 127.0.0.1 is used; every request loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.fake_llm import from_schema  # noqa: E402


def make_server(slots: int, latency: float) -> ThreadingHTTPServer:
    gate = threading.Semaphore(slots)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            return

        def do_GET(self):
            self._send({"object": "list", "data": [{"id": "stand-in", "object": "model"}]})

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
            with gate:  # a busy server queues requests beyond its slots
                time.sleep(latency)
            rf = body.get("response_format") or {}
            schema = rf.get("schema") or (rf.get("json_schema") or {}).get("schema") or {}
            text = from_schema(schema)  # the same answer-by-schema as the scripted test model
            self._send(
                {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "stand-in",
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": text},
                        }
                    ],
                    "usage": {
                        "prompt_tokens": len(prompt) // 4,
                        "completion_tokens": len(text) // 4,
                        "total_tokens": (len(prompt) + len(text)) // 4,
                    },
                }
            )

        def _send(self, data):
            raw = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=24)
    parser.add_argument("--slots", type=int, default=4, help="requests the server runs at once")
    parser.add_argument("--latency", type=float, default=0.5, help="seconds per request")
    parser.add_argument("--workers", default="1,2,4,8")
    args = parser.parse_args()
    server = make_server(args.slots, args.latency)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "goals.txt")
        src.write_text(
            "\n".join(f"Grow online sales in region {n}" for n in range(args.rows)) + "\n", encoding="utf-8"
        )
        env = {**os.environ, "OKR_STRUCTURED": "json_object_schema", "OPENAI_API_KEY": "stand-in"}
        print(
            f"server: {args.slots} slots, {args.latency:.2f} s per request; {args.rows} rows, 2 objectives each"
        )
        base = None
        for workers in [int(w) for w in args.workers.split(",")]:
            out = Path(tmp, f"out-{workers}.jsonl")
            cmd = [
                sys.executable,
                "-m",
                "assistant.cli",
                "rewrite",
                str(src),
                "-o",
                str(out),
                "--llm",
                "openai",
                "--base-url",
                url,
                "--workers",
                str(workers),
                "--quiet",
                "--repair-rounds",
                "0",
                "--objectives",
                "2",
            ]
            start = time.perf_counter()
            subprocess.run(cmd, env=env, check=False, capture_output=True, timeout=900)
            elapsed = time.perf_counter() - start
            records = [json.loads(line) for line in out.read_text().splitlines()]
            rows = len(records)
            ok = sum(r["status"] == "ok" for r in records)
            per_min = rows / elapsed * 60
            base = base or per_min
            print(
                f"workers {workers}: {rows} rows ({ok} ok) in {elapsed:5.1f} s = {per_min:6.1f} rows/min "
                f"({per_min / base:.1f}x)"
            )
    server.shutdown()


if __name__ == "__main__":
    main()
