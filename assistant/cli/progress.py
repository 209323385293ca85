"""Progress on stderr, so stdout stays clean for the result (JSON, Markdown, the report).

On a terminal rich draws one live line (a spinner with elapsed time for stages, a bar with an
estimate for batch rows); anywhere else each step is one plain `okr: ...` line that logs and tests can
read. `--quiet` turns both off. rich is imported only when a live line is drawn, so `okr check`
never loads it.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from assistant.domain import BatchOutcome


def _live(*columns: Any, transient: bool) -> Progress:
    """A started rich progress display on stderr (which the caller has seen is a terminal)."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(file=sys.stderr, force_terminal=True)
    # stdout is left alone (it carries the result); stray stderr lines are printed above the live line
    display = Progress(*columns, console=console, transient=transient, redirect_stdout=False)
    display.start()
    return display


class _Display:
    """A live display that is always stopped, also on errors: rich hides the cursor while it runs."""

    _display: Progress | None = None

    def close(self) -> None:
        if self._display:
            self._display.stop()
            self._display = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Stages(_Display):
    """The stage a long command is in ('retrieving similar examples ...'), with the time elapsed.

    Called with each stage's message, from any thread; a repeated message is shown once."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.message = ""
        if enabled and sys.stderr.isatty():
            self._display, self._task = self._start()

    def _start(self) -> tuple[Progress, TaskID]:
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        display = _live(
            SpinnerColumn(),
            TextColumn("{task.description} …", markup=False),
            TimeElapsedColumn(),
            transient=True,  # the line goes away when the result is printed
        )
        return display, display.add_task("", total=None, visible=False)

    def __call__(self, message: str) -> None:
        if not self.enabled or message == self.message:
            return
        self.message = message
        if self._display:
            self._display.update(self._task, description=message, visible=True)
        else:
            print(f"okr: {message}", file=sys.stderr, flush=True)


class Rows(_Display):
    """Batch rows done out of the total, with an estimate of the time left and the last row's status.

    A terminal gets a bar that stays on screen when the run ends; a log gets one line per row."""

    def __init__(self, total: int, enabled: bool = True):
        self.enabled = enabled
        self.start = time.monotonic()
        if enabled and total and sys.stderr.isatty():  # no bar when every row is already done
            self._display, self._task = self._start(total)

    def _start(self, total: int) -> tuple[Progress, TaskID]:
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn

        display = _live(
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            TextColumn("last: {task.fields[last]}", markup=False),
            transient=False,
        )
        return display, display.add_task("rows", total=total, last="")

    def update(self, outcome: BatchOutcome, done: int, total: int) -> None:
        """batch.run's on_done: one row finished (from a worker thread)."""
        if not self.enabled:
            return
        status = outcome.status if outcome.status == "ok" else f"error: {outcome.error}"
        if self._display:
            self._display.update(self._task, completed=done, total=total, last=f"{outcome.id} {status[:40]}")
            return
        elapsed = time.monotonic() - self.start
        eta = elapsed / done * (total - done) if done else 0
        print(
            f"okr: [{done}/{total}] {outcome.id} {status} ({outcome.seconds:.1f} s, eta {eta:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
