"""Starting the real server (`valueflows serve`, uvicorn on 127.0.0.1) for end-to-end tests."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

VALUEFLOWS = shutil.which("valueflows") or str(Path(sys.executable).with_name("valueflows"))


def needs(what: str) -> None:
    """A missing tool skips locally and fails in CI, where a skipped browser test would hide a missing feature."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is needed for the browser tests in CI")
    pytest.skip(f"{what} is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([VALUEFLOWS, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


class Server:
    """`valueflows serve` in a child process, on a port that stays the same across restarts."""

    def __init__(self, workdir: Path, *args: str) -> None:
        self.workdir, self.args = workdir, args
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[str] | None = None
        self.starts = 0

    def start(self) -> str:
        # The server's log goes to a file: a pipe nobody reads fills up and blocks the server.
        self.starts += 1
        log = self.workdir / f"server-{self.port}-{self.starts}.log"
        with log.open("w") as out:
            self.proc = subprocess.Popen([VALUEFLOWS, "serve", "--port", str(self.port), *self.args],
                                         cwd=self.workdir, stdout=out, stderr=subprocess.STDOUT, text=True)
        for _ in range(600):
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()}")
            try:
                if httpx.get(self.base + "/health", timeout=1).status_code == 200:
                    return self.base
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, open transactions die with the process."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=20)

    def stop(self) -> None:
        """SIGTERM, and SIGKILL if the server has not stopped within 20 s (a stuck request must not outlive the
        test, spinning a core)."""
        if self.alive:
            assert self.proc is not None
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def running_server(workdir: Path, *args: str) -> Iterator[str]:
    server = Server(workdir, *args)
    try:
        yield server.start()
    finally:
        server.stop()


def report(section: str, **figures: object) -> None:
    """Keep a test's figures for the README's Reliability section (`python bench/reliability.py` sets the file)."""
    target = os.environ.get("VALUEFLOWS_RELIABILITY_REPORT")
    if not target:
        return
    path = Path(target)
    known = json.loads(path.read_text()) if path.exists() else {}
    known.setdefault(section, {}).update(figures)
    path.write_text(json.dumps(known, indent=2, sort_keys=True))


AXE_VERSION = "4.10.2"


def axe_script(where: Path) -> str:
    """axe-core's script, from npm (installed into `where` once per session)."""
    npm = shutil.which("npm")
    if npm is None:
        needs("npm (for axe-core)")
    script = where / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        subprocess.run([str(npm), "install", "--prefix", str(where), "--no-audit", "--no-fund", "--loglevel=error",
                        f"axe-core@{AXE_VERSION}"], check=True, timeout=600, capture_output=True)
    return script.read_text(encoding="utf-8")


def serious_violations(driver: object, axe: str) -> list[str]:
    """What axe-core finds on the page in the browser that is serious or critical, one line each."""
    driver.execute_script(axe)  # type: ignore[attr-defined]
    found = driver.execute_async_script(  # type: ignore[attr-defined]
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done([String(e)]));")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            if isinstance(v, dict) else v for v in found
            if not isinstance(v, dict) or v.get("impact") in ("serious", "critical")]


def page_gone(element: Any) -> bool:
    """Has the page holding `element` gone? (Chromium says so either as a stale element or as a node that does
    not belong to the document: selenium's `staleness_of` knows only the first.)"""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc):
            return True
        raise
    return False
