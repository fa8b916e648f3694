import pytest

from common.domain.ratings import Predikat, Rating, predikat, summarise
from common.domain.skp import Aspect, Direction, Indicator, capaian, category, default_hasil_kerja, realisasi_problem

A, S, B = Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH


@pytest.mark.parametrize(
    "hasil, perilaku, expected",
    [
        (A, B, Predikat.KURANG),
        (A, S, Predikat.BAIK),
        (A, A, Predikat.SANGAT_BAIK),
        (S, B, Predikat.KURANG),
        (S, S, Predikat.BAIK),
        (S, A, Predikat.BAIK),
        (B, B, Predikat.SANGAT_KURANG),
        (B, S, Predikat.BUTUH_PERBAIKAN),
        (B, A, Predikat.BUTUH_PERBAIKAN),
    ],
)
def test_the_official_predikat_matrix(hasil, perilaku, expected):
    assert predikat(hasil, perilaku) is expected


def indicator(direction=Direction.HIGHER_IS_BETTER, target=40.0, unit="dokumen"):
    return Indicator(id="IKI-1", name="Indikator uji", aspect=Aspect.KUANTITAS, target=target, unit=unit, direction=direction)


def test_capaian_is_capped_at_120_percent():
    assert capaian(indicator(), 40) == 1.0
    assert capaian(indicator(), 60) == 1.2
    assert capaian(indicator(), 30) == 0.75


def test_lower_is_better_inverts_and_zero_is_best():
    days = indicator(Direction.LOWER_IS_BETTER, target=2, unit="hari")
    assert capaian(days, 4) == 0.5
    assert capaian(days, 1) == 1.2
    assert capaian(days, 0) == 1.2
    assert capaian(days, 2) == 1.0


@pytest.mark.parametrize(
    "value, expected",
    [(1.2, A), (1.10, A), (1.0999, S), (1.0, S), (0.90, S), (0.8999, B), (0.0, B)],
)
def test_indicator_category_edges(value, expected):
    assert category(value) is expected


@pytest.mark.parametrize(
    "values, expected",
    [
        ([1.1, 1.1], A),  # all above
        ([1.1, 1.0], A),  # half above, none below
        ([1.1, 1.0, 1.0], S),  # a third above
        ([1.1, 1.1, 0.5], S),  # one below spoils Di Atas
        ([0.5, 0.5, 1.0], B),  # more than half below
        ([0.5, 1.0], S),  # exactly half below is not more than half
        ([0.5], B),
    ],
)
def test_default_hasil_kerja(values, expected):
    assert default_hasil_kerja(values) is expected


def test_summarise_needs_something():
    with pytest.raises(ValueError):
        summarise([])


def test_impossible_realisasi():
    assert realisasi_problem(indicator(), -1) == "negative"
    assert realisasi_problem(indicator(), float("nan")) == "not_finite"
    assert realisasi_problem(indicator(unit="%", target=95), 101) == "over_100_percent"
    assert realisasi_problem(indicator(unit="%", target=95), 100) is None
    assert realisasi_problem(indicator(), 1000) is None
