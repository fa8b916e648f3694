"""What people read when something goes wrong: Bahasa Indonesia first, English on request.

Each message tells the person what to do next. Codes are stable; wording may change.
"""

from __future__ import annotations

from typing import Any

Language = str  # "id" or "en"

ERRORS: dict[str, tuple[str, str]] = {
    # code: (Bahasa Indonesia, English)
    "unauthenticated": (
        "Silakan masuk terlebih dahulu: permintaan ini memerlukan token masuk (Authorization: Bearer).",
        "Please sign in first: this request needs a sign-in token (Authorization: Bearer).",
    ),
    "token_invalid": (
        "Token masuk tidak sah. Keluar lalu masuk kembali di aplikasi.",
        "The sign-in token is not valid. Sign out and sign in again in the app.",
    ),
    "token_expired": (
        "Sesi Anda sudah berakhir. Masuk kembali untuk melanjutkan.",
        "Your session has expired. Sign in again to continue.",
    ),
    "token_revoked": (
        "Sesi Anda telah dicabut. Masuk kembali untuk melanjutkan.",
        "Your session was revoked. Sign in again to continue.",
    ),
    "account_disabled": (
        "Akun Anda dinonaktifkan. Hubungi BKPSDM.",
        "Your account is disabled. Contact BKPSDM.",
    ),
    "forbidden": (
        "Anda tidak berwenang melakukan tindakan ini.",
        "You are not allowed to do this.",
    ),
    "role_required": (
        "Tindakan ini hanya untuk peran: {roles}.",
        "Only these roles may do this: {roles}.",
    ),
    "not_an_employee": (
        "Akun Anda belum terhubung dengan data pegawai (NIP). Hubungi admin BKPSDM.",
        "Your account is not linked to an employee record (NIP). Contact the BKPSDM admin.",
    ),
    "not_supervisor": (
        "Hanya atasan langsung pegawai ini yang dapat melakukannya.",
        "Only this employee's direct supervisor can do this.",
    ),
    "not_found": ("Alamat yang diminta tidak ada.", "The requested address does not exist."),
    "report_not_found": (
        "Laporan tidak ditemukan, atau bukan milik Anda maupun tim Anda.",
        "Report not found, or it belongs neither to you nor to your team.",
    ),
    "evidence_not_found": (
        "Berkas bukti dukung tidak ditemukan pada laporan ini.",
        "No such evidence file on this report.",
    ),
    "evidence_too_large": (
        "Berkas terlalu besar: maksimal {limit_mib} MiB per berkas. Perkecil foto atau pindai ulang dengan resolusi lebih rendah.",
        "The file is too large: at most {limit_mib} MiB per file. Make the photo smaller or scan at a lower resolution.",
    ),
    "evidence_type_not_allowed": (
        "Bukti dukung hanya boleh berupa foto JPEG, PNG, atau dokumen PDF, dengan nama berkas yang sesuai jenisnya.",
        "Evidence can only be a JPEG or PNG photo or a PDF document, with a file name that matches its type.",
    ),
    "evidence_limit_reached": (
        "Laporan periode {period} sudah memiliki {limit} berkas bukti dukung, batas maksimalnya.",
        "The report for {period} already has {limit} evidence files, the most it can have.",
    ),
    "evidence_invalid": (
        "Beberapa berkas bukti dukung tidak dapat dilampirkan; lihat rinciannya.",
        "Some evidence files cannot be attached; see the details.",
    ),
    "method_not_allowed": (
        "Metode {method} tidak didukung di alamat ini. Gunakan: {allowed}.",
        "Method {method} is not supported here. Use: {allowed}.",
    ),
    "payload_too_large": (
        "Data yang dikirim terlalu besar (maksimal {limit} KiB). Perpendek narasi atau kirim tautan bukti, bukan berkasnya.",
        "The request is too large (at most {limit} KiB). Shorten the narrative or send evidence links, not files.",
    ),
    "unsupported_media_type": (
        "Kirim data dalam format JSON (Content-Type: application/json).",
        "Send the data as JSON (Content-Type: application/json).",
    ),
    "json_too_deep": (
        "Data JSON bersarang terlalu dalam (maksimal {limit} tingkat larik dan objek).",
        "The JSON body is nested too deeply (at most {limit} levels of arrays and objects).",
    ),
    "ikm_range_too_long": (
        "Rentang from sampai to paling panjang {limit} bulan (sepuluh tahun). Perpendek rentangnya.",
        "The range from ... to covers at most {limit} months (ten years). Shorten it.",
    ),
    "invalid_json": (
        "Data yang dikirim bukan JSON yang sah: {reason}.",
        "The request body is not valid JSON: {reason}.",
    ),
    "validation_failed": (
        "Ada isian yang tidak valid. Perbaiki kolom yang disebut di bawah lalu kirim ulang.",
        "Some fields are not valid. Fix the fields listed below and send again.",
    ),
    "invalid_header": (
        "Header {header} tidak valid: {reason}.",
        "Header {header} is not valid: {reason}.",
    ),
    "period_in_future": (
        "Periode {period} belum berjalan. Laporan hanya dapat dibuat untuk bulan ini atau sebelumnya.",
        "Period {period} has not started. Reports can only be filed for this month or earlier.",
    ),
    "skp_missing": (
        "Belum ada SKP untuk tahun periode {period}. Minta atasan atau BKPSDM memasukkan SKP Anda.",
        "There is no SKP for the year of period {period}. Ask your supervisor or BKPSDM to load your SKP.",
    ),
    "realisasi_invalid": (
        "Ada realisasi yang tidak dapat diterima. Periksa indikator dan nilai yang disebut di bawah.",
        "Some realisations cannot be accepted. Check the indicators and values listed below.",
    ),
    "report_already_accepted": (
        "Laporan periode {period} sudah diterima atasan dan tidak dapat diubah lagi.",
        "The report for {period} has been accepted by the supervisor and can no longer be changed.",
    ),
    "report_awaiting_revision": (
        "Laporan periode {period} sedang dikembalikan untuk perbaikan. Tunggu pegawai mengirim ulang.",
        "The report for {period} was returned for revision. Wait for the employee to resubmit.",
    ),
    "report_revised": (
        "Pegawai sudah mengirim revisi baru (revisi {revision}). Muat ulang laporan lalu nilai versi terbaru.",
        "The employee has sent a new revision ({revision}). Reload the report and review the latest version.",
    ),
    "perilaku_incomplete": (
        "Beri penilaian untuk ketujuh nilai BerAKHLAK.",
        "Rate all seven BerAKHLAK values.",
    ),
    "feedback_required": (
        "Tuliskan umpan balik: wajib saat ada penilaian Di Bawah Ekspektasi atau laporan dikembalikan.",
        "Write feedback: it is required when any rating is Di Bawah Ekspektasi or the report is returned.",
    ),
    "idempotency_key_reused": (
        "Idempotency-Key ini sudah dipakai untuk data yang berbeda. Gunakan kunci baru untuk permintaan baru.",
        "This Idempotency-Key was already used with different data. Use a new key for a new request.",
    ),
    "load_invalid": (
        "Data tidak dimuat karena ada baris yang salah. Perbaiki baris yang disebut di bawah lalu muat ulang seluruh berkas.",
        "Nothing was loaded because some rows are wrong. Fix the rows listed below and load the whole file again.",
    ),
    "unit_not_found": (
        "Unit layanan tidak ditemukan. Periksa alamat atau kode QR yang Anda pindai.",
        "Service unit not found. Check the address or the QR code you scanned.",
    ),
    "poster_unconfigured": (
        "Poster belum dapat dibuat karena alamat situs (PANTAU_BASE_URL) belum diatur. Hubungi admin sistem.",
        "The poster cannot be made because the site address (PANTAU_BASE_URL) is not set. Contact the system administrator.",
    ),
    "survey_not_available": (
        "Unit ini belum membuka survei kepuasan karena belum memiliki daftar jenis layanan. Tanyakan kepada petugas.",
        "This office has no survey yet because it has no list of services. Ask the staff.",
    ),
    "survey_invalid": (
        "Ada isian survei yang belum sesuai. Periksa bagian yang ditandai lalu kirim lagi.",
        "Some survey answers need attention. Check the marked items and send again.",
    ),
    "rate_limited": (
        "Terlalu banyak pengiriman dari perangkat ini. Coba lagi dalam {retry_after} detik.",
        "Too many submissions from this device. Try again in {retry_after} seconds.",
    ),
    "human_check_failed": (
        "Verifikasi keamanan gagal. Muat ulang halaman lalu kirim lagi.",
        "The security check failed. Reload the page and send again.",
    ),
    "import_too_large": (
        "Berkas terlalu besar: maksimal {limit} baris per unit dan periode. Pisahkan menjadi beberapa berkas.",
        "The file is too large: at most {limit} rows per unit and period. Split it into several files.",
    ),
    "ikm_period_invalid": (
        "Periode harus YYYY-MM, YYYY-Qn (triwulan), YYYY-Sn (semester) atau YYYY, atau gunakan from dan to (YYYY-MM).",
        "The period must be YYYY-MM, YYYY-Qn (quarter), YYYY-Sn (semester) or YYYY, or use from and to (YYYY-MM).",
    ),
    "investigation_not_found": ("Investigasi tidak ditemukan.", "Investigation not found."),
    "investigation_transition": (
        "Status investigasi tidak dapat diubah dari {current} ke {wanted}.",
        "The investigation cannot move from {current} to {wanted}.",
    ),
    "findings_required": (
        "Tuliskan temuan sebelum menutup investigasi.",
        "Write the findings before closing the investigation.",
    ),
    "notification_not_found": ("Notifikasi tidak ditemukan.", "Notification not found."),
    "device_not_found": ("Perangkat tidak terdaftar.", "Device not registered."),
    "cursor_invalid": ("Penanda halaman tidak valid; muat ulang daftar dari awal.", "The page cursor is not valid; reload the list from the start."),
    "inbox_required": ("Kotak masuk aplikasi tidak dapat dimatikan.", "The in-app inbox cannot be turned off."),
    "delivery_filter_required": ("Sebutkan notification_id atau nip.", "Give a notification_id or a nip."),
    "run_not_found": ("Proses penilaian tidak ditemukan.", "Scoring run not found."),
    "finding_not_found": ("Temuan tidak ditemukan.", "Finding not found."),
    "not_finding_owner": ("Hanya penanggung jawab temuan ini yang dapat mengubahnya.", "Only the owners of this finding can change it."),
    "not_unit_head": ("Hanya kepala unit, BKPSDM dan Inspektorat yang dapat melihat hasil unit ini.", "Only the unit head, BKPSDM and the inspectorate can see this unit's results."),
    "finding_transition": ("Status temuan tidak dapat diubah dari {current} ke {wanted}.", "The finding cannot move from {current} to {wanted}."),
    "resolution_note_required": ("Tuliskan catatan penyelesaian.", "Write a resolution note."),
    "training_not_finished": ("Pelatihan yang belum selesai belum dapat dicatat.", "A training that has not ended cannot be recorded yet."),
    "account_deactivated": (
        "Data kepegawaian Anda tidak aktif lagi, sehingga akun ini tidak dapat dipakai. Hubungi BKPSDM bila ini keliru.",
        "Your employee record is no longer active, so this account cannot be used. Contact BKPSDM if this is a mistake.",
    ),
    "email_in_use": (
        "Data tidak dimuat: alamat e-mail berikut sudah dipakai akun yang tidak dibuat oleh sistem ini atau milik pegawai lain: "
        "{emails}. Periksa alamatnya; akun yang didaftarkan sendiri tidak pernah diberi peran.",
        "Nothing was loaded: these e-mail addresses belong to accounts this system did not create, or to another employee: "
        "{emails}. Check the addresses; an account somebody signed up for themselves is never given a role.",
    ),
    "employee_not_found": ("Pegawai dengan NIP {nip} tidak ditemukan.", "No employee with NIP {nip}."),
    "employee_inactive": (
        "Pegawai dengan NIP {nip} tidak aktif; aktifkan kembali datanya sebelum mengirim undangan.",
        "The employee with NIP {nip} is not active; reactivate the record before sending an invitation.",
    ),
    "no_account": (
        "Pegawai dengan NIP {nip} belum memiliki akun (tidak ada alamat e-mail). Muat datanya dengan e-mail terlebih dahulu.",
        "The employee with NIP {nip} has no account yet (no e-mail address). Load the record with an e-mail first.",
    ),
    "unavailable": (
        "Layanan sedang sibuk atau terganggu. Coba lagi dalam beberapa saat; data Anda belum tersimpan.",
        "The service is busy or unavailable. Try again in a moment; nothing was saved.",
    ),
    "internal": (
        "Terjadi kesalahan pada sistem. Coba lagi; bila berulang, laporkan kode permintaan ini ke admin.",
        "Something went wrong on our side. Try again; if it persists, report this request id to the admin.",
    ),
}

