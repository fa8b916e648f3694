"""A realistic, reproducible demo organisation for Kecamatan Medan Belawan.

Kantor Camat and its six kelurahan, a few hundred ASN with supervisors and
SKP plans, and the last five months of reports and reviews (plus the current
month, partly reported), produced by the same domain functions the API uses.
Pure: ``build(now)`` returns data; tools/seed.py writes it.

Valid on any day: nothing is dated after ``now``, SKP plans cover every year the
history reaches (in January, last year's too), and ``scoring_period(now)`` names
the month the demo scores, the latest one whose reports are in and reviewed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from common.domain import reports as domain
from common.domain.clock import WIB
from common.domain.organisation import Employee, EmploymentStatus, Role, ServiceType, Unit
from common.domain.period import period_of, period_start, previous_period, report_deadline
from common.domain.ratings import BerAkhlak, Rating
from common.domain.reports import RealisasiEntry, Report, ReportContent, ReviewInput
from common.domain.skp import Aspect, Direction, Indicator, SkpPlan, capaian, default_hasil_kerja
from common.domain.survey import (
    UNSUR_CODES,
    Answers,
    Education,
    FeedbackKind,
    Occupation,
    Profile,
    Source,
    SurveyFeedback,
    SurveyResponse,
    is_complaint,
)
from common.domain.training import Training

DEMO_PASSWORD = "Belawan-Demo-2026"
EMAIL_DOMAIN = "belawan.example"
DEADLINE_DAY = 5  # the demo runs on the default deadline (Settings.report_deadline_day)
HISTORY_MONTHS = 5  # complete months before the current one
REVIEW_ALLOWANCE = timedelta(days=7)  # supervisors review within a week of the deadline, in the data set

KELURAHAN_SERVICES = [
    ServiceType(id="sk-domisili", name="Surat Keterangan Domisili", standard_days=1),
    ServiceType(id="sktm", name="Surat Keterangan Tidak Mampu (SKTM)", standard_days=1),
    ServiceType(id="pengantar-ktp-kk", name="Surat Pengantar KTP-el/KK", standard_days=1),
    ServiceType(id="sk-usaha", name="Surat Keterangan Usaha", standard_days=2),
    ServiceType(id="sk-ahli-waris", name="Surat Keterangan Ahli Waris", standard_days=5),
]
KECAMATAN_SERVICES = [
    ServiceType(id="iumk", name="Izin Usaha Mikro Kecil (IUMK)", standard_days=3),
    ServiceType(id="legalisasi", name="Legalisasi Dokumen", standard_days=1),
    ServiceType(id="rekomendasi", name="Surat Rekomendasi Camat", standard_days=3),
    ServiceType(id="ahli-waris-camat", name="Registrasi Surat Keterangan Ahli Waris", standard_days=5),
]


def _kelurahan(unit_id: str, name: str, population: int) -> Unit:
    return Unit(id=unit_id, name=name, kind="kelurahan", parent_id="kec-medan-belawan", services=KELURAHAN_SERVICES, population_served=population)


UNITS = [
    Unit(id="kec-medan-belawan", name="Kantor Camat Medan Belawan", kind="kecamatan", services=KECAMATAN_SERVICES, population_served=9000),
    _kelurahan("kel-belawan-1", "Kelurahan Belawan I", 4200),
    _kelurahan("kel-belawan-2", "Kelurahan Belawan II", 3800),
    _kelurahan("kel-belawan-bahari", "Kelurahan Belawan Bahari", 3100),
    _kelurahan("kel-belawan-bahagia", "Kelurahan Belawan Bahagia", 2600),
    _kelurahan("kel-belawan-sicanang", "Kelurahan Belawan Sicanang", 1900),
    _kelurahan("kel-bagan-deli", "Kelurahan Bagan Deli", 2400),
    Unit(id="bkpsdm-medan", name="BKPSDM Kota Medan", kind="badan"),
    Unit(id="inspektorat-medan", name="Inspektorat Kota Medan", kind="inspektorat"),
]

SURNAMES = [
    "Siregar", "Nasution", "Lubis", "Harahap", "Simanjuntak", "Sitompul", "Hutagalung", "Sinaga", "Tarigan",
    "Ginting", "Sembiring", "Purba", "Damanik", "Pane", "Situmorang", "Pasaribu", "Panjaitan", "Hasibuan",
    "Rangkuti", "Batubara", "Daulay", "Ritonga", "Matondang", "Saragih", "Manurung", "Pohan",
]
MALE = ["Ahmad", "Muhammad", "Rahmat", "Budi", "Agus", "Wahyu", "Rizky", "Fadli", "Hendra", "Irwan", "Joko", "Darwin",
        "Syahrul", "Zulkifli", "Andi", "Bambang", "Dedi", "Fauzi", "Hasan", "Indra", "Yusuf", "Ridwan", "Taufik", "Arif"]
FEMALE = ["Siti", "Nur", "Dewi", "Rina", "Sri", "Fitri", "Yuni", "Lestari", "Maya", "Ratna", "Indah", "Wulan",
          "Aisyah", "Nurhayati", "Rahmawati", "Sari", "Evi", "Kartini", "Melati", "Putri", "Rosmawati", "Ummi"]
ONLY_NAMES = {"Siti", "Nur", "Muhammad"}  # these read better with a second given name

# SKP templates by line of work: (id suffix, name, aspect, monthly target, unit, direction)
WORK = {
    "pelayanan": [
        ("Surat keterangan (domisili, SKTM, pengantar KTP-el/KK) diterbitkan", Aspect.KUANTITAS, 40, "dokumen", Direction.HIGHER_IS_BETTER),
        ("Berkas layanan selesai tanpa revisi", Aspect.KUALITAS, 95, "%", Direction.HIGHER_IS_BETTER),
        ("Rata-rata waktu penyelesaian surat", Aspect.WAKTU, 2, "hari", Direction.LOWER_IS_BETTER),
    ],
    "pemerintahan": [
        ("Data kependudukan dan pertanahan dimutakhirkan", Aspect.KUANTITAS, 60, "data", Direction.HIGHER_IS_BETTER),
        ("Akurasi data hasil verifikasi", Aspect.KUALITAS, 98, "%", Direction.HIGHER_IS_BETTER),
        ("Waktu penyusunan rekap laporan bulanan", Aspect.WAKTU, 3, "hari", Direction.LOWER_IS_BETTER),
    ],
    "trantib": [
        ("Patroli dan penertiban dilaksanakan", Aspect.KUANTITAS, 8, "kegiatan", Direction.HIGHER_IS_BETTER),
        ("Pengaduan ketenteraman ditindaklanjuti", Aspect.KUALITAS, 90, "%", Direction.HIGHER_IS_BETTER),
        ("Waktu respons pengaduan", Aspect.WAKTU, 1, "hari", Direction.LOWER_IS_BETTER),
    ],
    "pemberdayaan": [
        ("Keluarga penerima bantuan diverifikasi", Aspect.KUANTITAS, 30, "KK", Direction.HIGHER_IS_BETTER),
        ("Ketepatan sasaran verifikasi", Aspect.KUALITAS, 95, "%", Direction.HIGHER_IS_BETTER),
        ("Waktu verifikasi per usulan", Aspect.WAKTU, 5, "hari", Direction.LOWER_IS_BETTER),
    ],
    "umum": [
        ("Dokumen keuangan dan kepegawaian diproses", Aspect.KUANTITAS, 25, "dokumen", Direction.HIGHER_IS_BETTER),
        ("Dokumen tanpa koreksi pemeriksa", Aspect.KUALITAS, 95, "%", Direction.HIGHER_IS_BETTER),
        ("Waktu proses SPJ", Aspect.WAKTU, 3, "hari", Direction.LOWER_IS_BETTER),
    ],
    "pimpinan": [
        ("Layanan administrasi unit selesai tepat waktu", Aspect.KUALITAS, 95, "%", Direction.HIGHER_IS_BETTER),
        ("Rapat koordinasi dan musyawarah warga dipimpin", Aspect.KUANTITAS, 4, "kegiatan", Direction.HIGHER_IS_BETTER),
        ("Waktu tindak lanjut pengaduan masyarakat", Aspect.WAKTU, 3, "hari", Direction.LOWER_IS_BETTER),
    ],
    "pembinaan": [
        ("Berkas kepegawaian dan pengembangan kompetensi diproses", Aspect.KUANTITAS, 50, "berkas", Direction.HIGHER_IS_BETTER),
        ("Data kepegawaian tanpa kesalahan", Aspect.KUALITAS, 98, "%", Direction.HIGHER_IS_BETTER),
        ("Waktu penyelesaian usulan", Aspect.WAKTU, 5, "hari", Direction.LOWER_IS_BETTER),
    ],
}

NARRATIVES = {
    "pelayanan": "Melayani permohonan surat keterangan warga di loket, memverifikasi berkas dan mengarsipkan salinannya.",
    "pemerintahan": "Memutakhirkan data kependudukan bersama kepala lingkungan dan menyusun rekap laporan bulanan.",
    "trantib": "Melaksanakan patroli wilayah pesisir dan menindaklanjuti pengaduan ketenteraman warga.",
    "pemberdayaan": "Memverifikasi usulan bantuan sosial dan mendampingi kegiatan pemberdayaan masyarakat.",
    "umum": "Memproses SPJ, administrasi kepegawaian dan persuratan kantor.",
    "pimpinan": "Memimpin rapat koordinasi, menindaklanjuti pengaduan dan memantau kinerja layanan unit.",
    "pembinaan": "Memproses berkas kepegawaian dan usulan pengembangan kompetensi ASN.",
}

FEEDBACK_GOOD = [
    "Capaian bulan ini baik. Pertahankan, dan bagikan cara kerja Anda ke rekan di loket.",
    "Target tercapai dan bukti dukung lengkap. Terima kasih atas kerja kerasnya.",
    "Kerja yang rapi. Bulan depan coba percepat waktu penyelesaian satu hari lagi.",
]
FEEDBACK_BELOW = [
    "Beberapa target belum tercapai. Mari kita bahas hambatannya minggu ini dan susun rencana perbaikan.",
    "Waktu penyelesaian masih di atas standar. Gunakan daftar periksa berkas agar tidak bolak-balik.",
    "Realisasi masih di bawah target; ikuti pendampingan dari Kasi dan laporkan kendala lebih awal.",
]
FEEDBACK_RETURN = [
    "Tautan bukti dukung belum bisa dibuka. Perbaiki tautannya lalu kirim ulang.",
    "Realisasi jumlah surat tidak sama dengan buku register. Periksa kembali angkanya.",
    "Narasi terlalu singkat: jelaskan kegiatan utama dan kendalanya.",
]


@dataclass
class Person:
    employee: Employee
    work: str
    diligence: float  # chance of reporting before the deadline
    level: float  # typical capaian
    kind: str  # asn, atasan, kepala_unit, admin, inspektorat


@dataclass
class Dataset:
    units: list[Unit]
    people: list[Person]
    plans: list[SkpPlan]
    reports: list[Report] = field(default_factory=list)  # every stored state, in order
    surveys: list[SurveyResponse] = field(default_factory=list)
    complainers: list[tuple[str, str, datetime]] = field(default_factory=list)  # (unit, sender hash, hour) of each complaint
    trainings: list[Training] = field(default_factory=list)

    @property
    def employees(self) -> list[Employee]:
        return [p.employee for p in self.people]


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.sequence = 0

    def person(self, gender: int) -> str:
        while True:
            first = self.rng.choice(MALE if gender == 1 else FEMALE)
            if first in ONLY_NAMES:
                first = f"{first} {self.rng.choice(MALE if gender == 1 else FEMALE)}".replace(f"{first} {first}", first)
            name = f"{first} {self.rng.choice(SURNAMES)}"
            if name not in self.used:
                self.used.add(name)
                return name

    def nip(self, gender: int, today: date, born: tuple[int, int]) -> str:
        self.sequence += 1
        birth = date(self.rng.randint(*born), self.rng.randint(1, 12), self.rng.randint(1, 28))
        tmt_year = min(birth.year + self.rng.randint(22, 33), today.year - 1)
        tmt_month = self.rng.randint(1, 12)
        return f"{birth:%Y%m%d}{tmt_year:04d}{tmt_month:02d}{gender}{self.sequence % 1000:03d}"


def _email(name: str, nip: str) -> str:
    slug = re.sub(r"[^a-z]+", ".", name.lower()).strip(".")
    return f"{slug}.{nip[-4:]}@{EMAIL_DOMAIN}"


def history_periods(now: datetime) -> list[str]:
    """The months the history covers, oldest first, ending with the current one."""
    periods = [period_of(now)]
    for _ in range(HISTORY_MONTHS):
        periods.insert(0, previous_period(periods[0]))
    return periods


def scoring_period(now: datetime) -> str:
    """The month the demo scores: the latest whose deadline passed a week ago or more, so its
    reports are in and most are reviewed (on 2 December that is October, from 13 December November)."""
    period = previous_period(period_of(now))
    while report_deadline(period, DEADLINE_DAY) + REVIEW_ALLOWANCE > now:
        period = previous_period(period)
    return period


def build(now: datetime, seed: int = 2026) -> Dataset:
    """The demo organisation as it stands at ``now`` (an aware instant)."""
    today = now.astimezone(WIB).date()
    rng = random.Random(seed)
    names = _Names(rng)
    people: list[Person] = []

    def add(unit: Unit, jabatan: str, work: str, supervisor: Person | None, kind: str = "asn", role: Role = Role.ASN) -> Person:
        gender = rng.choice([1, 2])
        name = names.person(gender)
        born = {"kepala_unit": (1967, 1980), "atasan": (1970, 1988)}.get(kind, (1970, 1999))
        nip = names.nip(gender, today, born)
        diligence = rng.choice([0.97] * 6 + [0.85] * 3 + [0.45])  # a few chronically late reporters
        level = min(1.15, max(0.6, rng.gauss(1.0, 0.12)))
        employee = Employee(
            nip=nip,
            name=name,
            email=_email(name, nip),
            unit_id=unit.id,
            supervisor_nip=supervisor.employee.nip if supervisor else None,
            jabatan=jabatan,
            status=EmploymentStatus.PPPK if kind == "asn" and rng.random() < 0.15 else EmploymentStatus.PNS,
            role=role,
            language="en" if rng.random() < 0.05 else "id",
        )
        person = Person(employee, work, diligence, level, kind)
        people.append(person)
        return person

    units = [u.model_copy() for u in UNITS]
    by_id = {u.id: u for u in units}
    kecamatan = by_id["kec-medan-belawan"]
    camat = add(kecamatan, "Camat Medan Belawan", "pimpinan", None, "kepala_unit")
    sekcam = add(kecamatan, "Sekretaris Camat", "umum", camat, "atasan")
    sections = [
        ("Kasubbag Umum dan Kepegawaian", "umum", sekcam, 5),
        ("Kasubbag Perencanaan dan Keuangan", "umum", sekcam, 4),
        ("Kasi Pemerintahan", "pemerintahan", camat, 7),
        ("Kasi Ketenteraman dan Ketertiban Umum", "trantib", camat, 8),
        ("Kasi Pemberdayaan Masyarakat", "pemberdayaan", camat, 6),
        ("Kasi Kesejahteraan Sosial", "pemberdayaan", camat, 5),
        ("Kasi Pelayanan Umum", "pelayanan", camat, 8),
    ]
    for title, work, boss, staff in sections:
        head = add(kecamatan, title, work, boss, "atasan")
        for _ in range(staff):
            add(kecamatan, f"Staf {title.removeprefix('Kasi ').removeprefix('Kasubbag ')}", work, head)
    by_id[kecamatan.id] = kecamatan.model_copy(update={"head_nip": camat.employee.nip})

    for unit in units:
        if unit.kind != "kelurahan":
            continue
        lurah = add(unit, f"Lurah {unit.name.removeprefix('Kelurahan ')}", "pimpinan", camat, "kepala_unit")
        seklur = add(unit, "Sekretaris Lurah", "umum", lurah, "atasan")
        for _ in range(rng.randint(4, 5)):
            add(unit, "Staf Sekretariat Kelurahan", "umum", seklur)
        for title, work in (
            ("Kasi Pemerintahan", "pemerintahan"),
            ("Kasi Pemberdayaan Masyarakat", "pemberdayaan"),
            ("Kasi Ketenteraman dan Ketertiban", "trantib"),
            ("Kasi Pelayanan Umum", "pelayanan"),
        ):
            head = add(unit, title, work, lurah, "atasan")
            for _ in range(rng.randint(5, 9)):
                add(unit, f"Staf {title.removeprefix('Kasi ')}", work, head)
        by_id[unit.id] = unit.model_copy(update={"head_nip": lurah.employee.nip})

    kaban = add(by_id["bkpsdm-medan"], "Kepala Bidang Penilaian Kinerja", "pembinaan", None, "admin", Role.ADMIN)
    for _ in range(2):
        add(by_id["bkpsdm-medan"], "Analis Kinerja ASN", "pembinaan", kaban, "admin", Role.ADMIN)
    irban = add(by_id["inspektorat-medan"], "Inspektur Pembantu Wilayah", "pembinaan", None, "inspektorat", Role.INSPEKTORAT)
    for _ in range(2):
        add(by_id["inspektorat-medan"], "Auditor Ahli Muda", "pembinaan", irban, "inspektorat", Role.INSPEKTORAT)
    by_id["bkpsdm-medan"] = by_id["bkpsdm-medan"].model_copy(update={"head_nip": kaban.employee.nip})
    by_id["inspektorat-medan"] = by_id["inspektorat-medan"].model_copy(update={"head_nip": irban.employee.nip})

    years = sorted({int(period[:4]) for period in history_periods(now)})
    plans = [_plan(p, year) for year in years for p in people]
    dataset = Dataset(units=list(by_id.values()), people=people, plans=plans)
    dataset.reports = _history(dataset, now, rng)
    dataset.surveys = _surveys(dataset.units, now, rng)
    dataset.complainers = complainers(dataset.surveys, rng)
    dataset.trainings = _trainings(dataset.people, today, rng)
    return dataset


TRAININGS = [
    ("Pelayanan Prima bagi Aparatur Kelurahan", "BPSDM Provinsi Sumatera Utara", 24),
    ("Manajemen Waktu dan Prioritas Kerja", "BKPSDM Kota Medan", 8),
    ("Literasi Digital untuk Layanan Publik", "Kementerian Kominfo (Digital Talent Scholarship)", 16),
    ("Penanganan Pengaduan Masyarakat (SP4N-LAPOR!)", "Ombudsman RI Perwakilan Sumut", 6),
    ("Penyusunan SKP dan Umpan Balik Kinerja", "BKPSDM Kota Medan", 10),
    ("Pengelolaan Arsip Dinamis", "Dinas Perpustakaan dan Arsip Kota Medan", 12),
]


def _trainings(people: list[Person], today: date, rng: random.Random) -> list[Training]:
    """Unequal access, as in Belawan: many have no training this year, a few have plenty."""
    records = []
    for person in people:
        for i in range(rng.choice([0, 0, 0, 1, 1, 2, 3])):
            title, provider, jp = rng.choice(TRAININGS)
            end = date(today.year, rng.randint(1, today.month), 1) + timedelta(days=rng.randint(0, 25))
            end = min(end, today - timedelta(days=1))
            start = end - timedelta(days=max(0, jp // 8 - 1))
            records.append(Training(
                id=f"demo-{person.employee.nip}-{i}", nip=person.employee.nip, unit_id=person.employee.unit_id,
                title=title, provider=provider, start_date=start, end_date=end, year=end.year, jp=jp,
                certificate_url=f"https://drive.{EMAIL_DOMAIN}/sertifikat/{person.employee.nip}-{i}.pdf",
                recorded_by=person.employee.nip, recorded_at=datetime.combine(end, time(15), tzinfo=WIB),
            ))
    return records


def _plan(person: Person, year: int) -> SkpPlan:
    return SkpPlan(
        nip=person.employee.nip,
        year=year,
        indicators=[
            Indicator(id=f"IKI-{i}", name=name, aspect=aspect, target=target, unit=unit, direction=direction)
            for i, (name, aspect, target, unit, direction) in enumerate(WORK[person.work], start=1)
        ],
    )


def _realisasi(indicator: Indicator, level: float, rng: random.Random) -> float:
    ratio = max(0.3, rng.gauss(level, 0.1))
    if indicator.direction is Direction.LOWER_IS_BETTER:
        return round(max(0.5, indicator.target / ratio), 1)
    value = indicator.target * ratio
    if indicator.unit == "%":
        return round(min(100.0, value), 1)
    return float(round(value))


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=WIB)


def _moment_since(start: datetime, now: datetime, rng: random.Random) -> datetime:
    """A moment in office hours between ``start`` and ``now`` (on the first morning of a
    month, when office hours have not come yet, any moment of that short span)."""
    first, last = start.astimezone(WIB).date(), now.astimezone(WIB).date()
    moment = _moment(first + timedelta(days=rng.randint(0, (last - first).days)), rng)
    if not start <= moment <= now:
        moment = start + (now - start) * rng.random()
    return moment


def _history(dataset: Dataset, now: datetime, rng: random.Random) -> list[Report]:
    """HISTORY_MONTHS months before the current one, plus the current month so far.
    Nothing happens after ``now``: a report or review that would come later has not come yet."""
    periods = history_periods(now)
    current = periods[-1]
    waiting_period = previous_period(current)  # the month most recently due, still being reviewed
    plans = {(p.nip, p.year): p for p in dataset.plans}
    supervisors = {p.employee.nip: p for p in dataset.people}
    states: list[Report] = []
    for person in dataset.people:
        employee = person.employee
        for period in periods:
            plan = plans[(employee.nip, int(period[:4]))]
            deadline = report_deadline(period, DEADLINE_DAY)
            next_month_first = (deadline - timedelta(days=DEADLINE_DAY)).date()
            if period == current:
                if rng.random() > 0.35:
                    continue  # most people report after the month ends
                submitted = _moment_since(period_start(period), now, rng)
            elif rng.random() > 0.97:
                continue  # missing
            elif rng.random() < person.diligence:
                submitted = _moment(next_month_first + timedelta(days=rng.randint(0, DEADLINE_DAY - 1)), rng)
            else:
                submitted = _moment(next_month_first + timedelta(days=rng.randint(DEADLINE_DAY, 14)), rng)
            if submitted > now:
                continue  # not sent yet
            content = ReportContent(
                realisasi=[RealisasiEntry(indicator_id=i.id, value=_realisasi(i, person.level, rng)) for i in plan.indicators],
                narrative=NARRATIVES[person.work],
                evidence=[f"https://drive.{EMAIL_DOMAIN}/bukti/{employee.nip}/{period}"],
            )
            report, _, _ = domain.submit(None, employee, plan, period, content, submitted, DEADLINE_DAY)
            states.append(report)
            supervisor = supervisors.get(employee.supervisor_nip or "")
            if supervisor is None:
                continue  # the camat and agency heads are reviewed outside this system
            reviewed_at = submitted + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
            if reviewed_at > now or (period == waiting_period and rng.random() < 0.15):
                continue  # still waiting for the supervisor
            if rng.random() < 0.1:
                report, _ = domain.review(
                    report, employee, supervisor.employee.nip,
                    _review(plan, person, report, rng, decision="return"), reviewed_at,
                )
                states.append(report)
                resubmitted = reviewed_at + timedelta(days=rng.randint(1, 3))
                if resubmitted > now:
                    continue
                fixed = content.model_copy(update={"narrative": content.narrative + " Bukti dukung telah diperbaiki."})
                report, _, _ = domain.submit(report, employee, plan, period, fixed, resubmitted, DEADLINE_DAY)
                states.append(report)
                reviewed_at = resubmitted + timedelta(days=rng.randint(1, 3))
                if reviewed_at > now:
                    continue
            report, _ = domain.review(report, employee, supervisor.employee.nip, _review(plan, person, report, rng), reviewed_at)
            states.append(report)
    return states


def _review(plan: SkpPlan, person: Person, report: Report, rng: random.Random, decision: str = "accept") -> ReviewInput:
    plan_values = [capaian(plan.indicator(e.indicator_id), e.value) for e in report.content.realisasi]
    hasil = default_hasil_kerja(plan_values)
    if rng.random() < 0.15:  # supervisors do not always agree with the formula
        hasil = rng.choice(list(Rating))
    base = Rating.DI_ATAS if person.level > 1.08 else Rating.DI_BAWAH if person.level < 0.75 else Rating.SESUAI
    perilaku = {v: base if rng.random() < 0.7 else Rating.SESUAI for v in BerAkhlak}
    below = hasil is Rating.DI_BAWAH or Rating.DI_BAWAH in perilaku.values()
    if decision == "return":
        feedback = rng.choice(FEEDBACK_RETURN)
    elif below:
        feedback = rng.choice(FEEDBACK_BELOW)
    else:
        feedback = rng.choice(FEEDBACK_GOOD) if rng.random() < 0.6 else None
    return ReviewInput(decision=decision, hasil_kerja=hasil, perilaku=perilaku, feedback=feedback)


# How each office is doing in the eyes of the public: mean answer per unsur.
# Belawan Bahari is slow to finish permits and its complaints have surged lately.
SERVICE_QUALITY = {
    "kec-medan-belawan": {"U3": 2.9, "U4": 3.6},
    "kel-belawan-1": {"U7": 3.5},
    "kel-belawan-2": {},
    "kel-belawan-bahari": {"U3": 2.2, "U8": 2.5},
    "kel-belawan-bahagia": {"U9": 2.6},
    "kel-belawan-sicanang": {"U2": 2.8, "U9": 2.5},
    "kel-bagan-deli": {"U6": 3.4},
}
COMPLAINTS = [
    "Surat keterangan usaha saya selesai lebih dari seminggu, padahal standarnya dua hari.",
    "Petugas loket sering tidak ada di tempat pada jam pelayanan.",
    "Antrian panjang dan tidak ada nomor antrian.",
    "Diminta kembali berkali-kali karena persyaratan tidak dijelaskan sejak awal.",
    "Ruang tunggu panas dan kursi kurang.",
]
SUGGESTIONS = [
    "Mohon ditambah papan informasi persyaratan di depan kantor.",
    "Pelayanan sudah baik, pertahankan.",
    "Sebaiknya ada layanan antar-jemput berkas untuk lansia.",
]


def _score(mean: float, rng: random.Random) -> int:
    return max(1, min(4, round(rng.gauss(mean, 0.6))))


def _surveys(units: list[Unit], now: datetime, rng: random.Random) -> list[SurveyResponse]:
    """About five months of responses per office; a surge of complaints at Belawan Bahari this month."""
    today = now.astimezone(WIB).date()
    responses = []
    for unit in units:
        if not unit.services:
            continue
        quality = SERVICE_QUALITY.get(unit.id, {})
        for days_ago in range(150, -1, -1):
            day = today - timedelta(days=days_ago)
            if day.weekday() >= 5:
                continue
            surge = unit.id == "kel-belawan-bahari" and days_ago <= 20
            for _ in range(rng.randint(2, 6) + (3 if surge else 0)):
                at = datetime.combine(day, time(rng.randint(8, 15)), tzinfo=WIB)  # kept to the hour, as the intake keeps it
                if at > now:
                    continue
                answers = {code: _score(quality.get(code, 3.2) - (0.9 if surge and code == "U3" else 0), rng) for code in UNSUR_CODES}
                feedback = None
                if surge and rng.random() < 0.5 or rng.random() < 0.04:
                    feedback = SurveyFeedback(kind=FeedbackKind.PENGADUAN, text=rng.choice(COMPLAINTS))
                elif rng.random() < 0.1:
                    feedback = SurveyFeedback(kind=FeedbackKind.SARAN, text=rng.choice(SUGGESTIONS))
                code = "".join(rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(8))
                parsed = Answers(**answers)
                responses.append(
                    SurveyResponse(
                        receipt=f"SKM-{code[:4]}-{code[4:]}",
                        unit_id=unit.id,
                        service_id=rng.choice(unit.services).id,
                        service_date=day,
                        period=period_of(at),
                        submitted_at=at,
                        source=rng.choice([Source.WEB, Source.WEB, Source.KIOSK]),
                        answers=parsed,
                        profile=Profile(
                            sex=rng.choice(["L", "P"]),
                            age=rng.randint(18, 70),
                            education=rng.choice(list(Education)),
                            occupation=rng.choice(list(Occupation)),
                        ),
                        feedback=feedback,
                        complaint=is_complaint(feedback),
                        lowest_score=min(answers.values()),
                    )
                )
    return responses


def complainers(surveys: list[SurveyResponse], rng: random.Random) -> list[tuple[str, str, datetime]]:
    """Who complained, as the intake would have recorded them (unit, sender hash, hour): the
    complaints come from different people, with now and then someone complaining twice."""
    marks: list[tuple[str, str, datetime]] = []
    for response in surveys:
        if response.complaint:
            repeat = marks and rng.random() < 0.1 and marks[-1][0] == response.unit_id
            sender = marks[-1][1] if repeat else f"demo-{rng.getrandbits(64):016x}"
            marks.append((response.unit_id, sender, response.submitted_at))
    return marks


def accounts(dataset: Dataset) -> list[dict]:
    """The demo logins, one per seeded person (written to .local/demo-accounts.json)."""
    return [
        {
            "email": p.employee.email,
            "password": DEMO_PASSWORD,
            "role": p.kind,
            "nip": p.employee.nip,
            "unit": p.employee.unit_id,
            "supervisor_nip": p.employee.supervisor_nip,
            "name": p.employee.name,
            "jabatan": p.employee.jabatan,
        }
        for p in dataset.people
    ]
