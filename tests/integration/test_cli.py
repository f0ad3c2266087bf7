"""The `repairlink` command as an operator runs it: real processes on a real SQLite file."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from repairlink.demo import DEMO_EMAIL, DEMO_PASSWORD
from repairlink.demo_propertyware import EMAIL as US_EMAIL
from repairlink.demo_propertyware import PASSWORD as US_PASSWORD


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "REPAIRLINK_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "REPAIRLINK_FILES_DIR": str(tmp_path / "files"),
    }


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "repairlink", *args],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_serve_refuses_an_unmigrated_database_and_names_the_command(tmp_path: Path) -> None:
    result = _run(tmp_path, "serve")
    assert result.returncode == 1
    assert "repairlink db upgrade" in result.stderr
    assert "Traceback" not in result.stderr


def test_agency_and_api_key_creation_print_the_secret_once(tmp_path: Path) -> None:
    assert _run(tmp_path, "db", "upgrade").returncode == 0
    created = _run(tmp_path, "agency", "create", "--name", "Acme Lettings", "--slug", "acme")
    assert created.returncode == 0, created.stderr
    key = _run(tmp_path, "apikey", "create", "--agency", "acme", "--role", "agent")
    assert key.returncode == 0, key.stderr
    assert key.stdout.strip().startswith("rl_")
    assert "not shown again" in key.stderr


def test_bad_input_is_one_clear_line_naming_the_rule(tmp_path: Path) -> None:
    assert _run(tmp_path, "db", "upgrade").returncode == 0
    result = _run(tmp_path, "agency", "create", "--name", "X", "--slug", "Not A Slug")
    assert result.returncode == 1
    assert result.stderr.startswith("error:")
    assert "[slug]" in result.stderr


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """What `make run` does: migrate, then serve with the demo agency synced from the Alto
    simulator. The service takes a port the OS picks (--port 0) and says which; the
    simulators' usual port is held by another program, as a second `make run` would: the
    demo takes a free one instead of failing to start."""
    assert _run(tmp_path, "db", "upgrade").returncode == 0
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    simulator_port = taken.getsockname()[1]
    command = ["serve", "--port", "0", "--demo", "--simulator-port", str(simulator_port)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "repairlink", *command],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield _announced(proc)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        taken.close()


def _announced(proc: subprocess.Popen[str]) -> str:
    """The console's address, as the service announces it once its demo is ready (it listens
    already: a request waits in the backlog until the server takes it)."""
    assert proc.stdout is not None
    said = []
    for line in proc.stdout:  # ends when the process does
        said.append(line)
        if found := re.search(r"console on (http://127\.0\.0\.1:\d+)/", line):
            # keep reading its output, so that a full pipe can never stall it
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return found.group(1)
    raise AssertionError("the service stopped before it was ready:\n" + "".join(said))


def test_make_run_path_answers_on_docs_console_and_demo_login_works(served: str) -> None:
    assert httpx.get(f"{served}/docs", timeout=10).status_code == 200
    login = httpx.post(
        f"{served}/api/v1/auth/login",
        json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD},
        timeout=10,
    )
    assert login.status_code == 200, login.text
    token = login.json()["token"]
    issues = httpx.get(
        f"{served}/api/v1/issues", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert issues.status_code == 200
    assert len(issues.json()["items"]) == 5
    runs = httpx.get(
        f"{served}/api/v1/sync-runs", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()["items"]
    assert runs[0]["status"] == "succeeded"
    assert runs[0]["counts"]["unit"]["created"] > 0  # the simulated Alto's units arrived
    # The demo's issues sit on synced units: the instructed ones reach Alto as works orders.
    auth = {"Authorization": f"Bearer {token}"}
    instructed = [i["id"] for i in issues.json()["items"] if i["contractor_id"]]
    assert len(instructed) == 2

    def synced() -> bool:
        answers = [
            httpx.get(f"{served}/api/v1/issues/{i}/sync", headers=auth).json()["items"][0]
            for i in instructed
        ]
        assert all(a["status"] in ("synced", "pending") for a in answers), answers
        return all(a["status"] == "synced" for a in answers)

    _until(synced)
    # `make run` opens on the console: the login page, then the demo agency's dashboard.
    with httpx.Client(base_url=served, timeout=10) as browser:
        assert browser.get("/").headers["location"] == "/login"
        assert "<h1>Log in</h1>" in browser.get("/login").text
        logged_in = browser.post("/login", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
        assert logged_in.status_code == 303
        assert logged_in.headers["location"] == "/dashboard"
        dashboard = browser.get("/dashboard").text
        assert "Alto" in dashboard
        assert "succeeded" in dashboard
        assert "Boiler not heating water" in browser.get("/issues").text
        # Mail is caught in the process, and the Mail page shows it.
        _until(lambda: "New issue IS1: Boiler not heating water" in browser.get("/mail").text)
        mail = browser.get("/mail").text
        assert "Caught mail" in mail
        # its links lead to this service, on the port it was given (not the default 8000)
        first = re.search(r'href="(/mail/caught/\d+)"', mail)
        assert first is not None
        body = browser.get(first.group(1)).text
        assert f"{served}/" in body
        assert ":8000/" not in body
    # and a US agency on Propertyware, synced: properties, residents, leases, work orders
    us = httpx.post(
        f"{served}/api/v1/auth/login", json={"email": US_EMAIL, "password": US_PASSWORD}
    )
    us_auth = {"Authorization": f"Bearer {us.json()['token']}"}
    agency = httpx.get(f"{served}/api/v1/agency", headers=us_auth).json()
    assert agency["name"] == "Golden State Property Management"
    us_runs = httpx.get(f"{served}/api/v1/sync-runs", headers=us_auth).json()["items"]
    # the demo's runs finished before the service said it was ready; a schedule falling due
    # meanwhile (on the hour) may have started another
    assert "succeeded" in {r["status"] for r in us_runs}
    assert {r["status"] for r in us_runs} <= {"succeeded", "running"}
    assert httpx.get(f"{served}/api/v1/issues", headers=us_auth).json()["items"]
    _block_management_demo_is_synced(served)


def _block_management_demo_is_synced(served: str) -> None:
    """The second demo agency: a block manager synced from the Propman simulator, its
    instructed issue's repair order in Propman."""
    from repairlink.demo_propman import EMAIL, PASSWORD

    login = httpx.post(
        f"{served}/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}, timeout=10
    )
    assert login.status_code == 200, login.text
    auth = {"Authorization": f"Bearer {login.json()['token']}"}
    buildings = httpx.get(f"{served}/api/v1/buildings", headers=auth, timeout=10).json()
    assert buildings["items"]
    issues = httpx.get(f"{served}/api/v1/issues", headers=auth, timeout=10).json()["items"]
    (instructed,) = [i["id"] for i in issues if i["contractor_id"]]
    _until(
        lambda: (
            httpx.get(f"{served}/api/v1/issues/{instructed}/sync", headers=auth).json()["items"][0][
                "status"
            ]
            == "synced"
        )
    )


def _until(done: Callable[[], bool], timeout_s: float = 60) -> None:
    """Wait for what the embedded runner does in the background, up to a deadline."""
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, "not done in time"
        time.sleep(0.2)


def test_db_upgrade_makes_the_database_folder_of_a_fresh_checkout(tmp_path: Path) -> None:
    env = {**_env(tmp_path), "REPAIRLINK_DATABASE_URL": f"sqlite:///{tmp_path}/var/new/x.db"}
    result = subprocess.run(
        [sys.executable, "-m", "repairlink", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var" / "new" / "x.db").is_file()
