"""Send one message over SMTP (the standard library's smtplib) and say what came of it as the
ledger's Outcome: a refusal that retrying may cure (4xx, the server down, a timeout, a login
refused) is retried with back-off; a permanent one (5xx) is not."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from repairlink.domain.delivery import Outcome
from repairlink.settings import Settings


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_tls == "ssl":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_s, context=context
            )
        server = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_s)
        if s.smtp_tls == "starttls":
            server.starttls(context=ssl.create_default_context())
        return server

    def send(self, message: EmailMessage) -> Outcome:
        if not self.settings.smtp_host:  # kept until one is: retried with back-off
            return Outcome.failed("No mail server is set up for sending")
        try:
            with self._connect() as server:
                if self.settings.smtp_user:
                    password = self.settings.smtp_password.get_secret_value()
                    server.login(self.settings.smtp_user, password)
                server.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, answer = next(iter(exc.recipients.values()))
            return _refused(code, answer)
        except smtplib.SMTPAuthenticationError as exc:  # fixable in the settings: keep trying
            return Outcome.failed(f"The mail server refused our login: {_text(exc.smtp_error)}")
        except smtplib.SMTPResponseException as exc:
            return _refused(exc.smtp_code, exc.smtp_error)
        except (OSError, smtplib.SMTPException) as exc:
            where = f"{self.settings.smtp_host}:{self.settings.smtp_port}"
            return Outcome.failed(f"The mail server at {where} did not answer: {exc}")
        return Outcome.sent(status_code=250)


def _text(answer: bytes | str) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


def _refused(code: int, answer: bytes | str) -> Outcome:
    said = f"The mail server answered {code} {_text(answer)}"
    return Outcome.failed(said, status_code=code, terminal=code >= 500)
