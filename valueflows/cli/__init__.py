"""`valueflows …` commands. Each parses its options, calls a use case, and prints the outcome."""

from valueflows.cli import core, dividends, licences, linked
from valueflows.cli.app import app, main

__all__ = ["app", "core", "dividends", "licences", "linked", "main"]
