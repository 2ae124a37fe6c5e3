"""Test-only compatibility layer: closes the gaps of localstripe 1.15.10 the shop relies on.

Applied by tests.stripe_fake.serve before the app starts; what it closes is listed in
docs/payments.md ("The demo and the tests").
It patches localstripe's private internals, so localstripe is pinned in constraints.txt and
tests/stripe_fake/test_compat.py guards each patch. Never imported by the shop.

- Stripe.js ``createPaymentMethod({type: "card", card: element})`` (a no-op in the fake): the
  card goes from the page to localstripe, exactly as it goes to Stripe in production.
- ``Idempotency-Key`` replays: a repeated write with the same key returns the first answer.
- Refunds above what is left of the charge are refused, as Stripe refuses them.
"""

import json

from aiohttp import web
from localstripe import resources
from localstripe.errors import UserError

COMPAT_JS = r"""
// --- bookclub test compat: createPaymentMethod sends the typed card to localstripe ---
(function () {
  const makeStripe = Stripe;
  Stripe = (apiKey) => {
    const stripe = makeStripe(apiKey);
    stripe.createPaymentMethod = async (options) => {
      const element = options.card;
      if (!element || !element.value) {
        return {error: {type: 'validation_error', message: 'Your card number is incomplete.'}};
      }
      const response = await fetch(`${LOCALSTRIPE_BASE_API}/js.stripe.com/compat/payment_methods`, {
        method: 'POST',
        body: JSON.stringify({key: apiKey, type: 'card', card: element.value.card,
                              billing_details: options.billing_details || {}}),
      });
      const body = await response.json().catch(() => ({}));
      if (response.status !== 200 || body.error) {
        return {error: body.error || {message: 'Your card details are incomplete.'}};
      }
      return {paymentMethod: body};
    };
    return stripe;
  };
})();
"""

_idempotent_answers: dict[str, tuple[int, str]] = {}


async def _payment_method_from_page(request):
    data = json.loads(await request.text() or "{}")
    if not str(data.pop("key", "")).startswith("pk_"):
        raise UserError(401, "Unauthorized")
    card = data.get("card") or {}
    if len(str(card.get("number", ""))) != 16 or not str(card.get("cvc", "")).isdigit():
        raise UserError(
            402, "Your card number is incomplete.", {"type": "card_error", "code": "incomplete_number"}
        )
    method = resources.PaymentMethod._api_create(**data)
    return web.json_response(method._export())


@web.middleware
async def compat_middleware(request, handler):
    if request.path == "/js.stripe.com/v3/":
        response = await handler(request)
        return web.Response(text=response.text + COMPAT_JS, content_type="application/javascript")
    if request.path == "/js.stripe.com/compat/payment_methods" and request.method == "POST":
        return await _payment_method_from_page(request)
    if request.path == "/_config/data" and request.method == "DELETE":
        _idempotent_answers.clear()
        return await handler(request)
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key or not request.path.startswith("/v1/"):
        return await handler(request)
    scoped = f"{request.path}:{key}"
    if scoped in _idempotent_answers:
        status, body = _idempotent_answers[scoped]
        return web.Response(
            status=status, text=body, content_type="application/json", headers={"Idempotent-Replayed": "true"}
        )
    try:
        response = await handler(request)
    except UserError as error:
        response = error.to_response()
    if response.status < 500:
        _idempotent_answers[scoped] = (response.status, response.text)
    return response


_original_refund_init = resources.Refund.__init__


def _refund_init_refusing_over_refunds(self, charge=None, payment_intent=None, amount=None, **kwargs):
    charge_id = charge
    if payment_intent is not None and charge_id is None:
        intent = resources.PaymentIntent._api_retrieve(payment_intent)
        charge_id = intent.latest_charge.id if intent.latest_charge else None
    if charge_id is not None:
        charge_obj = resources.Charge._api_retrieve(charge_id)
        refunded = sum(
            obj.amount
            for obj in resources.store.values()
            if isinstance(obj, resources.Refund) and obj.charge == charge_id
        )
        wanted = int(amount) if amount is not None else charge_obj.amount - refunded
        if wanted <= 0 or refunded + wanted > charge_obj.amount:
            raise UserError(
                400,
                f"Refund amount ({wanted}) is greater than unrefunded amount on charge "
                f"({charge_obj.amount - refunded})",
                {"code": "charge_already_refunded" if refunded >= charge_obj.amount else "amount_too_large"},
            )
        if amount is None:
            amount = wanted
    _original_refund_init(self, charge=charge, payment_intent=payment_intent, amount=amount, **kwargs)


def apply(app: web.Application) -> None:
    resources.Refund.__init__ = _refund_init_refusing_over_refunds
    app.middlewares.append(compat_middleware)
