"""Safe accounts (R-A1): register, sign in, reset and change the password, sign out everywhere,
throttled sign-in attempts (django-axes)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()


def sign_in(client, email, password=PASSWORD, ip="127.0.0.1"):
    return client.post(
        reverse("customer:login"),
        {"login-username": email, "login-password": password, "login_submit": "1"},
        REMOTE_ADDR=ip,
    )


def is_signed_in(client) -> bool:
    return client.get(reverse("customer:profile-view")).status_code == 200


def test_R_A1_a_reader_registers_and_is_signed_in(client):
    response = client.post(
        reverse("customer:register"),
        {"email": "new.reader@example.com", "password1": "quiet-library-42", "password2": "quiet-library-42"},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new.reader@example.com").exists()
    assert is_signed_in(client)


def test_R_A1_sign_in_with_email_and_password(client):
    reader = UserFactory()
    assert sign_in(client, reader.email).status_code == 302
    assert is_signed_in(client)


def test_R_A1_password_reset_by_email(client, mailoutbox):
    reader = UserFactory()
    response = client.post(reverse("password-reset"), {"email": reader.email})
    assert response.status_code == 302 and len(mailoutbox) == 1
    link = re.search(r"https?://[^/\s]+(/password-reset/confirm/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        set_password_url, {"new_password1": "fresh-pages-2027", "new_password2": "fresh-pages-2027"}
    )
    assert done.status_code == 302
    reader.refresh_from_db()
    assert reader.check_password("fresh-pages-2027")


def test_R_A1_changing_the_password_signs_out_other_sessions(client):
    reader = UserFactory()
    phone = Client()
    sign_in(client, reader.email)
    sign_in(phone, reader.email)
    response = client.post(
        reverse("customer:change-password"),
        {"old_password": PASSWORD, "new_password1": "fresh-pages-2027", "new_password2": "fresh-pages-2027"},
    )
    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(phone)


def test_R_A1_sign_out_of_all_other_sessions(client):
    reader = UserFactory()
    phone, laptop = Client(), Client()
    for browser in (client, phone, laptop):
        sign_in(browser, reader.email)
    page = client.get(reverse("customer:privacy"))
    assert b"Sign out of all other sessions" in page.content
    response = client.post(reverse("customer:sign-out-others"))
    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(phone) and not is_signed_in(laptop)
    # Signing in again works as before, and the password is unchanged.
    sign_in(phone, reader.email)
    assert is_signed_in(phone) and is_signed_in(client)


def test_R_A1_sign_out_others_is_post_only(client):
    client.force_login(UserFactory())
    assert client.get(reverse("customer:sign-out-others")).status_code == 405


def test_R_A1_failed_sign_ins_are_throttled_with_a_clear_page(client):
    reader = UserFactory()
    for _ in range(5):
        response = sign_in(client, reader.email, "wrong-password")
        assert response.status_code in (200, 429)
    locked = sign_in(client, reader.email)  # even the right password now waits
    assert locked.status_code == 429
    assert b"Too many attempts to sign in" in locked.content
    assert not is_signed_in(client)
    # Another reader on another connection is not affected.
    other = UserFactory()
    elsewhere = Client()
    assert sign_in(elsewhere, other.email, ip="10.0.0.7").status_code == 302


def test_R_A1_a_successful_sign_in_resets_the_count(client):
    reader = UserFactory()
    for _ in range(4):
        sign_in(client, reader.email, "wrong-password")
    assert sign_in(client, reader.email).status_code == 302
    client.post(reverse("customer:logout"))
    for _ in range(4):
        assert sign_in(client, reader.email, "wrong-password").status_code == 200


def test_R_A1_sessions_from_before_the_epoch_field_stay_valid():
    """Epoch 0 keeps Django's own session hash, so deploying this signed nobody out."""
    from django.contrib.auth.base_user import AbstractBaseUser

    reader = UserFactory()
    assert reader.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(reader)
    reader.session_epoch = 1
    assert reader.get_session_auth_hash() != AbstractBaseUser._get_session_auth_hash(reader)


def test_R_A1_a_locked_email_stays_locked_whatever_its_letter_case_or_spaces(client):
    """Issue 10: after five wrong passwords, READER@... (or " reader@... ") with the right password
    from another address signed in and cleared the lock."""
    from axes.models import AccessAttempt

    UserFactory(email="reader@bookclub.test")
    for typed in [
        "reader@bookclub.test",
        "Reader@bookclub.test",
        "READER@BOOKCLUB.TEST",
        " reader@bookclub.test",
    ] + ["reader@bookclub.test"]:
        sign_in(client, typed, "wrong-password", ip="203.0.113.5")

    for typed in [
        "READER@bookclub.test",
        " reader@bookclub.test ",
        "Reader@Bookclub.Test",
        "reader@bookclub.test",
    ]:
        elsewhere = Client()
        response = sign_in(elsewhere, typed, ip="198.51.100.9")
        assert response.status_code == 429, typed
        assert not is_signed_in(elsewhere)
    assert AccessAttempt.objects.filter(username="reader@bookclub.test").exists()  # the lock was not cleared


class CountingHasher(MD5PasswordHasher):
    """The test profile's hasher, counting each time a password is hashed."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


def test_R_A1_an_unknown_email_costs_the_same_hashing_as_a_known_one(client, settings):
    """Issue 10: a registered email took two hashings (Oscar's backend, then Django's), an unknown
    one none from Oscar's, so the time taken told which emails are registered."""
    settings.PASSWORD_HASHERS = ["tests.legal.privacy.test_account_security.CountingHasher"]
    UserFactory(email="reader@bookclub.test")
    attempts = {
        "known, wrong password": ("reader@bookclub.test", "wrong-password"),
        "known in capitals, wrong password": ("READER@bookclub.test", "wrong-password"),
        "unknown": ("nobody@bookclub.test", "wrong-password"),
        "unknown, the reader's password": ("nobody@bookclub.test", PASSWORD),
    }
    hashings = {}
    for number, (name, (email, password)) in enumerate(attempts.items()):
        CountingHasher.calls = 0
        assert sign_in(Client(), email, password, ip=f"192.0.2.{number + 1}").status_code == 200
        hashings[name] = CountingHasher.calls
    assert set(hashings.values()) == {1}, hashings
    CountingHasher.calls = 0
    assert sign_in(client, "reader@bookclub.test").status_code == 302 and CountingHasher.calls == 1
