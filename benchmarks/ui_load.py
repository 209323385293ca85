"""Load test of the web chat: N simultaneous people drafting through the `/draft` API.

On the scripted model (no real model time unless --model-s gives one), so the figures are the
app's own overhead: Gradio's queue, retrieval on the shared index, validation. Checks that every
person gets the draft for their own goal (no cross-talk between sessions).
Run: `.venv/bin/python benchmarks/ui_load.py [--users 20 --concurrency 4 --model-s 0]`.
Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4, help="drafts the app runs at once")
    parser.add_argument("--model-s", type=float, default=0.0, help="seconds the scripted model takes")
    args = parser.parse_args()
    os.environ["OKR_FAKE_DELAY"] = str(args.model_s)

    from gradio_client import Client

    from assistant.config import Settings
    from assistant.ui import ChatApp, build

    demo = build(ChatApp(Settings(llm="fake")), concurrency=args.concurrency)
    demo.launch(server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, quiet=True)
    try:
        Client(demo.local_url, verbose=False).predict("Warm up the index", api_name="/draft")
        goals = [f"Grow online sales in region {n}" for n in range(args.users)]
        latencies: list[float] = []
        answered: list[str] = []
        lock = threading.Lock()

        def person(goal: str) -> None:
            client = Client(demo.local_url, verbose=False)
            start = time.perf_counter()
            result = client.predict(goal, api_name="/draft")
            with lock:
                latencies.append(time.perf_counter() - start)
                answered.append(result["okr_set"]["goal"])

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.users) as pool:
            list(pool.map(person, goals))
        wall = time.perf_counter() - start
    finally:
        demo.close()
    q = statistics.quantiles(latencies, n=20)
    print(f"{args.users} simultaneous users, concurrency {args.concurrency}, model {args.model_s:.1f} s")
    print(f"latency p50 {statistics.median(latencies):.2f} s  p95 {q[18]:.2f} s  max {max(latencies):.2f} s")
    print(f"all done in {wall:.1f} s; cross-talk: {'none' if sorted(answered) == sorted(goals) else 'FOUND'}")


if __name__ == "__main__":
    main()
