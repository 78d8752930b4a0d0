"""Data files the program needs at run time: licence policies, the vocabulary and contexts, the GraphQL files.

In the repository they are the top-level folders `licences/`, `vocab/` and `graphql/`; an installed wheel carries
them under `valueflows/_data/` (hatchling force-include, see pyproject.toml).
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def data_dir(name: str) -> Traversable:
    packaged = files("valueflows") / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name
