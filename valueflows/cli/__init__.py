"""`valueflows …` commands. Each parses its options, calls a use case, and prints the outcome."""

from valueflows.cli import core, dividends, equations, licences, linked, reports
from valueflows.cli.app import app, main

__all__ = ["app", "core", "dividends", "equations", "licences", "linked", "main", "reports"]
