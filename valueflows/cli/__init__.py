"""`valueflows …` commands. Each parses its options, calls a use case, and prints the outcome."""

from valueflows.cli import (
    books,
    core,
    dividends,
    equations,
    federation,
    licences,
    linked,
    operations,
    people,
    plans,
    reports,
)
from valueflows.cli.app import app, main

__all__ = ["app", "books", "core", "dividends", "equations", "federation", "licences", "linked", "main", "operations",
           "people", "plans", "reports"]
