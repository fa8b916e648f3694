from datetime import date

import pytest
from pydantic import BaseModel, ValidationError

from common.domain.nip import InvalidNip, Nip, parse_nip

TODAY = date(2026, 11, 27)


def test_a_valid_nip_is_read_into_its_parts():
    info = parse_nip("198507142010011003", TODAY)
    assert info.birth_date == date(1985, 7, 14)
    assert (info.tmt_year, info.tmt_month) == (2010, 1)
    assert info.gender == "L"
    assert info.sequence == 3


@pytest.mark.parametrize(
    "value, reason",
    [
        ("19850714201001100", "format"),  # 17 digits
        ("1985071420100110033", "format"),
        ("19850714201001100A", "format"),
        ("198502302010011003", "birth_date"),  # 30 February
        ("198513012010011003", "birth_date"),  # month 13
        ("198507142010131003", "tmt_month"),
        ("198507142010001003", "tmt_month"),
        ("203001012050011003", "birth_future"),
        ("198507142027011003", "tmt_future"),
        ("198507142003061003", "tmt_before_18"),  # aged 17
        ("198507142010013003", "gender"),
    ],
)
def test_impossible_nips_are_refused_with_the_reason(value, reason):
    with pytest.raises(InvalidNip) as error:
        parse_nip(value, TODAY)
    assert error.value.reason == reason


def test_tmt_in_the_month_of_the_18th_birthday_is_possible():
    assert parse_nip("198507142003071003", TODAY).tmt_year == 2003


def test_female_digit():
    assert parse_nip("199001012015032001", TODAY).gender == "P"


def test_nip_field_reports_a_typed_error():
    class Model(BaseModel):
        nip: Nip

    with pytest.raises(ValidationError) as error:
        Model(nip="198502302010011003")
    (problem,) = error.value.errors()
    assert problem["type"] == "nip_invalid"
    assert problem["ctx"] == {"reason": "birth_date"}
