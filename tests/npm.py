"""Node.js packages for the tests that run a node script (tests/graphql_http,
tests/apollo_client): `npm ci` into the script's directory, as its package-lock.json
pins them, the first time and again when the lock file changes."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

NODE = shutil.which("node")
NPM = shutil.which("npm")

needs_node = pytest.mark.skipif(
    NODE is None or NPM is None,
    reason="needs Node.js and npm (apt-get install nodejs npm; scripts/test installs them)",
)


def install_packages(directory: Path) -> None:
    assert NPM is not None
    lock = hashlib.sha256((directory / "package-lock.json").read_bytes()).hexdigest()
    stamp = directory / "node_modules" / ".package-lock.sha256"
    if stamp.exists() and stamp.read_text().strip() == lock:
        return
    installed = subprocess.run(
        [NPM, "ci", "--prefix", str(directory), "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    stamp.write_text(lock + "\n")
