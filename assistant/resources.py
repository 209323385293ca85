"""Where the shipped data lives: inside the installed package, or beside it in a checkout.

`pip install .` maps the repository's top-level `prompts/` and `examples_kb/` folders into the wheel
as `assistant/_data/<name>` (see pyproject.toml); a checkout or an editable install reads them in
place. Nothing else in the package reaches outside itself for data.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The shipped folder `name` (prompts, examples_kb): packaged copy first, then the checkout's."""
    packaged = _PACKAGE / "_data" / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name
