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
    "not_leader_above": (
        "Hanya pimpinan unit di atasnya (camat untuk kelurahan; BKPSDM atas nama wali kota untuk kecamatan) yang dapat menetapkan predikat unit ini.",
        "Only the leader of the unit above (the camat for a kelurahan; BKPSDM for the wali kota, for the kecamatan) can set this unit's predikat.",
    ),
    "unit_result_not_found": (
        "Unit ini belum dinilai untuk periode tersebut: jalankan penilaian dulu, usulan predikat berasal darinya.",
        "This unit has not been scored for that period: run the scoring first, the proposed predikat comes from it.",
    ),
    "annual_not_found": (
        "Evaluasi tahunan belum disiapkan untuk tahun itu: BKPSDM menghitung usulannya dulu dari hasil bulanan.",
        "The annual evaluation has not been prepared for that year: BKPSDM first computes the proposals from the monthly results.",
    ),
    "objection_not_found": ("Keberatan tidak ditemukan, atau bukan milik Anda maupun untuk Anda tangani.",
                            "Objection not found, or it is neither yours nor one for you to handle."),
    "objection_exists": (
        "Anda sudah mengajukan keberatan untuk periode ini ({id}, status {status}); satu periode hanya satu keberatan, dan keputusannya final.",
        "You already objected for this period ({id}, status {status}); one objection per period, and its decision is final.",
    ),
    "objection_no_result": (
        "Belum ada predikat yang terbit untuk periode {period}, sehingga belum ada yang dapat diajukan keberatan.",
        "No predikat has been published for {period} yet, so there is nothing to object to.",
    ),
    "objection_window_closed": (
        "Batas waktu pengajuan keberatan untuk periode ini sudah lewat: paling lambat {closed_on}.",
        "The time to object for this period has passed: the last day was {closed_on}.",
    ),
    "objection_decided": ("Keberatan ini sudah diputus; keputusannya final.", "This objection has been decided; the decision is final."),
    "objection_already_responded": ("Tanggapan penilai sudah diberikan; tanggapan hanya sekali.", "The rater has responded already; there is one response."),
    "not_rater": ("Hanya pejabat penilai (atasan yang memberi nilai) yang dapat menanggapi keberatan ini.",
                  "Only the rater (the supervisor who gave the ratings) can respond to this objection."),
    "not_decider": (
        "Hanya atasan dari atasan pegawai (atau BKPSDM bila tidak ada) yang memutus keberatan ini; penilai tidak dapat memutusnya.",
        "Only the supervisor of the employee's supervisor (or BKPSDM where there is none) decides this objection; the rater cannot.",
    ),
    "objection_rejected_keeps_ratings": (
        "Keberatan yang ditolak tidak mengubah nilai: jangan isi hasil_kerja atau perilaku_kerja.",
        "A rejected objection changes no rating: leave out hasil_kerja and perilaku_kerja.",
    ),
    "objection_ratings_required": (
        "Keberatan yang dikabulkan mengubah nilai: isi hasil_kerja dan/atau perilaku_kerja yang baru.",
        "An upheld objection changes the ratings: give the new hasil_kerja and/or perilaku_kerja.",
    ),
    "objection_ratings_unchanged": (
        "Nilai yang diberikan sama dengan nilai semula: bila keberatan tidak beralasan, pilih rejected.",
        "The ratings given are the original ones: if the objection has no ground, choose rejected.",
    ),
    "objection_unit_required": ("Sebutkan unit_id untuk scope=unit.", "Give a unit_id with scope=unit."),
    "annual_objection_decided": (
        "Evaluasi tahunan ini sudah diputus melalui keberatan; keputusan itu final.",
        "This year's evaluation was decided on an objection; that decision is final.",
    ),
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
    "rejected_no_rating": ("tidak diisi bila keberatan ditolak", "must be left out when the objection is rejected"),
    "required_upheld": ("isi nilai baru bila keberatan dikabulkan", "give the new rating when the objection is upheld"),
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
    "column_empty": ("kolom tidak ada atau kosong di semua baris", "the column is missing or empty in every row"),
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


# -- the words of the evaluation's codes (the domain keeps codes and numbers) -------------------

