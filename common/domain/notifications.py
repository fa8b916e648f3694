"""What people are told, on which channels, in which words.

A notification has a derived id (the fact it announces), a kind, the people
it is for, and a pointer into the app. It is delivered at most once per
person, notification and channel. Channels: the in-app inbox (everyone), push
to the app's devices, and e-mail for supervisors, unit heads, BKPSDM and the
inspectorate. A person may opt out of push or e-mail, except for notifications
marked mandatory; the inbox is the record and cannot be turned off.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Channel(StrEnum):
    INBOX = "inbox"
    PUSH = "push"
    EMAIL = "email"


class Kind(StrEnum):
    REPORT_REVIEWED = "report_reviewed"
    REPORTS_DIGEST = "reports_digest"
    REPORT_DUE_SOON = "report_due_soon"
    REPORT_MISSING = "report_missing"
    SCORING_PUBLISHED = "scoring_published"
    TEAM_SCORING_PUBLISHED = "team_scoring_published"
    FINDING_OPENED = "finding_opened"
    INVESTIGATION_OPENED = "investigation_opened"
    ACCOUNT_INVITED = "account_invited"  # e-mail only, with a one-time link made when it is sent


MANDATORY = {Kind.FINDING_OPENED, Kind.INVESTIGATION_OPENED, Kind.REPORT_MISSING, Kind.ACCOUNT_INVITED}
OPTIONAL_CHANNELS = {Channel.PUSH, Channel.EMAIL}


class Recipient(BaseModel):
    nip: str
    channels: list[Channel]


class Notification(BaseModel):
    id: str = Field(description="derived from the fact, e.g. report_reviewed:{report_id}:2")
    kind: Kind
    params: dict[str, Any] = Field(default_factory=dict)
    link: str = Field(description="where the app opens, e.g. /laporan/{id}; no personal data")
    recipients: list[Recipient]
    created_at: datetime

    @property
    def mandatory(self) -> bool:
        return self.kind in MANDATORY


class Rendered(BaseModel):
    title: str
    body: str


class DeliveryStatus(StrEnum):
    SENDING = "sending"  # claimed; if a crash leaves it here, it is not sent again (at most once)
    SENT = "sent"
    RETRYING = "retrying"  # the last attempt failed in a way worth retrying
    FAILED = "failed"  # given up: permanent error or attempts exhausted
    SKIPPED = "skipped"  # opted out, no device, no e-mail address, channel not configured


class Attempt(BaseModel):
    at: datetime
    outcome: str
    error: str | None = None


class Delivery(BaseModel):
    id: str
    notification_id: str
    kind: Kind
    nip: str
    channel: Channel
    status: DeliveryStatus
    reason: str | None = None
    attempts: list[Attempt] = Field(default_factory=list)
    updated_at: datetime


def delivery_id(notification_id: str, nip: str, channel: Channel) -> str:
    return f"{notification_id}|{nip}|{channel.value}"


def skip_reason(channel: Channel, mandatory: bool, opted_out: set[Channel]) -> str | None:
    if channel in opted_out and channel in OPTIONAL_CHANNELS and not mandatory:
        return "opted_out"
    return None


_MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]
_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def month_name(period: str, lang: str) -> str:
    year, month = period.split("-")
    return f"{(_MONTHS_EN if lang == 'en' else _MONTHS_ID)[int(month) - 1]} {year}"


# (title, body) per kind, Indonesian then English. Titles carry no personal data: they
# appear on lock screens.
TEMPLATES: dict[Kind, tuple[tuple[str, str], tuple[str, str]]] = {
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
    Kind.INVESTIGATION_OPENED: (
        ("Investigasi pengaduan dibuka", "Pengaduan tentang {unit_name} meningkat ({complaints} pengaduan dari {responses} responden). Investigasi {investigation_id} dibuka; verifikasi paling lambat {verify_by}."),
        ("Complaint investigation opened", "Complaints about {unit_name} have risen ({complaints} complaints from {responses} respondents). Investigation {investigation_id} is open; verify by {verify_by}."),
    ),
}

_DECISION = {"accept": ("diterima", "accepted"), "return": ("dikembalikan untuk perbaikan", "returned for revision")}
_FINDING_KIND = {
    "time_management_training": ("pelatihan manajemen waktu", "time-management training"),
    "workload_review": ("tinjauan beban kerja", "workload review"),
    "missing_reports": ("laporan tidak masuk", "missing reports"),
    "training_hours": ("jam pelatihan kurang", "too few training hours"),
    "distribution_curve": ("kurva distribusi predikat", "predikat distribution curve"),
}


def render(notification: Notification, lang: str) -> Rendered:
    params = dict(notification.params)
    if "period" in params:
        params["month"] = month_name(params["period"], lang)
    if "decision" in params:
        params["decision_id"], params["decision_en"] = _DECISION.get(params["decision"], (params["decision"],) * 2)
    if "kind" in params:
        params["kind_id"], params["kind_en"] = _FINDING_KIND.get(params["kind"], (params["kind"],) * 2)
    indonesian, english = TEMPLATES[notification.kind]
    title, body = english if lang == "en" else indonesian
    try:
        return Rendered(title=title.format(**params), body=body.format(**params))
    except KeyError as missing:
        raise ValueError(f"notification {notification.id} lacks {missing} for its template") from None


# The invitation is e-mail only and not a Notification: its link is a secret made when the
# e-mail is sent, so the link never passes through Pub/Sub, the inbox or a delivery record.
TEMPLATES[Kind.ACCOUNT_INVITED] = (
    (
        "Undangan akun Pantau Kinerja Belawan",
        "Yth. {name},\n\nBKPSDM Kota Medan telah membuatkan akun Pantau Kinerja Belawan untuk Anda, dengan alamat "
        "e-mail {email}. Untuk mulai memakainya, buat kata sandi Anda melalui tautan berikut:\n\n{link}\n\n"
        "Tautan ini hanya dapat dipakai satu kali dan berlaku satu jam. Jika sudah kedaluwarsa, minta BKPSDM mengirim "
        "undangan baru. Jika Anda tidak mengenal undangan ini, abaikan e-mail ini: tanpa kata sandi, akun tidak dapat dipakai.",
    ),
    (
        "Your Pantau Kinerja Belawan account",
        "Dear {name},\n\nBKPSDM Kota Medan has created a Pantau Kinerja Belawan account for you, with the e-mail "
        "address {email}. To start using it, set your password through this link:\n\n{link}\n\n"
        "The link works once and for one hour. If it has expired, ask BKPSDM to send a new invitation. If you do not "
        "recognise this invitation, ignore this e-mail: without a password the account cannot be used.",
    ),
)


def render_invitation(name: str, email: str, link: str, lang: str) -> Rendered:
    title, body = TEMPLATES[Kind.ACCOUNT_INVITED][1 if lang == "en" else 0]
    return Rendered(title=title, body=body.format(name=name, email=email, link=link))
