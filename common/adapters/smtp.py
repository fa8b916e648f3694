"""E-mail over SMTP. The password comes from Secret Manager in production, exposed to the
function as an environment variable by its deployment, never written in the repository."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from common.settings import Settings


class PermanentSendError(Exception):
    """The message can never be delivered as addressed (e.g. the server refuses the recipient)."""


class TransientSendError(Exception):
    """The server is down, slow or busy: worth trying again later."""


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def configured(self) -> bool:
        return bool(self.settings.smtp_host)

    def send(self, to: str, subject: str, body: str, message_id: str) -> None:
        s = self.settings
        message = EmailMessage()
        message["From"] = formataddr((s.smtp_sender_name, s.smtp_sender))
        message["To"] = to
        message["Subject"] = subject
        # A stable Message-ID lets a mail server drop a copy it has seen before.
        message["Message-ID"] = make_msgid(idstring=message_id.replace("|", ".")[:60], domain=s.smtp_sender.split("@")[-1])
        message.set_content(body)
        try:
            if s.smtp_tls == "ssl":
                server: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds, context=ssl.create_default_context())
            else:
                server = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
            with server:
                if s.smtp_tls == "starttls":
                    server.starttls(context=ssl.create_default_context())
                if s.smtp_username:
                    server.login(s.smtp_username, s.smtp_password)
                server.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentSendError(f"recipient refused: {error.recipients}") from error
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise PermanentSendError(f"SMTP {error.smtp_code}: {error.smtp_error!r}") from error
            raise TransientSendError(f"SMTP {error.smtp_code}: {error.smtp_error!r}") from error
        except (smtplib.SMTPException, OSError) as error:
            raise TransientSendError(f"{type(error).__name__}: {error}") from error
