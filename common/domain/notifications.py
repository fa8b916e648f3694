"""What people are told, on which channels, when, and in which words.

A notification has a derived id (the fact it announces), a kind, the people
it is for, a pointer into the app (``link``, the in-app route the inbox keeps)
and one into the dashboard (``web_link``, made absolute for e-mail). It is
delivered at most once per person, notification and channel. Channels: the
in-app inbox (everyone, the record: an item per fact), push to the app's
devices, and e-mail for supervisors, unit heads, BKPSDM and the inspectorate.

Push and e-mail are the alerts. For some kinds each person chooses when they
come (``Mode``): at once, or gathered into one daily digest. The findings of a
scoring run come "at once" as one message per person for the whole run, never
one per finding. Investigations and objections (keberatan) always come at once.
A person may opt out of push or e-mail, except for mandatory notifications;
the inbox cannot be turned off.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from pydantic import ConfigDict, Field

from .clock import WIB
from .model import Model
from .organisation import Role


class Channel(StrEnum):
    INBOX = "inbox"
    PUSH = "push"
    EMAIL = "email"


class Kind(StrEnum):
    REPORT_SUBMITTED = "report_submitted"  # a team member's report waits for the supervisor's review
    REPORT_REVIEWED = "report_reviewed"
    REPORT_DUE_SOON = "report_due_soon"
    REPORT_MISSING = "report_missing"
    SCORING_PUBLISHED = "scoring_published"
    TEAM_SCORING_PUBLISHED = "team_scoring_published"
    FINDING_OPENED = "finding_opened"  # one finding: the inbox keeps one item per finding
    FINDINGS_OPENED = "findings_opened"  # every finding a scoring run opened for one person: one push, one e-mail
    INVESTIGATION_OPENED = "investigation_opened"
    DAILY_DIGEST = "daily_digest"  # what a person chose to hear about once a day
    REPORTS_DIGEST = "reports_digest"  # the supervisors' digest before daily_digest; kept so older records read back
    ACCOUNT_INVITED = "account_invited"  # e-mail only, with a one-time link made when it is sent
    OBJECTION_FILED = "objection_filed"  # to the decider and the rater
    OBJECTION_DECIDED = "objection_decided"  # to the ASN who objected
    OBJECTION_OVERDUE = "objection_overdue"  # to BKPSDM and the decider, once the due date passed


MANDATORY = {Kind.FINDING_OPENED, Kind.FINDINGS_OPENED, Kind.INVESTIGATION_OPENED, Kind.REPORT_MISSING, Kind.ACCOUNT_INVITED,
             Kind.OBJECTION_FILED, Kind.OBJECTION_DECIDED, Kind.OBJECTION_OVERDUE}
OPTIONAL_CHANNELS = {Channel.PUSH, Channel.EMAIL}
ALERTS = [Channel.PUSH, Channel.EMAIL]


# -- when the alerts come ----------------------------------------------------------------------

class Mode(StrEnum):
    IMMEDIATE = "immediate"  # as it happens (the findings of a run: one message when the run ends)
    DAILY = "daily"  # in the day's digest (16:00 WIB)


class Modes(Model):
    """When push and e-mail come, per kind a person may choose for. Empty follows the role's default."""

    model_config = ConfigDict(extra="forbid")

    report_submitted: Mode | None = Field(default=None, description="my team's submitted reports (supervisors)")
    report_reviewed: Mode | None = Field(default=None, description="my own report reviewed")
    finding_opened: Mode | None = Field(
        default=None, description="findings for me to act on: immediate is one message per scoring run, daily joins the digest")


CHOOSABLE = (Kind.REPORT_SUBMITTED, Kind.REPORT_REVIEWED, Kind.FINDING_OPENED)

# Supervisors read submissions in a batch; an ASN wants to know at once their report came back;
# a unit head hears about a run's findings when the run ends. BKPSDM owns findings across the
# whole city (every PNS short of training hours) and follows them in the dashboard: once a day.
DEFAULT_MODES: dict[Role, Modes] = {
    Role.ASN: Modes(report_submitted=Mode.DAILY, report_reviewed=Mode.IMMEDIATE, finding_opened=Mode.IMMEDIATE),
    Role.ADMIN: Modes(report_submitted=Mode.DAILY, report_reviewed=Mode.IMMEDIATE, finding_opened=Mode.DAILY),
    Role.INSPEKTORAT: Modes(report_submitted=Mode.DAILY, report_reviewed=Mode.IMMEDIATE, finding_opened=Mode.IMMEDIATE),
}


