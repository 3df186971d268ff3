"""Production over HTTPS only: Strict-Transport-Security on every answer (observed: none) and the
session and remember cookies marked Secure; development and tests (plain http) send neither."""

from __future__ import annotations

from app import create_app
from config import ProductionConfig

SECRET = "a-long-random-value-for-the-tests-only"


def _production_app(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", SECRET)
    for name in ("WEB_CONCURRENCY", "ORCHARD_WORKERS", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    return create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY=SECRET)


def test_production_sends_hsts_and_secure_cookies(monkeypatch):
    app = _production_app(monkeypatch)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/login", base_url="https://crm.example.com")
    hsts = response.headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 180 * 86400
    assert "includeSubDomains" in hsts
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies)


def test_tests_and_development_send_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
