import pytest


@pytest.fixture(autouse=True)
def _orders_need_terms_in_force(legal_documents_in_force):
    """Every test here places or refunds orders, which need Terms of Sale in force (R-L2)."""