PREDIKAT_LABELS: dict[str, tuple[str, str]] = {
    "sangat_baik": ("Sangat Baik", "Very good"),
    "baik": ("Baik", "Good"),
    "butuh_perbaikan": ("Butuh Perbaikan", "Needs improvement"),
    "kurang_misconduct": ("Kurang/Misconduct", "Poor/misconduct"),
    "sangat_kurang": ("Sangat Kurang", "Very poor"),
}
UNIT_PREDIKAT_LABELS: dict[str, tuple[str, str]] = {
    "istimewa": ("Istimewa", "Outstanding"),
    "baik": ("Baik", "Good"),
    "butuh_perbaikan": ("Butuh Perbaikan", "Needs improvement"),
    "kurang": ("Kurang", "Poor"),
    "sangat_kurang": ("Sangat Kurang", "Very poor"),
}
RATING_LABELS: dict[str, tuple[str, str]] = {
    "di_atas_ekspektasi": ("Di Atas Ekspektasi", "Above expectations"),
    "sesuai_ekspektasi": ("Sesuai Ekspektasi", "Meets expectations"),
    "di_bawah_ekspektasi": ("Di Bawah Ekspektasi", "Below expectations"),
}

# One sentence per kind of curve bound (common/domain/curve.py): what the unit's curve asks.
CURVE_RULES: dict[str, tuple[str, str]] = {
    "largest": ("{predikat} harus menjadi kelompok terbesar", "{predikat} must be the largest group"),
    "at_most": ("{predikat} paling banyak {percent}%", "{predikat} at most {percent}%"),
    "at_least": ("{predikat} paling sedikit {percent}%", "{predikat} at least {percent}%"),
    "present": ("harus ada pegawai {predikat}", "there must be employees rated {predikat}"),
}
# What the distribution shows instead, after the rule.
CURVE_FINDINGS: dict[str, tuple[str, str]] = {
    "largest": ("{predikat} {count} orang, tidak lebih banyak dari {rival} ({rival_count} orang)",
                "{predikat} {count}, not more than {rival} ({rival_count})"),
    "at_most": ("kini {share} ({count} orang)", "now {share} ({count})"),
    "at_least": ("kini {share} ({count} orang)", "now {share} ({count})"),
    "present": ("tidak ada", "there are none"),
}
_OR = ("dan/atau", "and/or")


def _label_of(labels: dict[str, tuple[str, str]], code: str | None, lang: Language) -> str:
    return _pick(labels[code], lang) if code in labels else str(code)


def predikat_label(code: str | None, lang: Language) -> str:
    return _label_of(PREDIKAT_LABELS, code, lang)


def unit_predikat_label(code: str | None, lang: Language) -> str:
    return _label_of(UNIT_PREDIKAT_LABELS, code, lang)


def rating_label(code: str | None, lang: Language) -> str:
    return _label_of(RATING_LABELS, code, lang)


def _group(predikat: list[str] | tuple[str, ...], lang: Language) -> str:
    return f" {_pick(_OR, lang)} ".join(predikat_label(p, lang) for p in predikat)


def curve_rule_text(kind: str, predikat: list[str] | tuple[str, ...], percent: int | None, lang: Language) -> str:
    """A bound of a unit's curve in words: "Baik paling banyak 70%"."""
    return _format(_pick(CURVE_RULES[kind], lang), {"predikat": _group(predikat, lang), "percent": percent})


def curve_violation_text(violation: dict[str, Any], lang: Language) -> str:
    """A broken bound and what the distribution shows: "Baik paling banyak 70%: kini 80%"."""
    kind = str(violation.get("kind"))
    if kind not in CURVE_RULES:
        return str(violation.get("note") or kind)
    rule = curve_rule_text(kind, violation.get("predikat") or [], violation.get("percent"), lang)
    share = violation.get("share") or 0
    found = _format(_pick(CURVE_FINDINGS[kind], lang), {
        "predikat": _group(violation.get("predikat") or [], lang), "count": violation.get("count"),
        "share": f"{share * 100:.0f}%",
        "rival": predikat_label(violation.get("rival"), lang), "rival_count": violation.get("rival_count"),
    })
    return f"{rule}: {found}"


# -- why a monthly result is what it is (common/domain/scoring.py, Reason) -------------------------