def effective_modes(role: Role | None, chosen: dict[str, Any] | None) -> Modes:
    """The role's defaults with the person's own choices over them."""
    defaults = DEFAULT_MODES[role or Role.ASN]
    own = {k: v for k, v in (chosen or {}).items() if k in Modes.model_fields and v}
    return defaults.model_copy(update={k: Mode(v) for k, v in own.items()})


def mode_for(kind: Kind, role: Role | None, chosen: dict[str, Any] | None) -> Mode:
    if kind not in CHOOSABLE:
        return Mode.IMMEDIATE
    return getattr(effective_modes(role, chosen), kind.value)


# -- what is sent ------------------------------------------------------------------------------

class Recipient(Model):
    nip: str
    channels: list[Channel]


class Item(Model):
    """One line of a grouped message: a finding of a run, a report in the daily digest."""

    kind: Kind = Field(description="the fact: report_submitted, report_reviewed or finding_opened")
    group: str = Field(description="the section it is listed under: the kind, or the finding's kind")
    params: dict[str, Any] = Field(default_factory=dict)
    web_link: str | None = None


class Notification(Model):
    id: str = Field(description="derived from the fact, e.g. report_reviewed:{report_id}:2")
    kind: Kind
    params: dict[str, Any] = Field(default_factory=dict)
    link: str = Field(description="where the app opens, e.g. /laporan/{id}; no personal data")
    web_link: str | None = Field(default=None, description="where the dashboard opens it (/dashboard?...); absolute in e-mail")
    items: list[Item] = Field(default_factory=list, description="a grouped message's lines, at most LINES_PER_GROUP per group")
    counts: dict[str, int] = Field(default_factory=dict, description="lines per group, including those not listed")
    recipients: list[Recipient]
    created_at: datetime
    run_id: str | None = Field(default=None, description="the scoring run it comes from, for the run's delivery totals")

    @property
    def mandatory(self) -> bool:
        return self.kind in MANDATORY or any(i.kind in MANDATORY for i in self.items)


LINES_PER_GROUP = 10  # nobody reads the twentieth: the rest is counted and one click away


def group_items(items: list[Item]) -> tuple[list[Item], dict[str, int]]:
    """At most LINES_PER_GROUP items per group, and how many each group has in all."""
    counts: dict[str, int] = {}
    kept: list[Item] = []
    for item in items:
        counts[item.group] = counts.get(item.group, 0) + 1
        if counts[item.group] <= LINES_PER_GROUP:
            kept.append(item)
    return kept, counts


class DigestEntry(Model):
    """What waits for a person's daily digest: one fact, or the findings of one run."""

    id: str = Field(description="the fact's id: the same fact joins a digest once")
    items: list[Item]
    counts: dict[str, int]
    channels: list[Channel] = Field(description="the alert channels it would have come on at once")


class Digest(Model):
    nip: str
    day: date = Field(description="the day (WIB) whose digest it is")
    entries: list[DigestEntry] = Field(default_factory=list)
    closed: bool = Field(default=False, description="sent: what comes later joins the next day's digest")
    closed_at: datetime | None = None

    @property
    def id(self) -> str:
        return digest_id(self.nip, self.day)

    def has(self, entry_id: str) -> bool:
        return any(e.id == entry_id for e in self.entries)


def digest_id(nip: str, day: date) -> str:
    return f"{nip}_{day.isoformat()}"


