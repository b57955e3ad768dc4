"""The container's start command and environment, read from the Dockerfile's final stage,
so that tests run exactly what the image runs (without a Docker engine)."""

from __future__ import annotations

import json
import re
import shlex
import sys
from dataclasses import dataclass

from tests.e2e.gateway_process import REPO_ROOT

# What the image installs as the `invoice-gateway` console script.
CONSOLE_SCRIPT = [sys.executable, "-m", "gateway.cli"]


@dataclass(frozen=True)
class ImageStart:
    argv: list[str]
    env: dict[str, str]
    port: int


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the final stage, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    lines = [line.strip() for line in joined.splitlines()]
    parsed = [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]
    stages = [i for i, (instruction, _) in enumerate(parsed) if instruction.upper() == "FROM"]
    return [(instruction.upper(), rest) for instruction, rest in parsed[stages[-1] :]]


def image_start() -> ImageStart:
    """ENTRYPOINT + CMD (exec form) and the ENV values of the final stage (PATH aside:
    it only puts the image's venv first)."""
    entrypoint: list[str] = []
    cmd: list[str] = []
    env: dict[str, str] = {}
    exposed: list[int] = []
    for instruction, rest in _instructions((REPO_ROOT / "Dockerfile").read_text()):
        if instruction == "ENTRYPOINT":
            entrypoint = json.loads(rest)
        elif instruction == "CMD":
            cmd = json.loads(rest)
        elif instruction == "ENV":
            env.update(pair.split("=", 1) for pair in shlex.split(rest))
        elif instruction == "EXPOSE":
            exposed.extend(int(port) for port in rest.split())
    env.pop("PATH", None)
    argv = [*entrypoint, *cmd]
    assert argv[0] == "invoice-gateway", argv
    [port] = exposed
    return ImageStart([*CONSOLE_SCRIPT, *argv[1:]], env, port)


def with_option(argv: list[str], option: str, value: str) -> list[str]:
    """argv with `option`'s value replaced; the option must be there."""
    at = argv.index(option) + 1
    return [*argv[:at], value, *argv[at + 1 :]]
