"""What a well-formed message from us looks like, checked on the raw bytes a mail server gets.

``problems(raw, base_url)`` parses with Python's strict email policy and lists what is wrong:
the RFC 5322 headers (Date with its zone, a valid Message-ID with @domain, From, To,
Subject), Auto-Submitted and List-Unsubscribe, multipart/alternative with a plain and an
HTML part, every link absolute and on this deployment, and no date written as YYYY-MM-DD.
The stack fixture runs it over every message the test session sent (tests/conftest.py).
"""

from __future__ import annotations

import email
import re
from email import policy
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

MSG_ID = re.compile(r"<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+>")
ISO_DATE = re.compile(r"(?<![\w%=/-])\d{4}-\d{2}-\d{2}(?![\w%])")
RELATIVE_LINK = re.compile(r"(?<![\w:/.-])/(temuan|investigasi|laporan|tim|kinerja|dashboard)\b")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.viewport = False
        self.lang = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a":
            self.links.append(values.get("href") or "")
        if tag == "meta" and values.get("name") == "viewport":
            self.viewport = True
        if tag == "html":
            self.lang = values.get("lang")


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=policy.strict)


def problems(raw: bytes, base_url: str) -> list[str]:
    found: list[str] = []
    try:
        message = parse(raw)
    except Exception as error:  # the strict policy raises on a defect in the structure
        return [f"does not parse strictly: {error!r}"]
    for name in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version"):
        if message[name] is None:
            found.append(f"no {name} header")
    for name, value in message.items():
        defects = getattr(value, "defects", ())
        if defects:
            found.append(f"{name}: {list(defects)}")
    if message["Date"] is not None and (message["Date"].datetime is None or message["Date"].datetime.tzinfo is None):
        found.append(f"Date without a zone: {message['Date']}")
    if message["Message-ID"] is not None and not MSG_ID.fullmatch(str(message["Message-ID"])):
        found.append(f"invalid Message-ID {message['Message-ID']}")
    if message["Auto-Submitted"] != "auto-generated":
        found.append(f"Auto-Submitted is {message['Auto-Submitted']!r}")
    unsubscribe = str(message["List-Unsubscribe"] or "")
    if unsubscribe != f"<{base_url}/dashboard?view=preferences>":
        found.append(f"List-Unsubscribe is {unsubscribe!r}")
    if message.get_content_type() != "multipart/alternative":
        found.append(f"not multipart/alternative: {message.get_content_type()}")
    parts = [p.get_content_type() for p in message.iter_parts()] if message.is_multipart() else []
    if parts != ["text/plain", "text/html"]:
        found.append(f"parts {parts}, want plain then html")
        return found
    for part in message.walk():
        if part.defects:
            found.append(f"{part.get_content_type()}: {list(part.defects)}")
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for label, text in (("plain", plain), ("html", html), ("subject", str(message["Subject"]))):
        if ISO_DATE.search(text):
            found.append(f"{label} writes a date as {ISO_DATE.search(text).group()}")
    if RELATIVE_LINK.search(plain):
        found.append(f"plain part has a relative link near {plain[RELATIVE_LINK.search(plain).start() - 20:][:60]!r}")
    for url in re.findall(r"https?://\S+", plain):
        if not url.startswith(base_url + "/"):
            found.append(f"plain part links off the deployment: {url}")
    links = _Links()
    links.feed(html)
    if not links.viewport:
        found.append("html part has no viewport meta (unreadable on a phone)")
    if links.lang not in ("id", "en") or links.lang != message["Content-Language"]:
        found.append(f"html lang {links.lang!r}, Content-Language {message['Content-Language']!r}")
    if not links.links:
        found.append("html part has no link")
    for url in links.links:
        if not url.startswith(base_url + "/"):
            found.append(f"html part links to {url!r}, not an absolute link on {base_url}")
    return found


def mailbox_problems(folder: str | Path, base_url: str) -> dict[str, list[str]]:
    """Every .eml file in the stack's mailbox that is not well formed, with what is wrong."""
    bad = {}
    for path in sorted(Path(folder).glob("*.eml")):
        if issues := problems(path.read_bytes(), base_url):
            bad[path.name] = issues
    return bad


def links_of(message: EmailMessage) -> list[str]:
    links = _Links()
    links.feed(message.get_body(("html",)).get_content())
    return links.links
