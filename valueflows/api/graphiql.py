"""GraphiQL for browsers, with its scripts from the unpkg CDN or, offline, from a local copy.

`fetch_assets(directory)` installs the exact packages the page asks for (with npm) and lays them out as unpkg
does (`react@18.2.0/umd/…`), so `serve --graphiql-assets DIRECTORY` can serve them from this server. The page
pins each file with its SRI hash, so a local copy that differs is refused by the browser.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

CDN = "https://unpkg.com/"
LOCAL_PREFIX = "/graphiql-assets/"
PACKAGE = re.compile(r"https://unpkg\.com/((?:@[\w.-]+/)?[\w.-]+)@([\w.-]+)/")


def page(local: bool) -> str:
    html = get_graphql_ide_html(graphql_ide="graphiql")
    return html.replace(CDN, LOCAL_PREFIX) if local else html


def packages() -> dict[str, str]:
    """The npm packages (name: version) the GraphiQL page loads."""
    return dict(PACKAGE.findall(get_graphql_ide_html(graphql_ide="graphiql")))


def fetch_assets(directory: Path) -> list[str]:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to fetch the GraphiQL assets")
    wanted = packages()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, "install", "--prefix", tmp, "--no-audit", "--no-fund", "--loglevel=error",
                        "--ignore-scripts", *(f"{name}@{version}" for name, version in wanted.items())],
                       check=True, capture_output=True, timeout=600)
        for name, version in wanted.items():
            target = directory / f"{name}@{version}"
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(Path(tmp) / "node_modules" / name, target)
    return [f"{name}@{version}" for name, version in wanted.items()]