def digest_notification(digest: Digest, now: datetime) -> Notification:
    """The one message of a person's day: every entry, grouped, on the alert channels they would have come on."""
    items: list[Item] = []
    counts: dict[str, int] = {}
    channels: set[Channel] = set()
    for entry in digest.entries:
        items += entry.items
        for group, n in entry.counts.items():
            counts[group] = counts.get(group, 0) + n
        channels |= set(entry.channels)
    order = {g: i for i, g in enumerate(GROUP_ORDER)}
    kept, _ = group_items(sorted(items, key=lambda i: order.get(i.group, len(order))))
    return Notification(
        id=f"{Kind.DAILY_DIGEST.value}:{digest.nip}:{digest.day.isoformat()}", kind=Kind.DAILY_DIGEST,
        params={"day": digest.day.isoformat()}, link="/notifikasi", web_link=dashboard_link(), items=kept, counts=counts,
        recipients=[Recipient(nip=digest.nip, channels=[c for c in ALERTS if c in channels])], created_at=now,
    )


# -- delivery records ----------------------------------------------------------------------------

class DeliveryStatus(StrEnum):
    SENDING = "sending"  # claimed; if a crash leaves it here, it is not sent again (at most once)
    SENT = "sent"
    RETRYING = "retrying"  # the last attempt failed in a way worth retrying
    FAILED = "failed"  # given up: permanent error or attempts exhausted
    SKIPPED = "skipped"  # opted out, no device, no e-mail address, channel not configured


SKIP_REASONS = ("opted_out", "no_employee_record", "email_not_configured", "no_email_address", "push_not_configured", "no_device")


class Attempt(Model):
    at: datetime
    outcome: str
    error: str | None = None


class Delivery(Model):
    id: str
    notification_id: str
    kind: Kind
    nip: str
    channel: Channel
    status: DeliveryStatus
    reason: str | None = None
    attempts: list[Attempt] = Field(default_factory=list)
    updated_at: datetime
    run_id: str | None = Field(default=None, description="the scoring run the notification comes from")


def delivery_id(notification_id: str, nip: str, channel: Channel) -> str:
    return f"{notification_id}|{nip}|{channel.value}"


def skip_reason(channel: Channel, mandatory: bool, opted_out: set[Channel]) -> str | None:
    if channel in opted_out and channel in OPTIONAL_CHANNELS and not mandatory:
        return "opted_out"
    return None


class ChannelTotals(Model):
    sent: int
    failed: int
    skipped: int
    pending: int = Field(description="being sent, or waiting for a retry")


class ReasonCount(Model):
    channel: Channel | None = Field(description="null when counted over every channel")
    reason: str
    count: int


class DeliveryTotals(Model):
    """The messages of one scoring run: its findings, their summaries, the published results."""

    channels: dict[Channel, ChannelTotals]
    failed: list[ReasonCount] = Field(description="why deliveries failed, most frequent first")
    skipped: list[ReasonCount] = Field(description="why deliveries were not attempted, most frequent first")


def message_id(delivery: str, domain: str) -> str:
    """The e-mail's Message-ID: the same delivery always has the same one (RFC 5322 msg-id, with @domain),
    so a server that sees a copy again can drop it. A hash: the delivery id holds a NIP."""
    return f"<{hashlib.sha256(delivery.encode()).hexdigest()[:40]}@{domain}>"


# -- where links open ----------------------------------------------------------------------------

PREFERENCES_LINK = "/dashboard?view=preferences"


def dashboard_link(*, view: str | None = None, period: str | None = None, unit: str | None = None, finding: str | None = None,
                   investigation: str | None = None, report: str | None = None, objection: str | None = None) -> str:
    """A dashboard deep link (web/src/dashboard.js opens the view that shows it, and the item in it)."""
    query = [(k, v) for k, v in (("view", view), ("period", period), ("unit", unit), ("finding", finding),
                                 ("investigation", investigation), ("report", report), ("objection", objection)) if v]
    return "/dashboard" + (f"?{urlencode(query)}" if query else "")


def absolute(base_url: str, link: str | None) -> str | None:
    if not link:
        return None
    return link if "://" in link else base_url.rstrip("/") + link


# -- words -----------------------------------------------------------------------------------------

_MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]
_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def month_name(period: str, lang: str) -> str:
    if len(period) == 4:  # a year: the annual evaluation
        return period if lang == "en" else f"tahun {period}"
    year, month = period.split("-")
    return f"{(_MONTHS_EN if lang == 'en' else _MONTHS_ID)[int(month) - 1]} {year}"


