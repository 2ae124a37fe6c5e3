"""The refusals of the subscription rules. Each carries a message written for the customer (or the
order admin) who asked: views show ``str(error)`` as it is."""


class SubscriptionError(Exception):
    """Base of every refusal; ``message`` is safe to show to the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotEligible(SubscriptionError):
    """The customer cannot join this plan (R-S1, R-D3)."""


class NotAllowed(SubscriptionError):
    """The action is not allowed from the subscription's state, for its plan, or for this person."""


class TooLate(NotAllowed):
    """The time for this change has passed (a month's order formed, a cut-off, a renewal date, 90 days)."""


class InvalidChoice(SubscriptionError):
    """A value outside what the plan allows (e.g. a number of eBook titles out of range)."""
