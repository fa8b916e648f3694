"""E-mail over SMTP. The password comes from Secret Manager in production, exposed to the
function as an environment variable by its deployment, never written in the repository.

Every message is well formed (RFC 5322) and says what it is: a Date in WIB, a Message-ID
derived from the delivery (the same delivery always has the same one), ``Auto-Submitted:
auto-generated`` (RFC 3834: no vacation replies), ``List-Unsubscribe`` to the preferences
page, and multipart/alternative with the plain text first and an HTML part that reads on a
phone. The words come from the domain's templates; this module only writes the markup.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from html import escape

from common.domain.clock import WIB
from common.domain.notifications import Email, Rendered, message_id
from common.services.ports import PermanentSendError, TransientSendError
from common.settings import Settings


def compose(email: Email, sender: str, sender_name: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((sender_name, sender))
    message["To"] = formataddr((email.to_name or "", email.to))
    message["Subject"] = email.content.title
    message["Date"] = format_datetime(email.sent_at.astimezone(WIB))
    message["Message-ID"] = message_id(email.delivery_id, sender.rsplit("@", 1)[-1])
    message["Auto-Submitted"] = "auto-generated"
    if email.unsubscribe:
        message["List-Unsubscribe"] = f"<{email.unsubscribe}>"
    message.set_content(email.content.plain())
    message.add_alternative(html(email.content), subtype="html")
    message["Content-Language"] = email.content.language  # after the body: set_content drops Content-* headers
    return message


# One column, system fonts, 16px text and links with room to tap: a cheap phone's mail app
# shows it as it is; a client without styles still gets headings, lists and plain links.
_PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6;">
<div style="max-width:560px;margin:0 auto;padding:16px;font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#ffffff;">
<h1 style="font-size:20px;line-height:1.3;margin:0 0 12px;">{title}</h1>
<p style="margin:0 0 16px;">{body}</p>
{sections}{action}<hr style="border:0;border-top:1px solid #d0d4da;margin:24px 0 12px;">
<p style="margin:0 0 8px;font-size:14px;color:#4a4f57;">{footer}</p>
{settings}</div>
</body>
</html>
"""


def _link(text: str, url: str | None) -> str:
    if not url:
        return escape(text)
    return f'<a href="{escape(url)}" style="color:#0b4f8a;">{escape(text)}</a>'


def html(content: Rendered) -> str:
    sections = []
    for section in content.sections:
        lines = "".join(f'<li style="margin:0 0 10px;">{_link(line.text, line.url)}</li>' for line in section.lines)
        sections.append(f'<h2 style="font-size:17px;margin:20px 0 8px;">{escape(section.heading)}</h2>\n'
                        f'<ul style="margin:0;padding-left:20px;">{lines}</ul>\n')
    action = ""
    if content.action and content.action.url:
        action = (f'<p style="margin:24px 0;"><a href="{escape(content.action.url)}" style="display:inline-block;padding:12px 20px;'
                  f'background:#0b4f8a;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:bold;">{escape(content.action.text)}</a></p>\n')
    settings = ""
    if content.settings and content.settings.url:
        settings = f'<p style="margin:0;font-size:14px;">{_link(content.settings.text, content.settings.url)}</p>\n'
    return _PAGE.format(lang=escape(content.language), title=escape(content.title), body=escape(content.body), sections="".join(sections),
                        action=action, footer=escape(content.footer), settings=settings)


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def configured(self) -> bool:
        return bool(self.settings.smtp_host)

    def send(self, email: Email) -> None:
        s = self.settings
        message = compose(email, s.smtp_sender, s.smtp_sender_name)
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
