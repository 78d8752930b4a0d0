"""Starting the real server (`valueflows serve`, uvicorn on 127.0.0.1) for end-to-end tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


@contextmanager
def running_server(workdir: Path, *args: str) -> Iterator[str]:
    port = free_port()
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the server.
    log = (workdir / f"server-{port}.log").open("w")
    proc = subprocess.Popen([VALUEFLOWS, "serve", "--port", str(port), *args], cwd=workdir,
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {(workdir / log.name).read_text()}")
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
