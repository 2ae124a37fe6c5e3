import pytest


@pytest.fixture(autouse=True)
def _orders_need_terms_in_force(legal_documents_in_force):
    """Every test here places orders, which need Terms of Sale in force (R-L2)."""


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.SENDFILE_ROOT = str(settings.PRIVATE_ROOT)
