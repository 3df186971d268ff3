"""Recognising the exports people have, and the first guess of the column mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.importing.fields import FIELD_BY_KEY, Mapping
from app.services.importing.formats import (
    FORMAT_LABELS,
    ORCHARD_HEADERS,
    choice_word,
    guess_mapping,
    normalise,
    recognise,
)
from app.services.importing.readers import read_table
from app.services.importing.vcard_reader import HEADERS as VCARD_HEADERS

FILES = Path(__file__).parent / "files"


def headers_of(name: str) -> list[str]:
    return read_table((FILES / name).read_bytes(), name).headers


def fields(mapping: Mapping) -> dict[str, tuple[str, int] | None]:
    """header -> (field, slot), None when unmapped."""
    return {c.header: (c.field, c.slot) if c.field else None for c in mapping.columns}


def assert_well_formed(mapping: Mapping, headers: list[str]) -> None:
    assert [(c.header, c.index) for c in mapping.columns] == [(h, i) for i, h in enumerate(headers)]
    taken = [(c.field, c.slot) for c in mapping.columns if c.field]
    assert len(taken) == len(set(taken)), "two headers took the same field and slot"
    for column in mapping.columns:
        if column.field:
            assert column.field in FIELD_BY_KEY
            assert column.slot == 1 or FIELD_BY_KEY[column.field].repeatable
    Mapping.from_json(mapping.to_json())  # what the wizard stores reads back


def test_normalise():
    assert normalise("E-mail 2 - Value") == "e mail 2 value"
    assert normalise("  Эл. почта ") == "эл почта"
    assert normalise("Ёмкость/Объём") == "емкость объем"
    assert normalise("Manager's_Name") == "manager s name"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("google_contacts.csv", "google"),
        ("google_contacts_old.csv", "google"),
        ("outlook.csv", "outlook"),
        ("linkedin_connections.csv", "linkedin"),
        ("orchard_partners.csv", "orchard"),
        ("excel_ru_cp1251_semicolon.csv", None),
        ("tab_separated.tsv", None),
        ("partners.xlsx", None),
        ("contacts_v3.vcf", None),
    ],
)
def test_recognise(name, expected):
    assert recognise(headers_of(name)) == expected
    assert expected is None or expected in FORMAT_LABELS


def test_orchard_header_is_the_contract_one():
    assert headers_of("orchard_partners.csv") == list(ORCHARD_HEADERS)


def test_google_premap():
    headers = headers_of("google_contacts.csv")
    mapping = guess_mapping(headers, "contacts")
    assert_well_formed(mapping, headers)
    got = fields(mapping)
    assert got["First Name"] == ("contact.first_name", 1)
    assert got["Last Name"] == ("contact.last_name", 1)
    assert got["Organization Name"] == ("partner.name", 1)
    assert got["Organization Title"] == ("contact.role", 1)
    assert got["E-mail 1 - Value"] == ("contact.email", 1)
    # a second email or phone of the same person is not a second contact (a contact has one of each)
    assert got["E-mail 2 - Value"] is None and got["Phone 2 - Value"] is None
    assert got["Website 1 - Value"] == ("partner.website", 1)
    assert got["Notes"] == ("contact.notes", 1)
    for unmapped in ("E-mail 1 - Label", "Phone 1 - Label", "Middle Name", "Phonetic First Name", "Labels", "Birthday"):
        assert got[unmapped] is None
    assert fields(guess_mapping(headers, "partners"))["Notes"] == ("partner.notes", 1)


def test_google_old_layout_premap():
    got = fields(guess_mapping(headers_of("google_contacts_old.csv"), "partners"))
    assert got["Name"] == ("contact.name", 1)
    assert got["Given Name"] == ("contact.first_name", 1)
    assert got["Family Name"] == ("contact.last_name", 1)
    assert got["Organization 1 - Name"] == ("partner.name", 1)
    assert got["Organization 1 - Title"] == ("contact.role", 1)
    assert got["E-mail 2 - Value"] is None  # the same person's second address
    assert got["E-mail 1 - Type"] is None and got["Organization 1 - Yomi Name"] is None


def test_outlook_premap():
    headers = headers_of("outlook.csv")
    mapping = guess_mapping(headers, "partners")
    assert_well_formed(mapping, headers)
    got = fields(mapping)
    assert got["Company"] == ("partner.name", 1)
    assert got["Job Title"] == ("contact.role", 1)
    assert got["Title"] is None  # Mr./Ms.
    assert got["E-mail Address"] == ("contact.email", 1)
    assert got["E-mail 2 Address"] is None and got["E-mail 3 Address"] is None  # the same person's
    assert got["Mobile Phone"] == ("contact.phone", 1)
    assert got["Business Phone"] is None and got["Home Phone"] is None
    assert got["Web Page"] == ("partner.website", 1)
    assert got["Referred By"] == ("partner.referred_by", 1)
    assert got["E-mail Display Name"] is None


def test_outlook_without_a_mobile_column_takes_the_business_phone():
    headers = ["First Name", "Last Name", "E-mail Address", "Business Phone", "Home Phone", "Company"]
    assert recognise(headers) == "outlook"
    assert fields(guess_mapping(headers, "contacts"))["Business Phone"] == ("contact.phone", 1)


def test_linkedin_premap():
    headers = headers_of("linkedin_connections.csv")
    got = fields(guess_mapping(headers, "contacts"))
    assert got == {
        "First Name": ("contact.first_name", 1),
        "Last Name": ("contact.last_name", 1),
        "URL": None,  # the LinkedIn profile, not a website
        "Email Address": ("contact.email", 1),
        "Company": ("partner.name", 1),
        "Position": ("contact.role", 1),
        "Connected On": None,
    }


def test_orchard_premap():
    headers = headers_of("orchard_partners.csv")
    mapping = guess_mapping(headers, "partners")
    assert_well_formed(mapping, headers)
    assert fields(mapping) == {
        "Orchard ID": ("partner.orchard_id", 1),
        "Name": ("partner.name", 1),
        "Kind": ("partner.kind", 1),
        "Status": ("partner.status", 1),
        "Tier": ("partner.tier", 1),
        "Owner": ("partner.owner", 1),
        "Source": ("partner.source", 1),
        "Website": ("partner.website", 1),
        "Referred by": None,
        "Referrer ID": ("partner.referred_by", 1),
        "Contacts": None,
        "Primary contact": ("contact.name", 1),
        "Primary contact email": ("contact.email", 1),
        "Primary contact phone": ("contact.phone", 1),
        "Last interaction": None,
        "Notes": ("partner.notes", 1),
        "No prospects reason": ("partner.no_prospects_reason", 1),
        "Created": None,
    }


@pytest.mark.parametrize("kind", ["partners", "contacts"])
def test_vcard_headers(kind):
    got = fields(guess_mapping(list(VCARD_HEADERS), kind))
    assert got["Full name"] == ("contact.name", 1)
    assert got["First name"] == ("contact.first_name", 1)
    assert got["Last name"] == ("contact.last_name", 1)
    assert got["Organization"] == ("partner.name", 1)
    assert got["Title"] == ("contact.role", 1)
    # one card is one person: their first email and phone go to the contact, the others are not
    # second contacts
    assert [got[f"Email {n}"] for n in (1, 2, 3)] == [("contact.email", 1), None, None]
    assert [got[f"Phone {n}"] for n in (1, 2, 3)] == [("contact.phone", 1), None, None]
    assert got["Website"] == ("partner.website", 1)
    assert got["Note"] == ("contact.notes" if kind == "contacts" else "partner.notes", 1)


def test_russian_excel_export():
    headers = headers_of("excel_ru_cp1251_semicolon.csv")
    got = fields(guess_mapping(headers, "contacts"))
    assert got == {
        "Имя": ("contact.name", 1),  # no "Фамилия" beside it: the whole name
        "Компания": ("partner.name", 1),
        "Должность": ("contact.role", 1),
        "Телефон": ("contact.phone", 1),
        "Эл. почта": ("contact.email", 1),
        "Сумма": ("deal.amount", 1),
        "Примечание": ("contact.notes", 1),
    }


def test_russian_generic_headers():
    headers = [
        "ФИО",
        "Организация",
        "Почта",
        "Мобильный",
        "Телефон 2",
        "Сайт",
        "Статус",
        "Уровень",
        "Ответственный",
        "Источник",
        "Кто порекомендовал",
        "Сделка",
        "Валюта",
        "Этап",
        "Комментарий",
        "Дата создания",
    ]
    mapping = guess_mapping(headers, "partners")
    assert_well_formed(mapping, headers)
    assert fields(mapping) == {
        "ФИО": ("contact.name", 1),
        "Организация": ("partner.name", 1),
        "Почта": ("contact.email", 1),
        "Мобильный": ("contact.phone", 1),
        "Телефон 2": None,  # a second phone of the same person
        "Сайт": ("partner.website", 1),
        "Статус": ("partner.status", 1),
        "Уровень": ("partner.tier", 1),
        "Ответственный": ("partner.owner", 1),
        "Источник": ("partner.source", 1),
        "Кто порекомендовал": ("partner.referred_by", 1),
        "Сделка": ("deal.title", 1),
        "Валюта": ("deal.currency", 1),
        "Этап": ("deal.stage", 1),
        "Комментарий": ("partner.notes", 1),
        "Дата создания": None,
    }


def test_first_and_last_name_in_russian():
    got = fields(guess_mapping(["Фамилия", "Имя", "Отчество", "Менеджер", "Рекомендовал"], "partners"))
    assert got == {
        "Фамилия": ("contact.last_name", 1),
        "Имя": ("contact.first_name", 1),
        "Отчество": None,
        "Менеджер": ("partner.owner", 1),
        "Рекомендовал": ("partner.referred_by", 1),
    }


def test_english_generic_headers():
    headers = [
        "ID",
        "Company name",
        "Contact person",
        "Work email",
        "Phone number",
        "Web site",
        "Referrer",
        "Role",
        "Deal title",
        "Amount",
        "Currency",
        "Stage",
        "Comments",
        "Account owner",
        "Lead source",
    ]
    got = fields(guess_mapping(headers, "partners"))
    assert got == {
        "ID": ("partner.ref", 1),
        "Company name": ("partner.name", 1),
        "Contact person": ("contact.name", 1),
        "Work email": ("contact.email", 1),
        "Phone number": ("contact.phone", 1),
        "Web site": ("partner.website", 1),
        "Referrer": ("partner.referred_by", 1),
        "Role": ("contact.role", 1),
        "Deal title": ("deal.title", 1),
        "Amount": ("deal.amount", 1),
        "Currency": ("deal.currency", 1),
        "Stage": ("deal.stage", 1),
        "Comments": ("partner.notes", 1),
        "Account owner": ("partner.owner", 1),
        "Lead source": ("partner.source", 1),
    }


def test_a_bare_name_is_the_partner_in_a_partner_list_and_the_person_beside_a_company():
    assert fields(guess_mapping(["Name", "Status", "Tier", "Website"], "partners"))["Name"] == ("partner.name", 1)
    assert fields(guess_mapping(["Name", "Company", "Status"], "partners"))["Name"] == ("contact.name", 1)
    assert fields(guess_mapping(["Name", "Status"], "contacts"))["Name"] == ("contact.name", 1)
    got = fields(guess_mapping(["Name", "Contact", "Email"], "partners"))
    assert got["Name"] == ("partner.name", 1) and got["Contact"] == ("contact.name", 1)


def test_a_person_only_file_as_partners_maps_names_to_the_contact():
    got = fields(guess_mapping(["Full name", "Email", "Phone", "Notes"], "partners"))
    assert got["Full name"] == ("contact.name", 1)
    got = fields(guess_mapping(["Name", "Email", "Phone"], "partners"))
    assert got["Name"] == ("contact.name", 1)
    got = fields(guess_mapping(["First name", "Last name", "Email"], "partners"))
    assert got == {
        "First name": ("contact.first_name", 1),
        "Last name": ("contact.last_name", 1),
        "Email": ("contact.email", 1),
    }


def test_repeated_columns_get_slots():
    headers = ["Company", "Contact 1", "Email", "Email (2)", "E-mail 3", "Phone", "Phone 2", "Contact 2"]
    got = fields(guess_mapping(headers, "partners"))
    assert got["Email"] == ("contact.email", 1)
    assert got["Email (2)"] == ("contact.email", 2)
    assert got["E-mail 3"] is None  # no third contact's name: a second address of someone, not a contact
    assert got["Phone 2"] == ("contact.phone", 2)
    assert got["Contact 1"] == ("contact.name", 1) and got["Contact 2"] == ("contact.name", 2)


def test_a_field_is_taken_once_the_surer_match_first():
    headers = ["Work email", "Email", "E-mail", "Status", "Partner status", "Company", "Organization"]
    mapping = guess_mapping(headers, "partners")
    assert_well_formed(mapping, headers)
    got = fields(mapping)
    assert got["Email"] == ("contact.email", 1)  # the whole-phrase match beats "Work email"
    assert got["Work email"] is None and got["E-mail"] is None
    assert got["Status"] == ("partner.status", 1) and got["Partner status"] is None
    assert got["Company"] == ("partner.name", 1) and got["Organization"] is None


def test_non_repeatable_fields_take_no_slots():
    got = fields(guess_mapping(["Company", "Website 2", "Status 3"], "partners"))
    assert got["Website 2"] is None and got["Status 3"] is None


@pytest.mark.parametrize(
    "header",
    ["Type", "Company Main Phone", "Email type", "Display name", "Business Fax", "Phone 11", "Column 3", "", "2024"],
)
def test_ambiguous_or_unknown_headers_stay_unmapped(header):
    got = fields(guess_mapping(["Company", header], "partners"))
    assert got[header] is None


def test_every_header_gets_a_column_even_repeated_and_blank_ones():
    headers = ["Email", "Email", "", "Notes"]
    mapping = guess_mapping(headers, "contacts")
    assert [c.index for c in mapping.columns] == [0, 1, 2, 3]
    assert [c.field for c in mapping.columns] == ["contact.email", None, None, "contact.notes"]
    assert mapping.kind == "contacts"


@pytest.mark.parametrize(
    ("key", "word", "choice"),
    [
        ("partner.status", "Active client", "active"),
        ("partner.status", "ex-client", "ended"),
        ("partner.status", "On hold", "dormant"),
        ("partner.status", "Лид", "prospect"),
        ("partner.source", "Word of mouth", "referral"),
        ("partner.tier", "VIP", "A"),
        ("deal.stage", "Closed won", "won"),
        ("partner.status", "Somewhere else", None),
    ],
)
def test_the_words_other_tools_use_for_a_choice(key, word, choice):
    assert choice_word(key, word) == choice
