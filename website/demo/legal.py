"""The five legal documents of the demo, in our own words, as versioned LegalPages (R-L1).

The Terms of Sale get two published versions (the first still readable in the archive) and a
third, significant one scheduled to go live on the first of a coming month. Created once;
a second run finds the pages and leaves them alone. Older demo databases held placeholder
StandardPages at the same addresses: those are replaced.
"""

import copy
import datetime

from django.utils import timezone
from wagtail.models import Page

from legal.models import LegalKind, LegalPage, LegalVersion

CLUB = "The Bookclub Ltd"
CONTACT = "hello@bookclub.test"


def P(text: str) -> str:
    return f"<p>{text}</p>"


TERMS_V1 = [
    (
        "preamble",
        P(
            "These terms apply whenever you buy a book, an eBook or a plan from us. Before you place an "
            "order "
            "we ask you to tick a box to say you agree to them; without that tick we cannot take the order. "
            "Our Privacy Policy and Website Terms of Use apply as well."
        ),
    ),
    (
        "About us",
        [
            f"We are {CLUB}, a book club registered in England and Wales (company number 09876543), "
            "at 4 Quire Lane, Bristol BS1 5QQ.",
            f"You can reach us by email at {CONTACT} or by post at the address above.",
        ],
    ),
    (
        "What we sell",
        [
            "Everything on the site is offered while stock lasts. If we cannot supply something you ordered, "
            "we tell you by email, cancel that item and refund it straight away.",
            "An eBook is a licence for you alone to read one EPUB copy on your own devices. You may not "
            "share, "
            "resell, copy or alter it.",
            "Only paperbacks that are not yet published can be pre-ordered.",
        ],
    ),
    (
        "Your account",
        [
            "Keep your password to yourself. If you think someone else knows it, change it and sign out of "
            "your other sessions from My Account, and let us know.",
        ],
    ),
    (
        "How the contract is made",
        [
            "You can check and correct your order at every step before you place it.",
            "Placing an order is an offer to buy. The contract begins when we email you the Order "
            "Confirmation, "
            "which we send only once your payment has been received.",
            "If we send an order in more than one parcel, you pay delivery only once.",
            "Plans are for readers aged 18 or over. Paperback plans deliver to UK addresses only.",
            "Our editors choose each month's titles for a plan; they cannot be swapped.",
            "A pre-paid plan renews at the end of its term unless you switch renewal off in My Account "
            "before "
            "the renewal date. We remind you by email three days before. There are no part refunds for a "
            "term already begun.",
            "Anything you buy alongside a plan is a separate order with its own confirmation.",
        ],
    ),
    (
        "Changes to these terms",
        [
            "We may update these terms. The version in force when you place an order governs that order, and "
            "every version we have published stays readable on this site.",
            "If a change affects your plan's dates, our contact details or the delivery services we use, we "
            "email subscribers before it takes effect. You may then end the contract and we refund anything "
            "you have paid for and not yet received.",
        ],
    ),
    (
        "Cancelling and returns",
        [
            "You may cancel an order of paperbacks within 14 days of receiving them, from My Account or by "
            "writing to us. Send the books back within 14 days of cancelling; return postage is yours unless "
            "they are faulty.",
            "We refund the price and the original delivery charge within 14 days of getting the books "
            "back, or "
            "of your proof of posting if that comes first. We may deduct for books that are no longer "
            "as new.",
            "Faulty or wrongly described goods: we refund them in full, including delivery and reasonable "
            "return costs, or send a replacement at once.",
            "eBooks: you may cancel within 14 days of the Order Confirmation as long as you have not started "
            "the download. Once a download starts, the eBook counts as delivered and cannot be refunded.",
        ],
    ),
    (
        "Delivery",
        [
            "Your Order Confirmation gives an estimated delivery date. If something outside our control "
            "delays "
            "it, we email you a new date.",
            "We deliver across the UK and to most other countries. Import duties and local taxes on orders "
            "abroad are for you to pay; if you refuse them, the order counts as cancelled by you.",
        ],
    ),
    (
        "Prices and payment",
        [
            "Prices are in pounds sterling and include VAT where it applies. Delivery is charged separately "
            "and shown before you order.",
            "We take payment by card when you place the order, except for pay-monthly paperback plans, which "
            "we invoice: payment is due within 14 days of delivery.",
            "If we find an item was overpriced on your order, we correct it and refund the difference.",
            "Refunds go back to the card or account you paid with.",
        ],
    ),
]


