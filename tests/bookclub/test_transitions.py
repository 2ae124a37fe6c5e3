"""The transition table (bookclub.lifecycle.RULES) is what the code enforces: every action not
allowed from a state, on a kind of plan, or by a kind of person is refused with a clear message
and changes nothing; every transition writes its history row."""

import pytest
import time_machine

from bookclub import lifecycle
from bookclub.exceptions import NotAllowed
from bookclub.lifecycle import RULES, Action
from bookclub.models import Plan, SubscriptionEvent
from tests.bookclub.states import REACHABLE, START, perform, reach
from tests.factories import UserFactory
from tests.factories.bookclub import save_card

pytestmark = pytest.mark.django_db
Kind = Plan.Kind


@pytest.fixture
def clock():
    traveller = time_machine.travel(START, tick=False)
    yield traveller.start()
    traveller.stop()


@pytest.fixture
def people(customer, order_admin):
    return {"customer": customer, "admin": order_admin}


def _refused_from_states():
    cases = []
    for action, rule in RULES.items():
        if action == Action.JOIN:
            continue
        for state in ["pending", "active", "suspended", "cancelled", "ended", "purged", "abandoned"]:
            if state in rule.sources:
                continue
            kind = next((k for k in Kind.values if k in rule.kinds and state in REACHABLE[k]), None)
            if kind:
                cases.append(pytest.param(action, state, kind, id=f"{action}-from-{state}-{kind}"))
    return cases


@pytest.mark.parametrize(("action", "state", "kind"), _refused_from_states())
def test_every_action_not_allowed_from_a_state_is_refused_and_changes_nothing(
    clock, people, action, state, kind
):
    subscription = reach(kind, state, clock=clock, **people)
    history = SubscriptionEvent.objects.filter(subscription=subscription).count()
    with pytest.raises(NotAllowed) as refusal:
        perform(action, subscription, **people)
    assert f"subscription that is {subscription.get_state_display().lower()}" in refusal.value.message
    subscription.refresh_from_db()
    assert subscription.state == state
    assert SubscriptionEvent.objects.filter(subscription=subscription).count() == history


def _refused_for_kinds():
    cases = []
    for action, rule in RULES.items():
        for kind in Kind.values:
            if kind in rule.kinds or action == Action.JOIN:
                continue
            state = next((s for s in REACHABLE[kind] if s in rule.sources), None)
            if state:
                cases.append(pytest.param(action, state, kind, id=f"{action}-on-{kind}"))
    return cases


@pytest.mark.parametrize(("action", "state", "kind"), _refused_for_kinds())
def test_every_action_not_allowed_for_a_kind_of_plan_is_refused(clock, people, action, state, kind):
    """E.g. R-S3: pre-paid plans are never suspended or skipped; only eBook plans resume (R-S8)."""
    subscription = reach(kind, state, clock=clock, **people)
    with pytest.raises(NotAllowed, match="plan"):
        perform(action, subscription, **people)
    subscription.refresh_from_db()
    assert subscription.state == state


CALLS_BY = {
    # action: how to call it as a given person
    Action.SUSPEND: lambda s, by: lifecycle.suspend(s, by=by, reason="breach"),
    Action.REINSTATE: lambda s, by: lifecycle.reinstate(s, by=by),
    Action.PURGE: lambda s, by: lifecycle.purge(s, by=by),
    Action.END_TERM: lambda s, by: lifecycle.end_term(s, by=by),
    Action.RENEW_TERM: lambda s, by: lifecycle.renew_term(s, by=by),
    Action.CONFIRM: lambda s, by: lifecycle.confirm(s, by=by),
    Action.SET_AUTO_RENEWAL: lambda s, by: lifecycle.set_auto_renewal(s, on=False, by=by),
    Action.ERASE_DETAILS: lambda s, by: lifecycle.erase_details(s, by=by),
    Action.ADVANCE_PERIOD: lambda s, by: lifecycle.advance_period(s, period=s.next_order_on, by=by),
}


def _refused_for_people():
    cases = []
    for action in CALLS_BY:
        rule = RULES[action]
        for actor in ("customer", "admin", "system"):
            if actor in rule.actors:
                continue
            kind = next(k for k in Kind.values if k in rule.kinds)
            state = next(s for s in REACHABLE[kind] if s in rule.sources)
            cases.append(pytest.param(action, state, kind, actor, id=f"{action}-by-{actor}"))
    return cases


