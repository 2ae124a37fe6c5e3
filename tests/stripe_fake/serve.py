"""Run localstripe, the offline Stripe, on loopback only with an in-memory store.

Used by the demo (make demo) and the test suite; never by the shop itself. localstripe's own
CLI listens on every interface and re-pickles its whole store to /tmp on every write, so we
start its app ourselves.

    python -m tests.stripe_fake.serve 8420
"""

import sys

from aiohttp import web
from localstripe import resources
from localstripe.server import app

from tests.stripe_fake import compat

resources.Store.dump_to_disk = lambda self: None  # keep the store in memory: ~8 ms per request
compat.apply(app)  # the few Stripe behaviours the shop needs that localstripe lacks

if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8420
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)