def _terms_v2():
    body = copy.deepcopy(TERMS_V1)
    delivery = body[7][1]
    delivery[1] = (
        "We deliver across the UK and to most other countries, except a short list of countries we "
        "cannot currently reach, shown at checkout. Import duties and local taxes on orders abroad are "
        "for you to pay; if you refuse them, the order counts as cancelled by you."
    )
    body[3][1].append("We will never ask for your password by email or phone.")
    return body


def _terms_v3():
    body = _terms_v2()
    body[1][1][0] = (
        f"We are {CLUB}, a book club registered in England and Wales (company number 09876543), "
        "at 27 Folio Yard, Bristol BS2 0JT."
    )
    body[1][1][1] = (
        f"You can reach us by email at {CONTACT}, by phone on 0117 000 0000, or by post at the address above."
    )
    body[7][1].insert(
        1,
        "Paperback plans now travel by a tracked service, so you can follow each month's parcel.",
    )
    return body


def _stream(spec) -> list:
    blocks = []
    for item in spec:
        if item[0] == "preamble":
            blocks.append(("preamble", item[1]))
        else:
            heading, clauses = item
            blocks.append(
                ("section", {"heading": heading, "intro": "", "clauses": [{"text": P(c)} for c in clauses]})
            )
    return blocks


OTHERS = {
    LegalKind.PRIVACY: (
        "What we collect about you, why, and the choices you have.",
        [
            (
                "preamble",
                P(f"{CLUB} is responsible for the personal data described here. Questions go to {CONTACT}."),
            ),
            (
                "What we collect",
                [
                    "What you give us: your name, email address, delivery and billing addresses, phone "
                    "number "
                    "and your choices about our emails.",
                    "What we record as you shop: your orders, plans, eBook downloads and what you asked us.",
                    "Card details go straight to our payment provider, Stripe. We never see or keep "
                    "your card number.",
                ],
            ),
            (
                "Why we use it",
                [
                    "To take, deliver and support your orders and plans (our contract with you).",
                    "To keep accounts and records that the law requires, such as tax records.",
                    "To send marketing emails, only if you opted in. Every one has a one-click "
                    "unsubscribe link.",
                ],
            ),
            (
                "Who else sees it",
                [
                    "Couriers see what they need to deliver, Stripe what it needs to take payment, and "
                    "our email "
                    "provider what it needs to send our messages. We do not sell your data.",
                ],
            ),
            (
                "How long we keep it",
                [
                    "Order records for six years, as tax law requires. Details of a cancelled eBook "
                    "plan for 90 "
                    "days, so you can resume it, then we delete them.",
                ],
            ),
            (
                "Your rights",
                [
                    "In My Account you can see and correct your details, download a copy of your data "
                    "and close "
                    "your account.",
                    "You can also ask us to stop using your data for a purpose, or complain to the "
                    "Information "
                    "Commissioner's Office.",
                ],
            ),
        ],
    ),
    LegalKind.WEBSITE_TERMS: (
        "The rules for using this website.",
        [
            (
                "Using the site",
                [
                    "You may browse and buy from the site for your own use. Please do not copy its "
                    "content in "
                    "bulk, try to break into it, or use it to send anything unlawful.",
                    "We try to keep the site available and accurate, but we may change or pause parts of it.",
                ],
            ),
            (
                "Content",
                [
                    "Book covers, blurbs and reviews belong to their owners; our own text and design "
                    "belong to us.",
                    "Links to other sites are for convenience; we are not responsible for what they say.",
                ],
            ),
            (
                "The law",
                [
                    "These terms are governed by the law of England and Wales.",
                ],
            ),
        ],
    ),
    LegalKind.RETURNS: (
        "How to cancel an order or send something back, and how refunds work.",
        [
            (
                "Changing your mind",
                [
                    "Paperbacks: you have 14 days from delivery to cancel. Tell us from My Account or "
                    "by email, "
                    "then send the books back within 14 days.",
                    "eBooks: you can cancel within 14 days of your Order Confirmation until you start "
                    "the download.",
                ],
            ),
            (
                "Faulty or wrong items",
                [
                    "If something arrives damaged, faulty or not as described, tell us. We pay the "
                    "return postage "
                    "and either refund you in full or send a replacement straight away.",
                ],
            ),
            (
                "Refunds",
                [
                    "We refund within 14 days of receiving the return (or your proof of posting), to "
                    "the card you paid with.",
                ],
            ),
        ],
    ),
    LegalKind.COOKIES: (
        "Which cookies we set and how to change your choice.",
        [
            (
                "Essential cookies",
                [
                    "Always on: they keep you signed in, remember your basket and protect forms. The "
                    "shop and "
                    "checkout need nothing else.",
                ],
            ),
            (
                "Optional cookies",
                [
                    "Functional cookies remember preferences such as how you sort the catalogue.",
                    "Analytics cookies tell us, in total, which pages are read. No analytics script "
                    "loads until "
                    "you agree.",
                ],
            ),
            (
                "Your choice",
                [
                    "You choose when you first visit and can change your mind at any time from the link "
                    "in the "
                    "footer. We keep a record of each choice and of the version of this policy you saw.",
                ],
            ),
        ],
    ),
}
TITLES = {kind: kind.label for kind in LegalKind}
INTROS = {LegalKind.TERMS: "The terms on which we sell books, eBooks and plans to you."}


