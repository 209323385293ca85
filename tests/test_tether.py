"""The embedded model's server must not outlive the `okr` process that started it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

PARENT = textwrap.dedent(
    """
    import subprocess, sys, time
    from assistant import tether
    cmd = tether.command("http.server", "0", "--bind", "127.0.0.1")
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(child.pid, flush=True)
    time.sleep(120)
    """
)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")  # a zombie nobody reaped yet has ended all the same
    return not (status.exists() and "\nState:\tZ" in status.read_text())


def test_a_tethered_server_ends_when_its_parent_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    pid = int(parent.stdout.readline())
    time.sleep(1.5)
    assert alive(pid), "the tethered program should run while its parent does"
    parent.kill()  # SIGKILL: no atexit, no clean-up in the parent
    parent.wait()
    deadline = time.monotonic() + 15
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    still = alive(pid)
    if still:
        os.kill(pid, 9)
    assert not still, "the tethered program outlived its parent"


def test_the_command_runs_the_module_as_python_dash_m_would():
    from assistant import tether

    cmd = tether.command("json.tool", "--compact")
    out = subprocess.run(cmd, input='{"a": [1, 2]}', capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == '{"a":[1,2]}'
