"""Ratings and the Predikat Kinerja Pegawai (PermenPANRB 6/2022)."""

from __future__ import annotations

from enum import StrEnum


class Rating(StrEnum):
    """One of the three expectation levels used for Hasil Kerja and Perilaku Kerja."""

    DI_ATAS = "di_atas_ekspektasi"
    SESUAI = "sesuai_ekspektasi"
    DI_BAWAH = "di_bawah_ekspektasi"


class BerAkhlak(StrEnum):
    """The seven core values that Perilaku Kerja is judged against."""

    BERORIENTASI_PELAYANAN = "berorientasi_pelayanan"
    AKUNTABEL = "akuntabel"
    KOMPETEN = "kompeten"
    HARMONIS = "harmonis"
    LOYAL = "loyal"
    ADAPTIF = "adaptif"
    KOLABORATIF = "kolaboratif"


class Predikat(StrEnum):
    SANGAT_BAIK = "sangat_baik"
    BAIK = "baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan"
    KURANG = "kurang_misconduct"
    SANGAT_KURANG = "sangat_kurang"


_MATRIX: dict[tuple[Rating, Rating], Predikat] = {
    (Rating.DI_ATAS, Rating.DI_BAWAH): Predikat.KURANG,
    (Rating.DI_ATAS, Rating.SESUAI): Predikat.BAIK,
    (Rating.DI_ATAS, Rating.DI_ATAS): Predikat.SANGAT_BAIK,
    (Rating.SESUAI, Rating.DI_BAWAH): Predikat.KURANG,
    (Rating.SESUAI, Rating.SESUAI): Predikat.BAIK,
    (Rating.SESUAI, Rating.DI_ATAS): Predikat.BAIK,
    (Rating.DI_BAWAH, Rating.DI_BAWAH): Predikat.SANGAT_KURANG,
    (Rating.DI_BAWAH, Rating.SESUAI): Predikat.BUTUH_PERBAIKAN,
    (Rating.DI_BAWAH, Rating.DI_ATAS): Predikat.BUTUH_PERBAIKAN,
}


def predikat(hasil_kerja: Rating, perilaku_kerja: Rating) -> Predikat:
    """The official matrix: rows Hasil Kerja, columns Perilaku Kerja."""
    return _MATRIX[(hasil_kerja, perilaku_kerja)]


def summarise(ratings: list[Rating]) -> Rating:
    """Fold several ratings into one, the way the default Hasil Kerja rule does.

    Di Atas when at least half are Di Atas and none is Di Bawah; Di Bawah
    when more than half are Di Bawah; otherwise Sesuai. Used for indicator
    categories (DOMAIN.md) and, by the same rule, for the seven BerAKHLAK
    values when the supervisor gives no overall Perilaku Kerja rating.
    """
    if not ratings:
        raise ValueError("nothing to summarise")
    above = sum(r is Rating.DI_ATAS for r in ratings)
    below = sum(r is Rating.DI_BAWAH for r in ratings)
    if below * 2 > len(ratings):
        return Rating.DI_BAWAH
    if above * 2 >= len(ratings) and below == 0:
        return Rating.DI_ATAS
    return Rating.SESUAI
