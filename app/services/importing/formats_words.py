"""The header words the mapping guess knows, English and Russian, already normalised (lower case,
punctuation as spaces, ё as е: see formats.normalise).

PHRASES are whole headers (a sure match); TOKENS are words a longer header may contain ("Work email",
"Телефон мобильный"), counted only when the header contains words of one field alone. Some headers
name a family rather than a field, settled by the rest of the file (formats._resolve): a bare "Name"
is the contact's beside a company column, "Имя" is the first name beside a "Фамилия", notes are the
contact's notes when the rows are contacts."""

from __future__ import annotations

NAME_WORDS = "@name"  # a bare "Name"/"Название": the partner's, or the person's in a file about people
PERSON_NAME_WORDS = "@person"  # "Full name"/"ФИО": always a person
FIRST_NAME_WORDS = "@first"  # "Имя": a first name or a whole name
LAST_NAME_WORDS = "@last"
COMPANY_WORDS = "@company"
NOTES = "@notes"  # partner.notes, or contact.notes when the rows are contacts


def _phrases(entries: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {phrase: key for key, phrases in entries.items() for phrase in phrases}


PHRASES = _phrases(
    {
        NAME_WORDS: ("name", "names"),
        PERSON_NAME_WORDS: (
            "full name",
            "fullname",
            "contact",
            "contact name",
            "contact person",
            "person",
            "фио",
            "ф и о",
            "полное имя",
            "имя фамилия",
            "имя и фамилия",
            "фамилия имя",
            "фамилия имя отчество",
            "контакт",
            "контактное лицо",
            "имя контакта",
        ),
        FIRST_NAME_WORDS: ("имя",),
        "contact.first_name": ("first name", "firstname", "first", "given name", "forename"),
        LAST_NAME_WORDS: ("last name", "lastname", "last", "family name", "surname", "фамилия"),
        COMPANY_WORDS: (
            "company",
            "company name",
            "organization",
            "organisation",
            "organization name",
            "organisation name",
            "partner",
            "partner name",
            "client",
            "client name",
            "customer",
            "customer name",
            "account",
            "account name",
            "business",
            "business name",
            "firm",
            "employer",
            "компания",
            "название компании",
            "организация",
            "название организации",
            "наименование",
            "наименование организации",
            "партнер",
            "клиент",
            "фирма",
            "контрагент",
            "название",
        ),
        "contact.role": (
            "role",
            "title",
            "job title",
            "job",
            "position",
            "occupation",
            "должность",
            "роль",
            "позиция",
            "organization title",
        ),
        "contact.email": (
            "email",
            "e mail",
            "emails",
            "mail",
            "email address",
            "e mail address",
            "email адрес",
            "почта",
            "эл почта",
            "электронная почта",
            "адрес электронной почты",
            "адрес эл почты",
            "емейл",
            "имейл",
            "e mail адрес",
        ),
        "contact.phone": (
            "phone",
            "phones",
            "telephone",
            "tel",
            "mobile",
            "mobile phone",
            "cell",
            "cell phone",
            "phone number",
            "телефон",
            "тел",
            "мобильный",
            "мобильный телефон",
            "моб телефон",
            "сотовый",
            "номер телефона",
        ),
        "partner.website": (
            "website",
            "web site",
            "web page",
            "webpage",
            "site",
            "url",
            "homepage",
            "home page",
            "web",
            "сайт",
            "веб сайт",
        ),
        NOTES: (
            "notes",
            "note",
            "comment",
            "comments",
            "remarks",
            "заметки",
            "заметка",
            "примечание",
            "примечания",
            "комментарий",
            "комментарии",
        ),
        "partner.status": ("status", "partner status", "client status", "статус"),
        "partner.tier": ("tier", "level", "partner tier", "уровень"),
        "partner.kind": ("kind", "partner kind", "partner type", "тип партнера", "вид партнера"),
        "partner.owner": (
            "owner",
            "account owner",
            "partner owner",
            "manager",
            "account manager",
            "responsible",
            "ответственный",
            "менеджер",
            "владелец",
        ),
        "partner.source": ("source", "lead source", "источник", "источник клиента"),
        "partner.referred_by": (
            "referred by",
            "referrer",
            "referrer id",
            "referrer name",
            "recommended by",
            "referral from",
            "рекомендовал",
            "кто порекомендовал",
            "кто рекомендовал",
            "по рекомендации",
            "рекомендатель",
        ),
        "partner.no_prospects_reason": ("no prospects reason", "причина без перспектив"),
        "partner.ref": ("id", "ref", "row id", "record id", "ид", "код"),
        "partner.orchard_id": ("orchard id",),
        "deal.title": ("deal", "deal title", "deal name", "opportunity", "сделка", "название сделки"),
        "deal.amount": ("amount", "deal amount", "deal value", "сумма", "сумма сделки"),
        "deal.currency": ("currency", "deal currency", "валюта"),
        "deal.stage": ("stage", "deal stage", "pipeline stage", "этап", "стадия", "этап сделки"),
    }
)

TOKENS = {
    "contact.email": ("email", "e mail", "почта", "емейл"),
    "contact.phone": ("phone", "telephone", "mobile", "телефон", "мобильный", "сотовый"),
    "partner.website": ("website", "web site", "web page", "url", "сайт"),
    NOTES: ("notes", "note", "comment", "comments", "заметки", "примечание", "комментарий"),
    COMPANY_WORDS: ("company", "organization", "organisation", "компания", "организация"),
    "partner.status": ("status", "статус"),
    "partner.referred_by": ("referred by", "referrer", "рекомендовал", "рекомендации"),
    "contact.role": ("job title", "position", "должность"),
    "deal.amount": ("amount", "сумма"),
    "deal.stage": ("stage", "этап"),
}

# A header holding one of these is about something else ("E-mail 1 - Label", "Business Fax",
# "Organization Department", "Connected On") unless the whole header is a known phrase.
DISQUALIFYING = frozenset(
    [
        "label",
        "type",
        "display",
        "yomi",
        "phonetic",
        "fax",
        "факс",
        "pager",
        "department",
        "отдел",
        "date",
        "дата",
        "on",
        "created",
        "updated",
        "symbol",
        "location",
        "address",
        "адрес",
        "street",
        "city",
    ]
)


# What other CRMs and spreadsheets call Orchard's choices (English and Russian, folded as
# formats.normalise folds a header): the mapping step pre-selects these, the user confirms.
CHOICE_WORDS: dict[str, dict[str, str]] = {
    "partner.status": {
        **dict.fromkeys(["lead", "new", "potential", "prospective", "лид", "новый", "потенциальный"], "prospect"),
        **dict.fromkeys(
            ["active client", "client", "customer", "current", "клиент", "активный", "действующий"], "active"
        ),
        **dict.fromkeys(["on hold", "paused", "inactive", "sleeping", "спящий", "неактивный", "пауза"], "dormant"),
        **dict.fromkeys(
            ["ex client", "former client", "churned", "closed", "lost", "бывший клиент", "ушел", "закрыт"], "ended"
        ),
        **dict.fromkeys(["referral partner", "рекомендатель", "партнер"], "referrer"),
    },
    "partner.tier": {
        **dict.fromkeys(["high", "gold", "key", "vip", "высокий", "ключевой"], "A"),
        **dict.fromkeys(["medium", "silver", "normal", "средний", "обычный"], "B"),
        **dict.fromkeys(["low", "bronze", "низкий"], "C"),
    },
    "partner.source": {
        **dict.fromkeys(
            ["recommendation", "word of mouth", "referred", "рекомендация", "сарафан", "сарафанное радио"], "referral"
        ),
        **dict.fromkeys(["website", "blog", "article", "seo", "сайт", "блог", "статья"], "content"),
        **dict.fromkeys(["cold", "outbound", "прямой", "холодный"], "direct"),
        **dict.fromkeys(["conference", "meetup", "fair", "выставка", "конференция", "мероприятие"], "event"),
    },
    "partner.kind": {
        **dict.fromkeys(["organisation", "organization", "business", "компания", "организация"], "company"),
        **dict.fromkeys(["individual", "private", "private person", "частное лицо", "физлицо"], "person"),
    },
    "deal.stage": {
        **dict.fromkeys(["new", "qualified", "новая"], "lead"),
        **dict.fromkeys(["quote", "offer", "proposal sent", "кп", "предложение"], "proposal"),
        **dict.fromkeys(["negotiating", "переговоры"], "negotiation"),
        **dict.fromkeys(["closed won", "выиграна", "успешно"], "won"),
        **dict.fromkeys(["closed lost", "проиграна", "отказ"], "lost"),
    },
}
