"""Issue 15: a guest buys a paperback with the keyboard alone, and every stop shows a focus mark.

No mouse click anywhere: Tab (and Shift+Tab) moves, Enter follows links and presses buttons, Space
ticks boxes and radios, typing fills fields. At every keyboard stop on the way the focused
element's outline is read from the page: it must be drawn (2 px or more) and stand out at least
3:1 against the background behind it (WCAG 2.4.7 and 1.4.11). axe checks each page as well.

The second journey joins one of the club's plans the same way.
"""

import re

from django.core import mail
from oscar.core.loading import get_model
from playwright.sync_api import expect

from shop.search import indexing
from tests.browser.test_checkout_journey import a_book, shop, webhooks  # noqa: F401 (fixtures)
from tests.browser.test_editor_picks_journey import club_site  # noqa: F401 (a fixture)
from tests.shop.checkout.helpers import CARDS

Order = get_model("order", "Order")

# The focused element's outline against the first opaque background behind it, as a contrast ratio.
FOCUS_MARK = """() => {
  const el = document.activeElement;
  if (el === document.body) return null;  // focus left the page for the browser's own controls
  const style = getComputedStyle(el);
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let behind = el.parentElement, ground = [255, 255, 255];
  while (behind) {
    const colour = rgb(getComputedStyle(behind).backgroundColor);
    if (colour.length === 3 || colour[3] > 0.5) { ground = colour.slice(0, 3); break; }
    behind = behind.parentElement;
  }
  const mark = rgb(style.outlineColor).slice(0, 3);
  const [hi, lo] = [luminance(mark), luminance(ground)].sort((a, b) => b - a);
  return {
    element: `${el.tagName.toLowerCase()}#${el.id} "${(el.innerText || el.name || '').trim().slice(0, 30)}"`,
    style: style.outlineStyle, width: parseFloat(style.outlineWidth), ratio: (hi + 0.05) / (lo + 0.05),
  };
}"""


class Keyboard:
    """Moves focus with Tab until it reaches an element, noting the focus mark at every stop."""

    def __init__(self, page):
        self.page = page
        self.stops: list[dict] = []

    def tab_to(self, locator, *, limit: int = 150, backwards: bool = False):
        expect(locator).to_be_attached()
        target = locator.element_handle()
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            if stop := self.page.evaluate(FOCUS_MARK):
                self.stops.append(stop)
            if self.page.evaluate("(el) => document.activeElement === el", target):
                return locator
        raise AssertionError(f"Tab never reached {locator} (last stops: {self.stops[-5:]})")

    def type_into(self, locator, text: str):
        self.tab_to(locator)
        self.page.keyboard.type(text)

    def weak_marks(self) -> list[dict]:
        return [s for s in self.stops if s["style"] == "none" or s["width"] < 2 or s["ratio"] < 3]