def format_date(value: Any, lang: str) -> str:
    """A day the way people write it: 1 Januari 2027, or 1 January 2027. A moment is taken in WIB."""
    try:
        if isinstance(value, datetime):
            day = value.astimezone(WIB).date() if value.tzinfo else value.date()
        elif isinstance(value, date):
            day = value
        elif len(str(value)) == 10:
            day = date.fromisoformat(str(value))
        else:
            moment = datetime.fromisoformat(str(value))
            day = moment.astimezone(WIB).date() if moment.tzinfo else moment.date()
    except ValueError:
        return str(value)  # not a date we know: as it came
    return f"{day.day} {(_MONTHS_EN if lang == 'en' else _MONTHS_ID)[day.month - 1]} {day.year}"


DATE_PARAMS = ("due", "verify_by", "deadline", "day")

# (title, body) per kind, Indonesian then English. Titles carry no personal data: they
# appear on lock screens.
TEMPLATES: dict[Kind, tuple[tuple[str, str], tuple[str, str]]] = {
    Kind.REPORT_SUBMITTED: (
        ("Laporan {month} menunggu penilaian Anda", "{name} mengirim laporan kinerja {month}{revision_id}. Buka laporannya untuk menilai dan memberi umpan balik."),
        ("A {month} report is waiting for your review", "{name} sent their {month} performance report{revision_en}. Open it to review it and give feedback."),
    ),
    Kind.REPORT_REVIEWED: (
        ("Laporan {month} {decision_id}", "Atasan Anda {decision_id} laporan kinerja {month}. Buka aplikasi untuk membaca umpan baliknya."),
        ("Your {month} report was {decision_en}", "Your supervisor {decision_en} your {month} performance report. Open the app to read the feedback."),
    ),
    Kind.REPORTS_DIGEST: (
        ("{count} laporan menunggu penilaian", "Hari ini {count} anggota tim mengirim laporan kinerja: {names}. Buka daftar laporan tim untuk menilainya."),
        ("{count} reports waiting for review", "Today {count} team members sent their performance report: {names}. Open the team list to review them."),
    ),
    Kind.REPORT_DUE_SOON: (
        ("Laporan {month} ditunggu", "Laporan kinerja {month} belum Anda kirim. Batas waktunya {deadline}."),
        ("Your {month} report is due", "You have not sent your {month} performance report yet. It is due {deadline}."),
    ),
    Kind.REPORT_MISSING: (
        ("Laporan {month} belum masuk", "Batas waktu laporan kinerja {month} sudah lewat. Kirim laporan Anda sekarang; laporan tetap diterima dan ditandai terlambat."),
        ("Your {month} report is missing", "The deadline for your {month} performance report has passed. Send it now; it is still accepted and marked late."),
    ),
    Kind.SCORING_PUBLISHED: (
        ("Hasil penilaian {month} tersedia", "Hasil penilaian kinerja {month} Anda sudah terbit. Buka e-Kinerja untuk melihat predikat dan alasannya."),
        ("Your {month} results are out", "Your performance results for {month} are published. Open e-performance to see your predikat and why."),
    ),
    Kind.TEAM_SCORING_PUBLISHED: (
        ("Hasil penilaian tim {month} tersedia", "Hasil penilaian kinerja tim Anda untuk {month} sudah terbit, termasuk rekomendasi yang perlu ditindaklanjuti."),
        ("Your team's {month} results are out", "Your team's performance results for {month} are published, with any recommendations to act on."),
    ),
    Kind.FINDING_OPENED: (
        ("Tindak lanjut baru: {kind_id}", "{title}. Rekomendasi: {recommendation} Tenggat: {due}."),
        ("New follow-up: {kind_en}", "{title}. Recommendation: {recommendation} Due: {due}."),
    ),
    Kind.FINDINGS_OPENED: (
        ("{count} tindak lanjut baru untuk {month}", "Penilaian kinerja {month} membuka {count} tindak lanjut yang perlu Anda tangani. Setiap tindak lanjut juga ada di kotak masuk aplikasi."),
        ("{count} new follow-up{s} for {month}", "The {month} performance evaluation opened {count} follow-up{s} for you to act on. Each one is also in the app's inbox."),
    ),
    Kind.INVESTIGATION_OPENED: (
        ("Investigasi pengaduan dibuka", "Pengaduan tentang {unit_name} meningkat ({senders} orang mengadu; {complaints} pengaduan di antara {responses} tanggapan). Investigasi {investigation_id} dibuka; verifikasi paling lambat {verify_by}."),
        ("Complaint investigation opened", "Complaints about {unit_name} have risen ({senders} people complained; {complaints} complaints among {responses} responses). Investigation {investigation_id} is open; verify by {verify_by}."),
    ),
    Kind.OBJECTION_FILED: (
        ("Keberatan atas predikat {month}", "{name} mengajukan keberatan atas predikat {month}. Pejabat penilai dapat memberi tanggapan; "
         "atasan dari atasan memutusnya paling lambat {due}."),
        ("Objection to a {month} predikat", "{name} objected to their {month} predikat. The rater may respond; the supervisor's "
         "supervisor decides by {due}."),
    ),
    Kind.OBJECTION_DECIDED: (
        ("Keberatan Anda {verdict_id}", "Keberatan Anda atas predikat {month} {verdict_id}: predikat {predikat_id}. Buka e-Kinerja untuk membaca alasannya."),
        ("Your objection was {verdict_en}", "Your objection to the {month} predikat was {verdict_en}: predikat {predikat_en}. Open e-performance to read why."),
    ),
    Kind.OBJECTION_OVERDUE: (
        ("Keberatan melewati tenggat", "Keberatan {name} atas predikat {month} belum diputus sampai tenggat {due}."),
        ("An objection is overdue", "{name}'s objection to the {month} predikat was not decided by {due}."),
    ),
    Kind.DAILY_DIGEST: (
        ("{summary}", "Ringkasan pemberitahuan Anda untuk {day}."),
        ("{summary}", "Your notifications for {day}."),
    ),
}