@pytest.mark.parametrize(("action", "state", "kind", "actor"), _refused_for_people())
def test_every_action_not_allowed_to_a_kind_of_person_is_refused(clock, people, action, state, kind, actor):
    """R-U2, R-U3: customers cannot suspend themselves; admins do not purge; nobody but the run renews."""
    subscription = reach(kind, state, clock=clock, **people)
    by = {"customer": people["customer"], "admin": people["admin"], "system": None}[actor]
    with pytest.raises(NotAllowed, match=r"^Only "):
        CALLS_BY[action](subscription, by)


def test_R_U3_another_reader_cannot_touch_someone_elses_subscription(clock, people):
    subscription = reach(Kind.EBOOK, "active", clock=clock, **people)
    stranger = UserFactory()
    for action in (Action.CANCEL, Action.SET_USUAL_TITLES, Action.SKIP_MONTH):
        with pytest.raises(NotAllowed, match="Only the subscriber or an order admin"):
            perform(action, subscription, customer=stranger, admin=stranger)
    assert lifecycle.allowed_actions(subscription, by=stranger) == []


def _transitions():
    """Every (action, from state) pair the table allows, as it is reached in real life."""
    return [
        ("abandon", "pending", Kind.PAY_MONTHLY),
        ("confirm", "pending", Kind.PREPAID),
        ("confirm", "pending", Kind.PAY_MONTHLY),
        ("confirm", "pending", Kind.EBOOK),
        ("suspend", "active", Kind.PAY_MONTHLY),
        ("suspend", "active", Kind.EBOOK),
        ("reinstate", "suspended", Kind.EBOOK),
        ("cancel", "active", Kind.PREPAID),
        ("cancel", "active", Kind.PAY_MONTHLY),
        ("cancel", "suspended", Kind.PAY_MONTHLY),
        ("cancel", "active", Kind.EBOOK),
        ("resume", "cancelled", Kind.EBOOK),
    ]


@pytest.mark.parametrize(("action", "state", "kind"), _transitions())
def test_every_transition_writes_one_history_row_with_who_why_and_when(clock, people, action, state, kind):
    subscription = reach(kind, state, clock=clock, **people)
    if action == "confirm" and kind != Kind.PAY_MONTHLY:
        save_card(subscription)  # R-P5, R-S3: these plans are charged to a saved card
    outcome = perform(Action(action), subscription, **people)
    event = outcome.event
    assert event.from_state == state and event.to_state == RULES[Action(action)].target
    assert event.action == action and event.created_at == START
    assert subscription.state == event.to_state  # the caller's copy is brought up to date
    assert list(subscription.events.filter(action=action, from_state=state)) == [event]
    assert outcome.changes["state"] == (state, event.to_state)
    who = {"suspend": "admin", "reinstate": "admin", "cancel": "admin", "resume": "customer"}
    assert event.actor == who.get(action, "system")


def test_the_time_driven_transitions_write_history_too(clock, people):
    ended = reach(Kind.PREPAID, "ended", clock=clock, **people)
    assert [(e.action, e.from_state, e.to_state) for e in ended.events.all()] == [
        ("join", "", "pending"),
        ("record_card", "pending", "pending"),
        ("confirm", "pending", "active"),
        ("end_term", "active", "ended"),
    ]
    clock.move_to(START)
    purged = reach(Kind.EBOOK, "purged", clock=clock, **people)
    assert purged.events.last().action == "purge" and purged.events.last().actor == "system"


def test_the_caller_is_told_what_changed(clock, people):
    subscription = reach(Kind.PREPAID, "active", clock=clock, **people)
    outcome = lifecycle.set_auto_renewal(subscription, on=False, by=people["customer"])
    assert outcome.changes == {"auto_renew": (True, False)}
    assert outcome.email == "BOOKCLUB_AUTO_RENEWAL_CHANGED"
    assert outcome.event.details["changed"] == {"auto_renew": [True, False]}
    again = lifecycle.set_auto_renewal(subscription, on=False, by=people["customer"])
    assert again.changes == {} and again.event is None  # a double click changes nothing


def test_allowed_actions_offers_what_the_table_allows(clock, people):
    subscription = reach(Kind.EBOOK, "active", clock=clock, **people)
    assert set(lifecycle.allowed_actions(subscription, by=people["customer"])) == {
        Action.CANCEL,
        Action.SKIP_MONTH,
        Action.RESTORE_MONTH,
        Action.SET_MONTH_TITLES,
        Action.SET_USUAL_TITLES,
        Action.RECORD_CARD,
    }
    assert Action.SUSPEND in lifecycle.allowed_actions(subscription, by=people["admin"])
