import pytest

from shop.shipping.defaults import install_default_rules


@pytest.fixture
def delivery_rules(db):
    install_default_rules()