# The words of grouped messages and of every e-mail, Indonesian then English.
WORDS: dict[str, tuple[str, str]] = {
    # a digest's title is made of these, one per kind it holds
    "count_report_submitted": ("{n} laporan menunggu penilaian", "{n} report{s} waiting for review"),
    "count_report_reviewed": ("{n} laporan Anda dinilai", "{n} of your reports reviewed"),
    "count_finding_opened": ("{n} tindak lanjut baru", "{n} new follow-up{s}"),
    # section headings
    "heading_report_submitted": ("Laporan menunggu penilaian ({n})", "Reports waiting for review ({n})"),
    "heading_report_reviewed": ("Laporan Anda yang dinilai ({n})", "Your reports reviewed ({n})"),
    "heading_finding": ("{label} ({n})", "{label} ({n})"),
    # lines
    "line_report_submitted": ("{name}: laporan {month}{revision_id}", "{name}: {month} report{revision_en}"),
    "line_report_reviewed": ("Laporan {month} {decision_id}", "Your {month} report was {decision_en}"),
    "line_finding": ("{title} (tenggat {due})", "{title} (due {due})"),
    "more": ("dan {n} lainnya di dasbor", "and {n} more on the dashboard"),
    "revision": (" (revisi ke-{revision})", " (revision {revision})"),
    # every e-mail
    "action": ("Buka di dasbor", "Open in the dashboard"),
    "footer": ("E-mail ini dikirim otomatis oleh Pantau Kinerja Belawan; balasan tidak dibaca. Anda dapat memilih menerima pemberitahuan segera atau sebagai ringkasan harian.",
               "This e-mail was sent automatically by Pantau Kinerja Belawan; replies are not read. You can choose to get notifications at once or as a daily digest."),
    "settings": ("Atur notifikasi", "Notification settings"),
    "set_password": ("Buat kata sandi", "Set your password"),
    "footer_invitation": ("E-mail ini dikirim otomatis oleh Pantau Kinerja Belawan atas permintaan BKPSDM Kota Medan; balasan tidak dibaca.",
                          "This e-mail was sent automatically by Pantau Kinerja Belawan for BKPSDM Kota Medan; replies are not read."),
}

