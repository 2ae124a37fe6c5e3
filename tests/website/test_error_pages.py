"""Issue 15: the demo shows designed 404 and 500 pages, not Django's debug pages, and still serves
its static files and uploads without DEBUG."""

import importlib

import pytest
from django.test import RequestFactory
from django.urls import clear_url_caches
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_the_designed_404(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in html and 'class="site-header"' in html
    assert 'action="/search/"' in html and "Using the URLconf" not in html


def test_a_server_error_is_the_designed_500_page():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "css/site.css" in html


def test_the_demo_settings_keep_debug_off_and_serve_files_without_it(monkeypatch):
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    from website.settings import dev

    dev = importlib.reload(dev)
    assert dev.DEBUG is False
    assert dev.WHITENOISE_USE_FINDERS and dev.SERVE_MEDIA
    assert "StaticFilesStorage" in dev.STORAGES["staticfiles"]["BACKEND"]


def test_uploads_are_served_when_the_demo_asks_for_it(client, settings, tmp_path):
    (tmp_path / "cover.txt").write_text("a cover")
    settings.MEDIA_ROOT, settings.SERVE_MEDIA = str(tmp_path), True
    import website.urls

    try:
        importlib.reload(website.urls)
        clear_url_caches()
        assert client.get("/media/cover.txt").status_code == 200
    finally:
        settings.SERVE_MEDIA = False
        importlib.reload(website.urls)
        clear_url_caches()
    assert client.get("/media/cover.txt").status_code == 404