# Per-field problems: pydantic's error types and our own detail codes.
FIELD_PROBLEMS: dict[str, tuple[str, str]] = {
    "missing": ("wajib diisi", "is required"),
    "extra_forbidden": ("kolom ini tidak dikenal", "is not a known field"),
    "query_repeated": ("hanya boleh diberikan sekali", "may be given only once"),
    "string_type": ("harus berupa teks", "must be text"),
    "string_too_short": ("terlalu pendek (minimal {min_length} karakter)", "is too short (at least {min_length} characters)"),
    "string_too_long": ("terlalu panjang (maksimal {max_length} karakter)", "is too long (at most {max_length} characters)"),
    "string_pattern_mismatch": ("formatnya tidak sesuai", "has the wrong format"),
    "int_parsing": ("harus bilangan bulat", "must be a whole number"),
    "int_type": ("harus bilangan bulat", "must be a whole number"),
    "int_from_float": ("harus bilangan bulat", "must be a whole number"),
    "float_parsing": ("harus berupa angka", "must be a number"),
    "float_type": ("harus berupa angka", "must be a number"),
    "finite_number": ("harus angka yang wajar (bukan tak hingga)", "must be a finite number"),
    "bool_parsing": ("harus true atau false", "must be true or false"),
    "bool_type": ("harus true atau false", "must be true or false"),
    "greater_than": ("harus lebih dari {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("minimal {ge}", "must be at least {ge}"),
    "less_than": ("harus kurang dari {lt}", "must be less than {lt}"),
    "less_than_equal": ("maksimal {le}", "must be at most {le}"),
    "too_short": ("minimal {min_length} isian", "needs at least {min_length} items"),
    "too_long": ("maksimal {max_length} isian", "takes at most {max_length} items"),
    "enum": ("pilih salah satu: {expected}", "must be one of: {expected}"),
    "literal_error": ("pilih salah satu: {expected}", "must be one of: {expected}"),
    "list_type": ("harus berupa daftar", "must be a list"),
    "dict_type": ("harus berupa objek", "must be an object"),
    "model_type": ("harus berupa objek", "must be an object"),
    "model_attributes_type": ("harus berupa objek", "must be an object"),
    "value_error": ("{error}", "{error}"),
    "period_invalid": ("periode harus YYYY-MM dengan bulan 01-12, misalnya 2026-10", "period must be YYYY-MM with month 01-12, e.g. 2026-10"),
    "nip_invalid": ("NIP tidak valid: {reason}", "invalid NIP: {reason}"),
    "evidence_link": ("bukti dukung harus berupa tautan http(s)", "evidence must be an http(s) link"),
    "filename_invalid": ("nama berkas tanpa garis miring, tanda kutip, atau karakter kontrol", "a file name without slashes, quotes or control characters"),
    "evidence_type": ("jenis {value} tidak diterima: gunakan image/jpeg, image/png, atau application/pdf",
                      "{value} is not accepted: use image/jpeg, image/png or application/pdf"),
    "evidence_extension": ("nama berkas harus berakhiran {expected}", "the file name must end in {expected}"),
    "evidence_repeated": ("berkas {value} disebut lebih dari sekali", "file {value} is named more than once"),
    "evidence_unknown": ("berkas {value} bukan unggahan Anda untuk periode ini", "file {value} is not your upload for this period"),
    "evidence_pending": ("berkas {value} masih diperiksa; coba lagi sebentar lagi", "file {value} is still being checked; try again shortly"),
    "evidence_rejected": ("berkas {value} ditolak saat diperiksa; unggah ulang berkas yang benar", "file {value} was rejected when checked; upload the right file"),
    "evidence_expired": ("berkas {value} sudah kedaluwarsa dan dihapus; unggah ulang", "file {value} expired and was deleted; upload it again"),
    # domain details
    "indicator_unknown": ("indikator {value} tidak ada dalam SKP Anda", "indicator {value} is not in your SKP"),
    "indicator_repeated": ("indikator {value} diisi lebih dari sekali", "indicator {value} is given more than once"),
    "value_negative": ("nilai tidak boleh negatif", "must not be negative"),
    "value_not_finite": ("nilai harus angka yang wajar", "must be a finite number"),
    "value_over_100_percent": ("persentase tidak boleh lebih dari 100", "a percentage cannot exceed 100"),
    "required_di_bawah": ("wajib diisi karena ada penilaian Di Bawah Ekspektasi", "required because a rating is Di Bawah Ekspektasi"),
    "required_return": ("wajib diisi saat laporan dikembalikan", "required when the report is returned"),
    "duplicate": ("muncul lebih dari sekali dalam berkas", "appears more than once in the file"),
    "unit_unknown": ("unit kerja {value} tidak dikenal", "unit {value} is unknown"),
    "employee_unknown": ("pegawai dengan NIP {value} tidak dikenal", "no employee with NIP {value}"),
    "self": ("pegawai tidak dapat menjadi atasannya sendiri", "an employee cannot supervise themselves"),
    "cycle": ("membuat rantai atasan berputar", "makes the supervisor chain go round in a circle"),
    "service_unknown": ("jenis layanan {value} tidak ada di unit ini", "service {value} is not offered by this unit"),
    "date_in_future": ("tanggal layanan tidak boleh di masa depan", "the service date cannot be in the future"),
    "date_too_old": ("tanggal layanan paling lama 90 hari yang lalu", "the service date can be at most 90 days ago"),
    "cursor_invalid": ("penanda halaman tidak valid", "the page cursor is not valid"),
    "email_taken": ("e-mail {value} sudah dipakai akun yang tidak dibuat oleh sistem", "e-mail {value} belongs to an account this system did not create"),
    "email_taken_by_employee": ("e-mail {value} sudah dipakai akun pegawai NIP {nip}", "e-mail {value} belongs to the account of NIP {nip}"),
    "inbox_required": ("kotak masuk tidak dapat dimatikan", "the inbox cannot be turned off"),
    "required_resolve": ("wajib diisi untuk menyelesaikan temuan", "required to resolve the finding"),
    "required_close": ("wajib diisi untuk menutup investigasi", "required to close the investigation"),
    "date_parsing": ("tanggal harus YYYY-MM-DD", "the date must be YYYY-MM-DD"),
    "date_from_datetime_parsing": ("tanggal harus YYYY-MM-DD", "the date must be YYYY-MM-DD"),
    "date_type": ("tanggal harus YYYY-MM-DD", "the date must be YYYY-MM-DD"),
}

# Problems with an admin file as a whole or with one cell (the command line's loaders, common/cli/files.py).
FILE_PROBLEMS: dict[str, tuple[str, str]] = {
    "file_missing": ("berkas {path} tidak ditemukan", "file {path} not found"),
    "workbook_format": (
        "format {suffix} tidak dapat dibaca; di Excel pilih Simpan Sebagai > Buku Kerja Excel (.xlsx) atau CSV UTF-8",
        "the {suffix} format cannot be read; in Excel choose Save As > Excel Workbook (.xlsx) or CSV UTF-8",
    ),
    "workbook_renamed": (
        "berkas ini sebenarnya buku kerja Excel; beri akhiran .xlsx, atau simpan sebagai CSV",
        "this file is really an Excel workbook; name it .xlsx, or save it as CSV",
    ),
    "workbook_unreadable": ("buku kerja Excel ini rusak atau terkunci kata sandi", "this Excel workbook is damaged or password-protected"),
    "json_invalid": ("JSON tidak sah di baris {line}: {reason}", "invalid JSON on line {line}: {reason}"),
    "not_a_list": ("harus berupa daftar (JSON: [...] atau {{\"{key}\": [...]}})", "must be a list (JSON: [...] or {{\"{key}\": [...]}})"),
    "no_rows": ("tidak ada baris data", "no data rows"),
    "column_repeated": ("kolom {column} muncul lebih dari sekali di baris judul", "column {column} appears more than once in the header"),
    "cell_without_column": ("ada isian \"{value}\" di luar kolom yang berjudul", "there is a value \"{value}\" outside the titled columns"),
    "number_too_long": (
        "angka terlalu panjang untuk Excel (lebih dari 15 digit hilang ujungnya); format kolom {column} sebagai Teks lalu ketik ulang",
        "the number is too long for Excel (digits past the 15th are lost); format column {column} as Text and type it again",
    ),
    "unit_unknown_file": ("unit {unit} tidak dikenal; muat unitnya terlebih dahulu", "unit {unit} is unknown; load the unit first"),
}

NIP_REASONS: dict[str, tuple[str, str]] = {
    "format": ("harus 18 digit angka", "must be 18 digits"),
    "birth_date": ("tanggal lahir (digit 1-8) tidak ada di kalender", "the birth date (digits 1-8) does not exist"),
    "tmt_month": ("bulan TMT (digit 13-14) harus 01-12", "the TMT month (digits 13-14) must be 01-12"),
    "birth_future": ("tanggal lahir di masa depan", "the birth date is in the future"),
    "tmt_future": ("TMT di masa depan", "the TMT is in the future"),
    "tmt_before_18": ("TMT sebelum usia 18 tahun", "the TMT is before the 18th birthday"),
    "gender": ("digit ke-15 (jenis kelamin) harus 1 atau 2", "digit 15 (gender) must be 1 or 2"),
}


def negotiate(accept_language: str | None) -> Language:
    """Bahasa Indonesia unless the client prefers English over it."""
    best, best_q = "id", -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("id", "en") and q > best_q:
            best, best_q = primary, q
    return best


def _pick(pair: tuple[str, str], lang: Language) -> str:
    return pair[1] if lang == "en" else pair[0]


def _format(template: str, params: dict[str, Any]) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def error_message(code: str, lang: Language, params: dict[str, Any] | None = None) -> str:
    pair = ERRORS.get(code) or ERRORS["internal"]
    return _format(_pick(pair, lang), params or {})


def field_message(code: str, lang: Language, params: dict[str, Any] | None = None, fallback: str | None = None) -> str:
    params = dict(params or {})
    if code == "nip_invalid" and params.get("reason") in NIP_REASONS:
        params["reason"] = _pick(NIP_REASONS[params["reason"]], lang)
    if code == "value_error" and "error" in params:
        params["error"] = str(params["error"])
    pair = FIELD_PROBLEMS.get(code)
    if pair is None:
        return fallback or code
    return _format(_pick(pair, lang), params)


def file_message(code: str, lang: Language, params: dict[str, Any] | None = None) -> str:
    pair = FILE_PROBLEMS.get(code)
    return _format(_pick(pair, lang), params or {}) if pair else code