def test_a_guest_buys_a_paperback_by_keyboard_alone(page, shop, webhooks, output_dir, axe):  # noqa: F811
    indexing.index_missing()
    book = a_book("paperback")
    keys = Keyboard(page)
    page.goto(shop + "/")
    # The first stop is the skip link; the cookie banner is answered from the keyboard too.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    keys.tab_to(page.get_by_role("button", name="Essential cookies only"))
    page.keyboard.press("Enter")

    keys.type_into(page.get_by_role("search").get_by_label("Search books and pages"), book.title)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results for")
    axe(page)
    keys.tab_to(page.locator(".book-card__link").filter(has_text=book.title).first)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(book.title)
    keys.tab_to(
        page.locator(".format-option--current").get_by_role("button", name=re.compile("Add to basket"))
    )
    page.keyboard.press("Enter")
    expect(page.locator(".basket-summary__count")).to_have_text(re.compile(r"^1"))
    keys.tab_to(page.locator(".basket-summary"), backwards=True)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Basket")
    axe(page)
    keys.tab_to(page.get_by_role("link", name="Proceed to checkout"))
    page.keyboard.press("Enter")

    keys.type_into(page.locator("#id_username"), "kit@example.com")
    keys.tab_to(page.locator("input[name=options][value=anonymous]"))
    page.keyboard.press("Space")
    keys.tab_to(page.get_by_role("button", name=re.compile("Continue")).first)
    page.screenshot(path=output_dir / "1-gateway-focus.png", full_page=True)
    page.keyboard.press("Enter")

    expect(page.locator("#id_postcode")).to_be_visible()
    for field, text in [
        ("#id_first_name", "Kit"),
        ("#id_last_name", "Marlowe"),
        ("#id_line1", "2 Quill Street"),
        ("#id_line4", "York"),
        ("#id_postcode", "YO1 7HH"),
    ]:
        keys.type_into(page.locator(field), text)
    keys.tab_to(page.get_by_role("button", name=re.compile("Continue")).first)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/checkout/(shipping-method|payment-details)/"))
    if "shipping-method" in page.url:
        keys.tab_to(page.get_by_role("button", name=re.compile("Select|Continue")).first)
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Card details")
    card = page.locator("#card-element")
    for placeholder, text in [
        ("number", CARDS["visa"]),
        ("exp_month", "12"),
        ("exp_year", "31"),
        ("cvc", "123"),
        ("postal_code", "YO17HH"),
    ]:
        keys.type_into(card.locator(f"input[placeholder={placeholder}]"), text)
    keys.tab_to(page.get_by_role("button", name="Continue to review"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Review and pay")
    for label in ("I agree to the", "I am 18 or over."):
        keys.tab_to(page.get_by_label(label))
        page.keyboard.press("Space")
        expect(page.get_by_label(label)).to_be_checked()
    pay = keys.tab_to(page.get_by_role("button", name=re.compile("^Pay ")))
    page.screenshot(path=output_dir / "2-review-focus-on-pay.png", full_page=True)
    axe(page)
    pay.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your order is confirmed")
    order = Order.objects.get()
    assert order.lines.get().product == book and order.shipping_address.postcode == "YO1 7HH"
    assert any(order.number in message.subject for message in mail.outbox)

    assert len(keys.stops) > 20
    assert not keys.weak_marks(), f"focus marks under 3:1 or missing: {keys.weak_marks()}"


def test_a_member_joins_a_plan_by_keyboard_alone(page, live_server, club_site, localstripe, output_dir, axe):  # noqa: F811
    """The club's joining flow (plan page, about you, the card where the plan asks for one,
    review), keyboard only, for a pay-monthly plan: nothing is charged when joining."""
    from bookclub.models import Subscription
    from tests.factories import UserFactory
    from tests.factories.accounts import PASSWORD

    member = UserFactory(email="kit@example.com", first_name="Kit", last_name="Marlowe")
    plan_page = club_site
    keys = Keyboard(page)
    page.goto(live_server.url + "/accounts/login/")
    keys.tab_to(page.get_by_role("button", name="Essential cookies only"))
    page.keyboard.press("Enter")
    keys.type_into(page.locator("#id_login-username"), member.email)
    keys.type_into(page.locator("#id_login-password"), PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="My account", exact=True)).to_be_visible()

    page.goto(live_server.url + plan_page.url)
    keys.tab_to(page.locator(".plan__join"))
    page.keyboard.press("Enter")
    expect(page.locator("#id_date_of_birth")).to_be_visible()
    keys.type_into(page.locator("#id_date_of_birth"), "15061990")
    if page.locator("#id_uk_resident").count():
        keys.tab_to(page.locator("#id_uk_resident"))
        page.keyboard.press("Space")
    if page.locator("input[name=address_choice][value=new]").count():
        keys.tab_to(page.locator("input[name=address_choice][value=new]"))
        page.keyboard.press("Space")
    for field, text in [
        ("#id_address-first_name", "Kit"),
        ("#id_address-last_name", "Marlowe"),
        ("#id_address-line1", "2 Quill Street"),
        ("#id_address-line4", "York"),
        ("#id_address-postcode", "YO1 7HH"),
    ]:
        keys.type_into(page.locator(field), text)
    axe(page)
    keys.tab_to(page.locator("#join-continue"))
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/club/join/\d+/(card|review)/"))
    if "/card/" in page.url:  # plans that charge a card ask for it before the review
        card = page.locator("#card-element")
        for placeholder, text in [
            ("number", CARDS["visa"]),
            ("exp_month", "12"),
            ("exp_year", "31"),
            ("cvc", "123"),
            ("postal_code", "YO17HH"),
        ]:
            keys.type_into(card.locator(f"input[placeholder={placeholder}]"), text)
        axe(page)
        keys.tab_to(page.locator("#card-save"))
        page.keyboard.press("Enter")

    expect(page.locator("#join-submit")).to_be_visible()
    for box in ("#id_agree_terms", "#id_confirm_declarations"):
        keys.tab_to(page.locator(box))
        page.keyboard.press("Space")
        expect(page.locator(box)).to_be_checked()
    join = keys.tab_to(page.locator("#join-submit"))
    axe(page)
    page.screenshot(path=output_dir / "1-review-focus-on-join.png", full_page=True)
    join.press("Enter")

    page.wait_for_url(re.compile(r"/club/join/\d+/welcome/"))
    axe(page)
    page.screenshot(path=output_dir / "2-joined.png", full_page=True)
    assert Subscription.objects.filter(customer=member).exists()
    assert not keys.weak_marks(), f"focus marks under 3:1 or missing: {keys.weak_marks()}"
