"""In a browser: a reader joins each kind of plan from its page and finds it in My Account
(R-S1, R-S3, R-S5, R-S6, R-D3, R-L5, R-P5). Stripe.js is localstripe's stand-in (plain inputs,
an in-page "bank" for 3-D Secure); the page's own code is the production code."""

import re

from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from bookclub.models import Plan, Subscription
from tests.bookclub.joining_steps import countries
from tests.factories import UserFactory
from tests.factories.bookclub import make_plan, plan_page, plans_index
from tests.factories.legal import publish_terms_and_privacy

Kind = Plan.Kind


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def fill_card(page, number: str):
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("31")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("OX12AB")


def shoot(page, path, name, axe):
    axe(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=path / f"{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=path / f"{name}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def about_you(page, plan):
    page.locator("#id_date_of_birth").fill("1990-06-15")
    if plan.is_physical:
        page.get_by_label("I live in the United Kingdom.").check()
        page.locator("#id_address-first_name").fill("Ada")
        page.locator("#id_address-last_name").fill("Reader")
        page.locator("#id_address-line1").fill("1 Library Lane")
        page.locator("#id_address-line4").fill("Oxford")
        page.locator("#id_address-postcode").fill("OX1 2AB")


def test_R_S6_R_P5_a_reader_joins_each_kind_of_plan_and_sees_them_in_my_account(
    page, live_server, transactional_db, localstripe, output_dir, axe
):
    publish_terms_and_privacy()
    countries()
    index = plans_index()
    post = make_plan(Kind.PAY_MONTHLY, title="Paperback Post", price="15.99", books_per_month=2)
    shelf = make_plan(Kind.EBOOK, title="The eBook Shelf", price="3.99")
    quarterly = make_plan(Kind.PREPAID, title="The Quarterly Shelf", price="47.97", term_months=3)
    assert index is not None
    pages = {plan.pk: plan_page(plan) for plan in (post, shelf, quarterly)}
    ada = UserFactory(email="ada.reader@example.com", first_name="Ada", last_name="Reader")
    mail.outbox.clear()

    # Signed out, Join asks to sign in first.
    page.goto(live_server.url + pages[post.pk].url)
    page.get_by_role("button", name="Essential cookies only").click()
    page.get_by_role("link", name="Join Paperback Post").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/club/plans/"))
    sign_in(page, live_server, ada)

    # 1. Pay-monthly paperbacks: no payment now, the first parcel at half price.
    page.goto(live_server.url + pages[post.pk].url)
    page.get_by_role("link", name="Join Paperback Post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Paperback Post")
    page.locator("#id_date_of_birth").fill("2010-01-01")  # too young: refused, clearly
    page.get_by_label("I live in the United Kingdom.").check()
    about_you(page, post)
    page.locator("#id_date_of_birth").fill("2010-01-01")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#join-error")).to_contain_text("aged 18 or over")
    shoot(page, output_dir, "1-refused-under-18", axe)
    about_you(page, post)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review and join Paperback Post")
    expect(page.locator(".join-terms")).to_contain_text("Total monthly cost: £15.99")
    expect(page.locator(".join-terms")).to_contain_text("half price: £7.99")
    shoot(page, output_dir, "2-review-pay-monthly", axe)
    page.get_by_label("I agree to the").check()
    page.get_by_label("What I declared is true").check()
    page.get_by_role("button", name="Join Paperback Post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Paperback Post")
    shoot(page, output_dir, "3-welcome-pay-monthly", axe)

    # 2. eBooks: the card saved with a SetupIntent, then the first month paid.
    page.goto(live_server.url + pages[shelf.pk].url)
    page.get_by_role("link", name="Join The eBook Shelf").click()
    about_you(page, shelf)
    page.get_by_label("eBooks a month").select_option("3")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your card")
    fill_card(page, "4242424242424242")
    shoot(page, output_dir, "4-card", axe)
    page.get_by_role("button", name="Save card and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review and join The eBook Shelf")
    expect(page.locator(".join-terms")).to_contain_text("Total monthly cost: £11.97")
    page.get_by_label("I agree to the").check()
    page.get_by_label("What I declared is true").check()
    page.get_by_role("button", name="Pay £11.97 and join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to The eBook Shelf")

    # 3. Pre-paid, with a card whose bank asks for 3-D Secure, at setup and at payment.
    page.goto(live_server.url + pages[quarterly.pk].url)
    page.get_by_role("link", name="Join The Quarterly Shelf").click()
    about_you(page, quarterly)
    page.get_by_role("button", name="Continue").click()
    fill_card(page, "4000002760003184")
    page.get_by_role("button", name="Save card and continue").click()
    page.get_by_role("button", name="Complete authentication").click()  # the bank, at setup
    expect(page.get_by_role("heading", level=1)).to_have_text("Review and join The Quarterly Shelf")
    shoot(page, output_dir, "5-review-prepaid", axe)
    page.get_by_label("I agree to the").check()
    page.get_by_label("What I declared is true").check()
    page.get_by_role("button", name="Pay £47.97 and join").click()
    page.get_by_role("button", name="Complete authentication").click()  # and at payment
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to The Quarterly Shelf")

    # My Account lists all three, each with what comes next.
    page.get_by_role("link", name="See it in My Account").click()
    expect(page.locator("#plan-heading")).to_contain_text("The Quarterly Shelf")
    shoot(page, output_dir, "6-my-account-prepaid", axe)
    page.locator(".nav-link", has_text="Subscriptions").click()
    for name in ("Paperback Post", "The eBook Shelf", "The Quarterly Shelf"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    shoot(page, output_dir, "7-my-account-list", axe)

    # An eBook month's titles: the new charge shown before confirming.
    page.get_by_role("link", name="The eBook Shelf").click()
    shoot(page, output_dir, "8-my-account-ebook", axe)
    page.get_by_role("link", name="Cancel my eSubscription").click()
    expect(page.locator(".subscription-effects")).to_contain_text("90 days")
    shoot(page, output_dir, "9-cancel-explained", axe)
    page.get_by_role("button", name="Cancel my eSubscription").click()
    expect(page.get_by_role("link", name="Resume my eSubscription")).to_be_visible()

    states = dict(Subscription.objects.filter(customer=ada).values_list("plan__product__title", "state"))
    assert states == {
        "Paperback Post": "active",
        "The Quarterly Shelf": "active",
        "The eBook Shelf": "cancelled",
    }
    subjects = [message.subject for message in mail.outbox]
    assert len([s for s in subjects if "confirm" in s.lower()]) >= 3, subjects