REASONS: dict[str, tuple[str, str]] = {
    "no_skp": ("Belum ada SKP untuk tahun ini, sehingga capaian tidak dapat diukur.",
               "There is no SKP for this year, so achievement cannot be measured."),
    "no_report": ("Tidak ada laporan kinerja untuk periode ini.", "There is no performance report for this period."),
    "awaiting_review": ("Laporan belum dinilai atasan: Hasil Kerja sementara dihitung dari capaian, "
                        "Perilaku Kerja dan predikat menunggu penilaian atasan.",
                        "The report has not been reviewed: Hasil Kerja is provisionally derived from achievement; "
                        "Perilaku Kerja and the predikat wait for the supervisor's review."),
    "matrix": ("Hasil Kerja {hasil_kerja} ({source}), Perilaku Kerja {perilaku_kerja}: predikat {predikat} menurut matriks PermenPANRB 6/2022.",
               "Hasil Kerja {hasil_kerja} ({source}), Perilaku Kerja {perilaku_kerja}: predikat {predikat} by the PermenPANRB 6/2022 matrix."),
    "mean_capaian": ("Rata-rata capaian indikator {capaian}.", "Mean achievement of the indicators {capaian}."),
    "returned": ("Laporan dikembalikan untuk perbaikan; nilai dari penilaian terakhir atasan.",
                 "The report was returned for revision; the ratings are from the supervisor's last review."),
    "objection": ("Keberatan {decision}: Hasil Kerja {hasil_kerja}, Perilaku Kerja {perilaku_kerja}, predikat {predikat} "
                  "(semula {original}), diputus atasan dari atasan.",
                  "Objection {decision}: Hasil Kerja {hasil_kerja}, Perilaku Kerja {perilaku_kerja}, predikat {predikat} "
                  "(was {original}), decided by the supervisor's supervisor."),
}
VERDICTS: dict[str, tuple[str, str]] = {
    "upheld": ("dikabulkan", "upheld"), "partly_upheld": ("dikabulkan sebagian", "partly upheld"), "rejected": ("ditolak", "rejected"),
}
_SOURCES: dict[str, tuple[str, str]] = {
    "supervisor": ("penilaian atasan", "the supervisor's rating"),
    "unit_predikat": ("mengikuti predikat kinerja unit {unit_predikat}, SE MenPANRB 3/2023",
                      "following the unit's predikat {unit_predikat}, SE MenPANRB 3/2023"),
}


def percent_down(value: float) -> str:
    """One decimal, rounded down: 89.995% reads 89.9%, never the 90.0% it did not reach."""
    from decimal import ROUND_FLOOR, Decimal

    return f"{(Decimal(repr(float(value))) * 100).quantize(Decimal('0.1'), rounding=ROUND_FLOOR)}%"


def reason_text(code: str, params: dict[str, Any], lang: Language) -> str:
    if code not in REASONS:
        return code
    values = dict(params)
    if code == "matrix":
        source = _SOURCES.get(str(params.get("source")), _SOURCES["supervisor"])
        values = {**values, "hasil_kerja": rating_label(params.get("hasil_kerja"), lang),
                  "perilaku_kerja": rating_label(params.get("perilaku_kerja"), lang), "predikat": predikat_label(params.get("predikat"), lang),
                  "source": _format(_pick(source, lang), {"unit_predikat": unit_predikat_label(params.get("unit_predikat"), lang)})}
    if code == "objection":
        values = {**values, "decision": _pick(VERDICTS.get(str(params.get("decision")), (str(params.get("decision")),) * 2), lang),
                  "hasil_kerja": rating_label(params.get("hasil_kerja"), lang), "perilaku_kerja": rating_label(params.get("perilaku_kerja"), lang),
                  "predikat": predikat_label(params.get("predikat"), lang), "original": predikat_label(params.get("original"), lang)}
    if code == "mean_capaian" and params.get("capaian") is not None:
        values["capaian"] = percent_down(float(params["capaian"]))
    return _format(_pick(REASONS[code], lang), values)


def with_reasons(result, lang: Language):
    """An AsnResult with its reasons in words; one stored before the codes keeps its sentences."""
    if not result.why:
        return result
    return result.model_copy(update={"reasons": [reason_text(r.code, r.params, lang) for r in result.why]})


