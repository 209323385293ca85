"""Run a module as a program that ends when the process that started it ends.

`python -m assistant.tether PARENT_PID MODULE ARGS...` runs MODULE as `python -m MODULE ARGS...`
would, with a watcher thread that exits once PARENT_PID is no longer its parent. The embedded
model's server runs this way: when `okr` is killed (SIGKILL or SIGTERM run no clean-up) a server
left behind would keep 3 GB of memory and both cores busy for nobody, slowing every later draft.
Only the standard library: it starts before the model loads.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time


def command(module: str, *args: str) -> list[str]:
    """The command line that runs `python -m module args` tied to this process."""
    return [sys.executable, "-m", "assistant.tether", str(os.getpid()), module, *args]


def _watch(parent: int, every: float = 0.5) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(0)  # the parent is gone: no clean-up is owed to anyone


def main(argv: list[str]) -> None:
    parent, module, *args = argv
    threading.Thread(target=_watch, args=(int(parent),), daemon=True).start()
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
