"""The English demo's words (the default): names, companies, notes, and how contact details are
written. Every locale's module has the same names (see words_ru); the steps read them from the
DemoContext. Changing anything here changes the English demo every seed gives."""

from __future__ import annotations

LOCALE = "en"
CURRENCY = "EUR"  # the demo workspace's home currency
WORKSPACE = "Demo Studio"
OWNER_NAME = "Demo Owner"
NO_PROSPECTS_REASON = "Treats us as a subordinate; pushes every price down."
LATE_ATTRIBUTION = "Late attribution."
THE_PARTNER = "the partner"
STATEMENT_LABEL = "Demo link"

FIRST = [
    "Anna",
    "Boris",
    "Clara",
    "Dmitri",
    "Elena",
    "Felix",
    "Galina",
    "Hugo",
    "Irina",
    "Jonas",
    "Katya",
    "Leo",
    "Maria",
    "Nikolai",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sergei",
    "Tanya",
    "Ulrich",
    "Vera",
    "Wanda",
    "Xenia",
    "Yuri",
    "Zoe",
    "Amir",
    "Bea",
    "Chen",
    "Dara",
]

LAST = [
    "Ivanova",
    "Schmidt",
    "Novak",
    "Petrov",
    "Garcia",
    "Müller",
    "Kowalski",
    "Rossi",
    "Smirnov",
    "Berg",
    "Larsen",
    "Dubois",
    "Costa",
    "Horvat",
    "Nielsen",
    "Popescu",
    "Weber",
    "Fischer",
    "Sokolov",
    "Moreau",
]

COMPANY_A = [
    "Green",
    "North",
    "Bright",
    "Silver",
    "Blue",
    "Amber",
    "Oak",
    "River",
    "Stone",
    "Cedar",
    "Maple",
    "Pine",
    "Iron",
    "Golden",
    "Swift",
    "Clear",
    "Urban",
    "Coastal",
    "Summit",
    "Harbor",
]

COMPANY_B = [
    "Studio",
    "Labs",
    "Works",
    "Bakery",
    "Dental",
    "Logistics",
    "Architects",
    "Coffee",
    "Consulting",
    "Fitness",
    "Legal",
    "Media",
    "Foods",
    "Print",
    "Travel",
    "Clinic",
    "Garden",
    "Motors",
    "Books",
    "Tech",
]

ROLES = [
    "CEO",
    "Founder",
    "Marketing lead",
    "Office manager",
    "CTO",
    "Head of sales",
    "Assistant",
    "Owner",
    "Project manager",
    "Designer",
]

TITLES = [
    "Website redesign",
    "Brand identity",
    "Online shop",
    "SEO audit",
    "Monthly retainer",
    "Photo shoot",
    "Mobile app",
    "Newsletter set-up",
    "Packaging design",
    "Copywriting",
    "Trade-show booth",
    "Logo refresh",
    "Social media plan",
    "Annual report",
    "Training day",
    "Booking system",
    "Product catalogue",
]

LOST_REASONS = [
    "Budget went to another project.",
    "Chose a cheaper offer.",
    "Timing: postponed to next year.",
    "We turned it down: it would not have worked for them.",
    "No answer after the proposal.",
]

US_NOTES = [
    "Good margin, reusable work.",
    "Break-even, but a door opener.",
    "Below our usual rate.",
    "Steady monthly income.",
]

THEM_NOTES = [
    "Instalments fit their budget.",
    "Solves their booking backlog.",
    "They pay for more than they need.",
    "Rent-to-own: they own it after a year.",
]

CLAUSES = [
    "Invoices monthly; commission paid within 30 days of our payment.",
    "Commission on the first year of every referred client's work.",
    "Referrals introduced by email with both sides in copy.",
]

SUMMARIES = {
    "call": [
        "Catch-up call about next quarter",
        "Quick call: they liked the draft",
        "Called about the invoice",
        "Talked through the new brief",
        "Call: introduced us to their marketing lead",
    ],
    "meeting": [
        "Coffee meeting, discussed a referral",
        "Workshop at their office",
        "Lunch: they plan a rebrand",
        "Review meeting for the launch",
    ],
    "email": [
        "Sent the proposal",
        "They asked for a quote",
        "Shared the case study",
        "Followed up on the offer",
        "Sent the monthly report",
    ],
    "message": [
        "Quick message about the deadline",
        "Congratulated them on the award",
        "Asked how the launch went",
        "They sent a referral's contact",
    ],
    "note": [
        "Prefers calls in the morning",
        "Budget decided in March",
        "Decision maker is the CFO",
        "Sensitive about price changes",
    ],
}

REFERRAL_NOTES = [
    "Met at their launch party.",
    "Recommended us after the website project.",
    "Forwarded our article.",
    "Introduced over lunch.",
    "Asked us to call them.",
    "Shared our case study with their board.",
]

REMINDER_TITLES = [
    "Check in with {name}",
    "Send the proposal to {name}",
    "Ask {name} for a referral",
    "Follow up on the invoice with {name}",
    "Share the case study with {name}",
    "Book a coffee with {name}",
    "Confirm next steps with {name}",
    "Thank {name} for the introduction",
]

TEAM = [("Alex Morgan", "alex@demo.orchard"), ("Sam Rivera", "sam@demo.orchard")]

REMINDER_LOOSE = ["Update the portfolio", "Write the monthly newsletter", "Review open proposals", "Plan next quarter"]


def person(rng) -> tuple[str, str]:
    """A first name and a surname."""
    return rng.choice(FIRST), rng.choice(LAST)


def company(rng) -> str:
    return f"{rng.choice(COMPANY_A)} {rng.choice(COMPANY_B)}"


def website(name: str, number: int) -> str:
    return f"https://{name.split()[0].lower()}-{number}.example.com"


def email(first: str, last: str, partner_id: int) -> str:
    return f"{first}.{last}.{partner_id}@example.com".lower()


def phone(rng) -> str:
    return f"+49 30 {rng.randint(1000000, 9999999)}"


def foreign_currencies(home: str) -> tuple[str, str, str]:
    """The currencies some deals are in besides the home one, most frequent first."""
    return ("USD" if home != "USD" else "EUR", "GBP" if home != "GBP" else "EUR", "JPY")
