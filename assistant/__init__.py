"""OKR drafting assistant. The version lives here only (pyproject reads it)."""

__version__ = "0.2.0"
