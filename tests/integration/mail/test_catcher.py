"""The mail catcher the tests and `make run` use: it starts even when the free port it probed
is taken by another process before it binds (a clean-clone CI run can meet that)."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage

import pytest

from repairlink.mail import catcher as catcher_module
from repairlink.mail.catcher import Catcher


def test_a_catcher_whose_probed_port_was_taken_binds_another_and_receives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    held = taken.getsockname()[1]
    probes = iter([held])  # the first probe answers a port another process then takes
    real = catcher_module.free_port
    monkeypatch.setattr(catcher_module, "free_port", lambda: next(probes, None) or real())
    catcher = Catcher().start()
    try:
        assert catcher.port != held
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@x.test", "b@x.test", "Hello"
        message.set_content("Caught.")
        with smtplib.SMTP("127.0.0.1", catcher.port, timeout=10) as smtp:
            smtp.send_message(message)
        assert [m.message["Subject"] for m in catcher.mailbox.messages()] == ["Hello"]
    finally:
        catcher.stop()
        taken.close()
