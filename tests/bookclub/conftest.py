"""Shared by the book club's tests: London instants, and people in each role."""

import datetime

import pytest

from bookclub.months import LONDON
from tests.factories import UserFactory


def london(*args) -> datetime.datetime:
    """An instant given by London wall-clock time (GMT or BST, whichever applies)."""
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def customer(db):
    return UserFactory(email="ada.reader@example.com", first_name="Ada")


@pytest.fixture
def order_admin(db):
    return UserFactory(order_admin=True, email="orders@example.com")


@pytest.fixture
def editor(client):
    """An editor signed in on ``client``, after any time travel the test module's autouse fixture
    starts (a session begun at the real time would have expired by a travelled-to date)."""
    person = UserFactory(editor=True)
    client.force_login(person)
    return person