_DECISION = {"accept": ("diterima", "accepted"), "return": ("dikembalikan untuk perbaikan", "returned for revision")}
_VERDICT = {"upheld": ("dikabulkan", "upheld"), "partly_upheld": ("dikabulkan sebagian", "partly upheld"), "rejected": ("ditolak", "rejected")}
_PREDIKAT = {"sangat_baik": ("Sangat Baik", "Sangat Baik"), "baik": ("Baik", "Baik"), "butuh_perbaikan": ("Butuh Perbaikan", "Butuh Perbaikan"),
             "kurang_misconduct": ("Kurang/Misconduct", "Kurang/Misconduct"), "sangat_kurang": ("Sangat Kurang", "Sangat Kurang")}
FINDING_KINDS = {
    "time_management_training": ("pelatihan manajemen waktu", "time-management training"),
    "workload_review": ("tinjauan beban kerja", "workload review"),
    "missing_reports": ("laporan tidak masuk", "missing reports"),
    "training_hours": ("jam pelatihan kurang", "too few training hours"),
    "distribution_curve": ("kurva distribusi predikat", "predikat distribution curve"),
    "objection_overdue": ("keberatan melewati tenggat", "objection overdue"),
}
GROUP_ORDER = ["report_submitted", "report_reviewed", *FINDING_KINDS]


def _word(key: str, lang: str, **params: Any) -> str:
    indonesian, english = WORDS[key]
    return (english if lang == "en" else indonesian).format(s="" if params.get("n", params.get("count")) == 1 else "s", **params)


def _params(params: dict[str, Any], lang: str) -> dict[str, Any]:
    out = dict(params)
    if "period" in out:
        out["month"] = month_name(out["period"], lang)
    if "decision" in out:
        out["decision_id"], out["decision_en"] = _DECISION.get(out["decision"], (out["decision"],) * 2)
    if "kind" in out:
        out["kind_id"], out["kind_en"] = FINDING_KINDS.get(out["kind"], (out["kind"],) * 2)
    if "verdict" in out:
        out["verdict_id"], out["verdict_en"] = _VERDICT.get(out["verdict"], (out["verdict"],) * 2)
    if "predikat" in out:
        out["predikat_id"], out["predikat_en"] = _PREDIKAT.get(out["predikat"], (out["predikat"],) * 2)
    for name in DATE_PARAMS:
        if name in out:
            out[name] = format_date(out[name], lang)
    revision = int(out.get("revision") or 1)
    out["revision_id"] = WORDS["revision"][0].format(revision=revision) if revision > 1 else ""
    out["revision_en"] = WORDS["revision"][1].format(revision=revision) if revision > 1 else ""
    out["s"] = "" if out.get("count") == 1 else "s"
    return out


class Line(Model):
    text: str
    url: str | None = None


class Section(Model):
    heading: str
    lines: list[Line]


class Rendered(Model):
    """A notification in one language: the inbox and push use the title and body; e-mail uses it all."""

    language: str
    title: str
    body: str
    sections: list[Section] = Field(default_factory=list)
    action: Line | None = None
    footer: str = ""
    settings: Line | None = None

    def plain(self) -> str:
        """The e-mail's text/plain part: every link written out, absolute."""
        parts = [self.body]
        for section in self.sections:
            lines = [section.heading]
            for line in section.lines:
                lines.append(f"- {line.text}" + (f"\n  {line.url}" if line.url else ""))
            parts.append("\n".join(lines))
        if self.action and self.action.url:
            parts.append(f"{self.action.text}:\n{self.action.url}")
        tail = [self.footer] if self.footer else []
        if self.settings and self.settings.url:
            tail.append(f"{self.settings.text}: {self.settings.url}")
        if tail:
            parts.append("-- \n" + "\n".join(tail))
        return "\n\n".join(parts) + "\n"


def _line(item: Item, lang: str, base_url: str) -> Line:
    params = _params(item.params, lang)
    key = "line_finding" if item.kind is Kind.FINDING_OPENED else f"line_{item.kind.value}"
    indonesian, english = WORDS[key]
    return Line(text=(english if lang == "en" else indonesian).format(**params), url=absolute(base_url, item.web_link))


def _heading(group: str, n: int, lang: str) -> str:
    if group in FINDING_KINDS:
        label = FINDING_KINDS[group][1 if lang == "en" else 0]
        return _word("heading_finding", lang, label=label[0].upper() + label[1:], n=n)
    return _word(f"heading_{group}", lang, n=n)


