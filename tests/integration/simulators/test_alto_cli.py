"""`python -m repairlink.simulators.alto` serves until stopped."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys

import httpx


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_command_serves_generated_data_until_interrupted() -> None:
    port = _free_port()
    command = [sys.executable, "-m", "repairlink.simulators.alto", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--seed", "3", "--units", "30"], stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stderr is not None
        lines = []
        # The command says when it listens; read until then (or until it dies).
        for line in process.stderr:
            lines.append(line)
            if "ready on" in line:
                break
        ready = [line for line in lines if "ready on" in line]
        assert ready, lines
        assert f"http://127.0.0.1:{port}" in ready[0]
        health = httpx.get(f"http://127.0.0.1:{port}/_admin/health").json()
        assert (health["seed"], health["units"]) == (3, 30)
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
