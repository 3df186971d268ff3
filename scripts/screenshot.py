"""Refresh docs/screenshot-partners.png: the partners page with demo data, 1280 px wide.

    python -m scripts.screenshot [--out docs/screenshot-partners.png] [--partners 60]

Builds a temporary database (migrations, then the demo generator), serves the app on a free local
port, logs in with Chromium and saves the screenshot.
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EMAIL, PASSWORD = "demo@orchard.test", "orchard-demo"


def build_app(db_file: Path, partners: int, seed: int):
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services import accounts
    from app.services.demo import generate
    from config import Config

    app = create_app(
        Config,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}",
        SECRET_KEY=secrets.token_hex(16),
        DEBUG=False,
        RATELIMIT_ENABLED=False,
    )
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        user = accounts.register_user(
            db.session,
            name="Demo Owner",
            email=EMAIL,
            password=PASSWORD,
            create_workspace=False,
            hash_method="pbkdf2:sha256:1000",
        )
        workspace = accounts.create_workspace_for(db.session, user, "Demo Studio")
        user.current_workspace_id = workspace.id
        generate(db.session, workspace, seed=seed, partners=partners, now=datetime.now(UTC))
        db.session.commit()
        db.session.remove()
    return app


def main(argv=None):
    parser = argparse.ArgumentParser(description="Refresh the partners page screenshot.")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot-partners.png"))
    parser.add_argument("--partners", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--path", default="/partners/", help="page to capture")
    args = parser.parse_args(argv)

    import logging

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory(prefix="orchard-shot-") as tmp:
        app = build_app(Path(tmp) / "shot.db", args.partners, args.seed)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": args.width, "height": args.height})
                page.goto(base + "/login")
                page.fill("input[name=email]", EMAIL)
                page.fill("input[name=password]", PASSWORD)
                page.click("form button[type=submit]")
                page.wait_for_url(lambda url: "/login" not in url)
                page.goto(base + args.path)
                page.wait_for_load_state("networkidle")
                out = Path(args.out)
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out))
                browser.close()
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                from app.extensions import db

                db.engine.dispose()
    print(f"Saved {out}")


if __name__ == "__main__":
    main()