def _sections(notification: Notification, lang: str, base_url: str) -> list[Section]:
    groups = sorted({i.group for i in notification.items} | set(notification.counts),
                    key=lambda g: (GROUP_ORDER.index(g) if g in GROUP_ORDER else len(GROUP_ORDER), g))
    sections = []
    for group in groups:
        items = [i for i in notification.items if i.group == group]
        total = max(notification.counts.get(group, 0), len(items))
        lines = [_line(i, lang, base_url) for i in items]
        if total > len(items):
            lines.append(Line(text=_word("more", lang, n=total - len(items)), url=absolute(base_url, notification.web_link or dashboard_link())))
        sections.append(Section(heading=_heading(group, total, lang), lines=lines))
    return sections


def _digest_summary(notification: Notification, lang: str) -> str:
    counts = {"report_submitted": 0, "report_reviewed": 0, "finding_opened": 0}
    for group, n in notification.counts.items():
        key = "finding_opened" if group in FINDING_KINDS else group
        if key in counts:
            counts[key] += n
    return ", ".join(_word(f"count_{kind}", lang, n=n) for kind, n in counts.items() if n)


def render(notification: Notification, lang: str, base_url: str = "") -> Rendered:
    lang = "en" if lang == "en" else "id"
    params = _params(notification.params, lang)
    if notification.kind is Kind.DAILY_DIGEST:
        params["summary"] = _digest_summary(notification, lang)
    indonesian, english = TEMPLATES[notification.kind]
    title, body = english if lang == "en" else indonesian
    try:
        title, body = title.format(**params), body.format(**params)
    except KeyError as missing:
        raise ValueError(f"notification {notification.id} lacks {missing} for its template") from None
    return Rendered(
        language=lang, title=title, body=body, sections=_sections(notification, lang, base_url),
        action=Line(text=_word("action", lang), url=absolute(base_url, notification.web_link or dashboard_link())) if base_url else None,
        footer=_word("footer", lang),
        settings=Line(text=_word("settings", lang), url=absolute(base_url, PREFERENCES_LINK)) if base_url else None,
    )


class Email(Model):
    """An e-mail to send: the adapter writes the MIME message (text and HTML) from it."""

    to: str
    to_name: str | None = None
    content: Rendered
    delivery_id: str = Field(description="the Message-ID is derived from it (message_id)")
    sent_at: datetime = Field(description="the Date header")
    unsubscribe: str | None = Field(default=None, description="the preferences page, for List-Unsubscribe")


# The invitation is e-mail only and not a Notification: its link is a secret made when the
# e-mail is sent, so the link never passes through Pub/Sub, the inbox or a delivery record.
TEMPLATES[Kind.ACCOUNT_INVITED] = (
    (
        "Undangan akun Pantau Kinerja Belawan",
        "Yth. {name}, BKPSDM Kota Medan telah membuatkan akun Pantau Kinerja Belawan untuk Anda, dengan alamat e-mail "
        "{email}. Untuk mulai memakainya, buat kata sandi Anda melalui tautan di bawah. Tautan ini hanya dapat dipakai satu "
        "kali dan berlaku satu jam; jika sudah kedaluwarsa, minta BKPSDM mengirim undangan baru. Jika Anda tidak mengenal "
        "undangan ini, abaikan e-mail ini: tanpa kata sandi, akun tidak dapat dipakai.",
    ),
    (
        "Your Pantau Kinerja Belawan account",
        "Dear {name}, BKPSDM Kota Medan has created a Pantau Kinerja Belawan account for you, with the e-mail address "
        "{email}. To start using it, set your password through the link below. The link works once and for one hour; if it "
        "has expired, ask BKPSDM to send a new invitation. If you do not recognise this invitation, ignore this e-mail: "
        "without a password the account cannot be used.",
    ),
)


def render_invitation(name: str, email: str, link: str, lang: str) -> Rendered:
    lang = "en" if lang == "en" else "id"
    title, body = TEMPLATES[Kind.ACCOUNT_INVITED][1 if lang == "en" else 0]
    return Rendered(language=lang, title=title, body=body.format(name=name, email=email),
                    action=Line(text=_word("set_password", lang), url=link), footer=_word("footer_invitation", lang))
