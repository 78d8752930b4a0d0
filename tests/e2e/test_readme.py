"""The README's examples, run as a newcomer runs them, on a fresh ledger.

Every ```sh block whose lines start with `$ ` is a transcript: its commands run in order, in one fresh directory,
through bash (so `>`, `$(…)` and `&` work), stdout and stderr together, and every line of their output is compared
with the README's (`…` in a line stands for any text; a line that is only `…` for any number of lines). A command
that starts the server in the background (`valueflows serve … &`, its log wherever the README sends it) starts the
real server on a free port instead, and `127.0.0.1:8000` (or the `--port` the README gives it) in later commands
and their output points at it. `cat FILE` of a file that is not there yet writes the README's output into FILE
first (that is how the README shows a file to create). Each ```python block runs in a fresh directory; a ```text
block right after it is its expected output.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from e2e_support import VALUEFLOWS, Server

README = Path(__file__).resolve().parents[2] / "README.md"
TODAY = "2027-03-01"  # the README's transcript is as on the day of the annual meeting, after 2026 closed
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```\n", re.S | re.M)


@dataclass
class Step:
    command: str
    expected: list[str] = field(default_factory=list)


def blocks(kind: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced block of a language, with the block that follows each."""
    found = [(m.group(1), m.group(2)) for m in BLOCK.finditer(README.read_text(encoding="utf-8"))]
    return [(body, found[i + 1][1] if i + 1 < len(found) and found[i + 1][0] == "text" else "")
            for i, (lang, body) in enumerate(found) if lang == kind]


def transcript() -> list[Step]:
    steps: list[Step] = []
    for body, _ in blocks("sh"):
        lines = body.splitlines()
        if not lines or not lines[0].startswith("$ "):
            continue  # a synopsis, not a transcript
        i = 0
        while i < len(lines):
            assert lines[i].startswith("$ "), f"README transcript: expected a command at {lines[i]!r}"
            command = lines[i][2:]
            while command.endswith("\\"):
                i += 1
                command += "\n" + lines[i]
            step = Step(command)
            i += 1
            while i < len(lines) and not lines[i].startswith("$ "):
                step.expected.append(lines[i])
                i += 1
            steps.append(step)
    return steps


def _pattern(line: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in line.split("…")))


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line for line; `…` in a line is any text, a line of only `…` any number of lines."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == "…":
        return any(matches(rest, actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and bool(_pattern(head).fullmatch(actual[0])) and matches(rest, actual[1:])


def environment(workdir: Path) -> dict[str, str]:
    bindir = str(Path(VALUEFLOWS).parent)
    env = {k: v for k, v in os.environ.items() if k != "VALUEFLOWS_DB"}
    return {**env, "VALUEFLOWS_TODAY": TODAY, "PATH": f"{bindir}:{env.get('PATH', '')}", "HOME": str(workdir),
            "COLUMNS": "80"}


def run_transcript(workdir: Path) -> list[tuple[Step, list[str]]]:
    """Each step with the output it gave."""
    env = environment(workdir)
    servers: dict[int, Server] = {}  # by the port the README gives it
    done: list[tuple[Step, list[str]]] = []
    try:
        for step in transcript():
            command = step.command
            if command.startswith("valueflows serve") and command.endswith("&"):
                args = shlex.split(command[len("valueflows serve"):-1])
                if ">" in args:  # where the README sends the log: the test keeps its own
                    args = args[:args.index(">")]
                port = int(args[args.index("--port") + 1]) if "--port" in args else 8000
                if "--port" in args:
                    del args[args.index("--port"):args.index("--port") + 2]
                servers[port] = Server(workdir, *args)
                servers[port].start()
                done.append((step, []))
                continue
            for port, server in servers.items():
                command = command.replace(f"127.0.0.1:{port}", f"127.0.0.1:{server.port}")
            shown = re.fullmatch(r"cat ([\w.-]+)", command)
            if shown and not (workdir / shown.group(1)).exists():
                (workdir / shown.group(1)).write_text("\n".join(step.expected) + "\n", encoding="utf-8")
            result = subprocess.run(["bash", "-c", "{ " + command + "\n} 2>&1"], cwd=workdir, env=env,
                                    capture_output=True, text=True, timeout=300)
            output = result.stdout
            for port, server in servers.items():  # as the README shows it: each server at its address there
                output = output.replace(f"127.0.0.1:{server.port}", f"127.0.0.1:{port}")
            done.append((step, output.splitlines()))
    finally:
        for server in servers.values():
            server.stop()
    return done


def test_the_readme_transcript_gives_what_the_readme_shows(tmp_path: Path) -> None:
    steps = transcript()
    assert len(steps) >= 15, "the README's transcript has gone missing"
    assert os.environ["VALUEFLOWS_TODAY"] == TODAY  # the server the transcript starts inherits it (conftest)
    for step, actual in run_transcript(tmp_path):
        assert matches(step.expected, actual), (
            f"$ {step.command}\nREADME shows:\n" + "\n".join(step.expected) + "\nthe command gave:\n"
            + "\n".join(actual))


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_the_readme_python_example_runs_on_a_fresh_ledger(tmp_path: Path, index: int) -> None:
    code, expected = blocks("python")[index]
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                            env=environment(tmp_path))
    assert result.returncode == 0, result.stderr
    assert matches(expected.splitlines(), result.stdout.splitlines()), result.stdout
