"""R-U1, R-U2: editors manage legal pages in the Wagtail admin; order admins cannot touch them."""

import pytest

from legal.models import LegalPage
from tests.factories import UserFactory
from tests.website.test_roles import get, reaches, refused

pytestmark = pytest.mark.django_db


def test_R_U1_editor_can_add_and_edit_legal_pages(client, legal_section, terms):
    editor = UserFactory(editor=True)
    assert reaches(client, editor, f"/cms/pages/add/legal/legalpage/{legal_section.pk}/")
    assert reaches(client, editor, f"/cms/pages/{terms.pk}/edit/")
    assert reaches(client, editor, f"/cms/pages/{terms.pk}/history/")


def test_R_U2_order_admin_cannot_edit_legal_pages(client, legal_section, terms):
    order_admin = UserFactory(order_admin=True)
    assert refused(get(client, order_admin, f"/cms/pages/{terms.pk}/edit/"))
    assert refused(get(client, order_admin, f"/cms/pages/add/legal/legalpage/{legal_section.pk}/"))


def test_R_L1_editor_cannot_delete_a_published_legal_document(client, terms):
    client.force_login(UserFactory(editor=True))
    response = client.post(f"/cms/pages/{terms.pk}/delete/", follow=True)
    assert LegalPage.objects.filter(pk=terms.pk).exists()
    assert "cannot be deleted" in response.content.decode()
