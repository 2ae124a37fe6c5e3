"""Run localstripe, the offline Stripe, on loopback only with an in-memory store.

Used by the demo (make demo), the production shape (make serve-production) and the test suite;
never by the shop itself. localstripe's own CLI listens on every interface and re-pickles its
whole store to /tmp on every write, so we start its app ourselves.

    python -m tests.stripe_fake.serve 8420 [--webhook http://127.0.0.1:8102/stripe/webhook/]

``--webhook`` registers an endpoint at start-up, signed with STRIPE_WEBHOOK_SECRET (default
``whsec_localstripe``), as a Stripe account's webhook settings would.
"""

import argparse
import os

from aiohttp import web
from localstripe import resources
from localstripe.server import app
from localstripe.webhooks import register_webhook

from tests.stripe_fake import compat

resources.Store.dump_to_disk = lambda self: None  # keep the store in memory: ~8 ms per request
compat.apply(app)  # the few Stripe behaviours the shop needs that localstripe lacks

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", nargs="?", type=int, default=8420)
    parser.add_argument("--webhook", action="append", default=[], help="an endpoint to send events to")
    args = parser.parse_args()
    secret = os.environ.get("STRIPE_WEBHOOK_SECRET") or "whsec_localstripe"
    for number, url in enumerate(args.webhook, start=1):
        register_webhook(f"endpoint-{number}", url, secret, None)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)
