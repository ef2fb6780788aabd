"""Shared fixtures for the oracle (differential) tests.

Our C++ implementation is exposed through small command-line tools built from tests/tools/<name>_tool.cpp as
<build>/tests/igra-<name>-tool. Each tool reads one JSON request per line on stdin and writes one JSON response per
line on stdout, in order. The build directory comes from the IGRA_BUILD_DIR environment variable (ctest sets it);
the shared reference material from IGRA_SHARED_DIR (default: ../shared beside the repository).
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]


def build_dir() -> pathlib.Path | None:
    d = os.environ.get("IGRA_BUILD_DIR")
    if d:
        return pathlib.Path(d)
    # Fall back to the conventional build directory when run by hand.
    for cand in (REPO_ROOT / "build" / "release", REPO_ROOT / "build"):
        if (cand / "tests").is_dir():
            return cand
    return None


def shared_dir() -> pathlib.Path:
    d = os.environ.get("IGRA_SHARED_DIR")
    return pathlib.Path(d) if d else (REPO_ROOT.parent / "shared")


def tool_path(name: str) -> pathlib.Path:
    """Path of igra-<name>-tool; skips the calling test if it was not built."""
    bd = build_dir()
    if bd is None:
        pytest.skip("IGRA_BUILD_DIR is not set and no build directory was found")
    p = bd / "tests" / f"igra-{name}-tool"
    if not p.is_file():
        pytest.skip(f"{p} was not built")
    return p


class Tool:
    """Runs a JSON-lines tool on a batch of requests (one process per batch)."""

    def __init__(self, path: pathlib.Path):
        self.path = path

    def run(self, requests: list[dict], timeout: float = 120.0) -> list[dict]:
        data = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in requests)
        proc = subprocess.run([str(self.path)], input=data, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise AssertionError(f"{self.path.name} exited with {proc.returncode}: {proc.stderr[-2000:]}")
        lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
        if len(lines) != len(requests):
            raise AssertionError(
                f"{self.path.name}: {len(requests)} requests but {len(lines)} responses; stderr: {proc.stderr[-2000:]}")
        return [json.loads(ln) for ln in lines]

    def one(self, request: dict) -> dict:
        return self.run([request])[0]


@pytest.fixture(scope="session")
def igra_build_dir() -> pathlib.Path:
    bd = build_dir()
    if bd is None:
        pytest.skip("IGRA_BUILD_DIR is not set")
    return bd


@pytest.fixture(scope="session")
def igra_shared_dir() -> pathlib.Path:
    return shared_dir()


@pytest.fixture(scope="session")
def kaspa_vectors(igra_shared_dir) -> dict:
    p = igra_shared_dir / "vectors" / "kaspa-vectors.json"
    if not p.is_file():
        pytest.skip(f"{p} not found")
    return json.loads(p.read_text())


@pytest.fixture(scope="session")
def tool_factory():
    """tool_factory("kaspa-tx") -> Tool for igra-kaspa-tx-tool."""
    return lambda name: Tool(tool_path(name))


@pytest.fixture(scope="session")
def kaspa_tx_tool() -> Tool:
    return Tool(tool_path("kaspa-tx"))