def _first_of_month(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 + months
    return datetime.date(month_index // 12, month_index % 12 + 1, 1)


def _london_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _publish(
    page: LegalPage, *, effective_from, summary: str, body, go_live_at=None, significant=False, backdate=True
) -> None:
    page = LegalPage.objects.get(pk=page.pk)  # fresh: a revision carries the page's live revision
    page.effective_from, page.change_summary, page.body = effective_from, summary, _stream(body)
    page.go_live_at, page.significant_change = go_live_at, significant
    revision = page.save_revision()
    revision.publish()
    if backdate:  # the demo pretends each version went live on the day it took effect
        LegalVersion.objects.filter(revision=revision).update(published_at=_london_midnight(effective_from))


def _create(section: Page, kind: LegalKind, *, effective_from, summary: str, body) -> LegalPage:
    page = LegalPage(
        title=TITLES[kind],
        slug=kind.value,
        kind=kind.value,
        intro=INTROS.get(kind) or OTHERS[kind][0],
        effective_from=effective_from,
        change_summary=summary,
        body=_stream(body),
    )
    section.add_child(instance=page)
    revision = page.save_revision()
    revision.publish()
    LegalVersion.objects.filter(revision=revision).update(published_at=_london_midnight(effective_from))
    return page


def seed_legal_pages(section: Page, *, today: datetime.date) -> tuple[dict[str, Page], int]:
    """The five legal pages under ``section`` (the "Legal" SectionPage); returns them by slug and
    how many were created."""
    created = 0
    pages = {}
    first = _first_of_month(today, -14)
    for kind in LegalKind:
        existing = section.get_children().filter(slug=kind.value).first()
        if existing and isinstance(existing.specific, LegalPage):
            pages[kind.value] = existing.specific
            continue
        if existing:  # a placeholder from an older demo
            existing.delete()
        if kind == LegalKind.TERMS:
            page = _create(section, kind, effective_from=first, summary="First version.", body=TERMS_V1)
            _publish(
                page,
                effective_from=_first_of_month(today, -3),
                summary="Says which countries we cannot deliver to, and that we never ask for your password.",
                body=_terms_v2(),
            )
            # A significant change scheduled for a coming month: subscribers are told now (R-L4).
            go_live = _first_of_month(today + datetime.timedelta(days=31), 1)
            _publish(
                page,
                effective_from=go_live,
                summary="We are moving to a new address, adding a phone line, and sending plan parcels by a "
                "tracked service.",
                body=_terms_v3(),
                go_live_at=_london_midnight(go_live),
                significant=True,
                backdate=False,
            )
        else:
            page = _create(
                section, kind, effective_from=first, summary="First version.", body=OTHERS[kind][1]
            )
        pages[kind.value] = page
        created += 1
    return pages, created
