"""Refresh the screenshots in docs/: a page with demo data, on a desktop and/or a phone, in a language.

    python -m scripts.screenshot                       # docs/screenshot-partners.png, 1280 px wide
    python -m scripts.screenshot --page dashboard --locale ru --width 1280 --width 390
        # docs/screenshot-dashboard-ru-desktop.png and docs/screenshot-dashboard-ru-phone.png

--page is partners, dashboard or partner (the demo partner with the most deals); --path any other page.
A width of PHONE_MAX_WIDTH or less is shot as a phone (touch, device scale 3, 844 px tall). Without
--out, the file is docs/screenshot-<page>.png for a single desktop shot in English, else
docs/screenshot-<page>-<locale>-<desktop|phone>.png (with the width added when two shots would share
a name). --out names the file of a single shot.

Builds a temporary database (migrations, then the demo generator), serves the app on a free local
port, logs in with Chromium and saves the screenshots.
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

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
PHONE_MAX_WIDTH = 600
PAGES = {"partners": "/partners/", "dashboard": "/dashboard", "partner": "/partners/{partner}"}


def build_app(db_file: Path, partners: int, seed: int, locale: str):
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.models import Deal
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
        workspace = accounts.create_workspace_for(db.session, user, "Демо-студия" if locale == "ru" else "Demo Studio")
        user.current_workspace_id = workspace.id
        user.locale = locale
        generate(db.session, workspace, seed=seed, partners=partners, now=datetime.now(UTC), locale=locale)
        db.session.commit()
        # the weeks before this one, as the worker would have recorded them (the health report's picture)
        from app.services.reports.health import close_weeks

        close_weeks(db.session, datetime.now(UTC), workspace.id, history=26)
        db.session.commit()
        busiest = db.session.scalar(
            select(Deal.partner_id)
            .where(Deal.workspace_id == workspace.id)
            .group_by(Deal.partner_id)
            .order_by(func.count().desc(), Deal.partner_id)
            .limit(1)
        )
        db.session.remove()
    return app, {"partner": busiest}


def shot_names(args) -> list[tuple[int, Path]]:
    """(width, file) of each screenshot asked for."""
    if args.out:
        if len(args.width) > 1:
            raise SystemExit("--out names one file: give one --width with it")
        return [(args.width[0], Path(args.out))]
    page = args.page if args.path is None else args.path.strip("/").replace("/", "-") or "home"
    if args.locale == "en" and args.width == [1280] and args.path is None:
        return [(1280, ROOT / "docs" / f"screenshot-{page}.png")]
    kinds = ["phone" if w <= PHONE_MAX_WIDTH else "desktop" for w in args.width]
    names = []
    for width, kind in zip(args.width, kinds, strict=True):
        size = f"{kind}-{width}" if kinds.count(kind) > 1 else kind
        names.append((width, ROOT / "docs" / f"screenshot-{page}-{args.locale}-{size}.png"))
    return names


def main(argv=None):
    from app.i18n import LANGUAGES

    parser = argparse.ArgumentParser(description="Refresh the screenshots in docs/.")
    parser.add_argument("--out", help="file of a single shot (default: a name in docs/, see above)")
    parser.add_argument("--partners", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--page", choices=sorted(PAGES), default="partners")
    parser.add_argument("--path", help="another page to capture, e.g. /referrals/report")
    parser.add_argument(
        "--locale",
        choices=sorted(LANGUAGES),
        default="en",
        help="the demo's language (its names and notes, and the user's)",
    )
    parser.add_argument(
        "--width", type=int, action="append", help="viewport width; repeat for several shots (default 1280)"
    )
    parser.add_argument("--height", type=int, default=900, help="desktop viewport height")
    args = parser.parse_args(argv)
    args.width = args.width or [1280]
    shots = shot_names(args)

    import logging

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory(prefix="orchard-shot-") as tmp:
        app, ids = build_app(Path(tmp) / "shot.db", args.partners, args.seed, args.locale)
        path = args.path or PAGES[args.page].format(**ids)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for width, out in shots:
                    shoot(browser, base, path, width, args.height, out)
                browser.close()
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                from app.extensions import db

                db.engine.dispose()
    for _width, out in shots:
        print(f"Saved {out}")


def shoot(browser, base: str, path: str, width: int, height: int, out: Path) -> None:
    if width <= PHONE_MAX_WIDTH:
        context = browser.new_context(
            viewport={"width": width, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True
        )
    else:
        context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda current: "/login" not in current)
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out))
    context.close()


if __name__ == "__main__":
    main()