# -- findings (common/domain/findings.py): the title and recommendation of each kind -------------

FINDING_TITLES: dict[str, tuple[str, str]] = {
    "time_management_training": ("{name}: target aspek waktu tidak tercapai 2 dari 3 periode terakhir",
                                 "{name}: time targets missed in 2 of the last 3 periods"),
    "missing_reports": ("{name}: tidak melapor tepat waktu dua periode berturut-turut", "{name}: no report on time two periods in a row"),
    "training_hours": ("{name}: baru {jp} JP pelatihan tahun {year} (hak minimal {required} JP)",
                       "{name}: only {jp} JP of training in {year} (entitled to at least {required} JP)"),
    "workload_review": ("Tinjau beban kerja: {why}", "Review the workload: {why}"),
    "distribution_curve": ("Distribusi predikat pegawai tidak sesuai kurva unit {unit_predikat}",
                           "The employees' predikat do not follow the curve of the unit's {unit_predikat}"),
    "objection_overdue": ("{name}: keberatan atas predikat {period} belum diputus sampai tenggat {due}",
                          "{name}: the objection to the {period} predikat was not decided by {due}"),
}
FINDING_RECOMMENDATIONS: dict[str, tuple[str, str]] = {
    "time_management_training": ("Rekomendasikan pelatihan manajemen waktu dan bahas hambatan penyelesaian layanan.",
                                 "Recommend time-management training and discuss what holds the services up."),
    "missing_reports": ("Ajak bicara pegawai tentang kendala pelaporan dan pastikan laporan bulan depan masuk tepat waktu.",
                        "Talk with the employee about what keeps them from reporting, and make sure next month's report is on time."),
    "training_hours": ("Daftarkan pegawai pada pelatihan yang relevan sebelum akhir tahun.",
                       "Enrol the employee in relevant training before the end of the year."),
    "workload_review": ("Tinjau beban kerja dan alur layanan; pertimbangkan penambahan staf pada seksi yang tertinggal.",
                        "Review the workload and the service flow; consider more staff where a section falls behind."),
    "distribution_curve": ("Tinjau kembali penilaian pegawai bersama para atasan. Mengubah penilaian adalah keputusan atasan, bukan sistem.",
                           "Review the ratings with the supervisors. Changing a rating is the supervisor's decision, not the system's."),
    "objection_overdue": ("Hubungi pejabat yang memutus agar keberatan segera diputus: pegawai berhak atas keputusan tepat waktu.",
                          "Ask the decider to decide the objection now: the employee is owed a timely decision."),
}
_WORKLOAD = {
    "late": ("{share} pegawai tidak melapor tepat waktu", "{share} of staff did not report on time"),
    "u3": ("unsur Waktu Penyelesaian (U3) bermutu {mutu}", "unsur Waktu Penyelesaian (U3) rated {mutu}"),
}


def finding_texts(kind: str, params: dict[str, Any], lang: Language) -> tuple[str, str]:
    """A finding's title and recommendation in words, from its kind and params."""
    values = dict(params)
    if kind == "workload_review":
        parts = []
        if params.get("late_share") is not None:
            parts.append(_format(_pick(_WORKLOAD["late"], lang), {"share": f"{float(params['late_share']) * 100:.0f}%"}))
        if params.get("u3_mutu"):
            parts.append(_format(_pick(_WORKLOAD["u3"], lang), {"mutu": params["u3_mutu"]}))
        values["why"] = "; ".join(parts)
    if kind == "distribution_curve":
        values["unit_predikat"] = unit_predikat_label(params.get("unit_predikat"), lang) if params.get("unit_predikat") else ""
    title = _format(_pick(FINDING_TITLES[kind], lang), values) if kind in FINDING_TITLES else kind
    recommendation = _pick(FINDING_RECOMMENDATIONS[kind], lang) if kind in FINDING_RECOMMENDATIONS else ""
    return title, recommendation


def finding_in(finding, lang: Language):
    """A finding with its title and recommendation in the caller's language; one stored before
    params keeps its words."""
    if not finding.params:
        return finding
    title, recommendation = finding_texts(finding.kind.value, finding.params, lang)
    return finding.model_copy(update={"title": title, "recommendation": recommendation})
