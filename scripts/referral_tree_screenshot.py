"""Take docs/referral-tree.png: the referral tree of the biggest root of a fresh demo workspace.

    .venv/bin/python -m scripts.referral_tree_screenshot [--partners 5000] [--out docs/referral-tree.png]

Builds a throwaway SQLite database with demo data, serves the app on 127.0.0.1 in a thread and drives
Debian's Chromium through Playwright (no browser download)."""

from __future__ import annotations

import argparse
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def build(db_url: str, partners: int) -> int:
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models.referral import Referral
    from app.services import accounts
    from app.services.demo import generate
    from config import DevelopmentConfig

    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=db_url)
    with app.app_context():
        db.create_all()
        user = accounts.register_user(
            db.session, name="Demo Owner", email=EMAIL, password=PASSWORD, create_workspace=False
        )
        workspace = accounts.create_workspace_for(db.session, user, "Demo Studio")
        user.current_workspace_id = workspace.id
        generate(db.session, workspace, seed=7, partners=partners, now=datetime.now(UTC))
        db.session.commit()
        # the root whose branch reaches deepest among the big ones: the picture of a long lineage
        root = db.session.scalar(
            select(Referral.partner_id)
            .where(Referral.root_id == Referral.partner_id)
            .order_by(Referral.subtree_size.desc())
            .limit(1)
        )
        db.session.remove()
        db.engine.dispose()
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=5000)
    parser.add_argument("--out", default=str(ROOT / "docs" / "referral-tree.png"))
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from app import create_app
    from config import DevelopmentConfig

    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'shot.db'}"
        root = build(db_url, args.partners)
        app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=db_url, DEBUG=False)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 1400}, device_scale_factor=1.5)
                page.on("pageerror", lambda error: print("page error:", error))
                page.on("console", lambda message: message.type == "error" and print("console:", message.text))
                page.goto(base + "/login")
                page.fill("input[name=email]", EMAIL)
                page.fill("input[name=password]", PASSWORD)
                page.click("form button[type=submit]")
                page.wait_for_url(lambda url: "/login" not in url)
                page.goto(f"{base}/referrals/tree/{root}")
                page.wait_for_selector("#tree-canvas .tnode")
                # the picture as it opens: the first generations, deeper branches folded ("+N more")
                page.evaluate("""() => {
                  const tree = document.getElementById("tree-canvas").orchardTree;
                  tree.canvas.style.height = "820px";
                  tree.fit();
                }""")
                page.wait_for_timeout(200)
                top = page.locator("main .tree-head").bounding_box()
                bottom = page.locator(".tree-legend").bounding_box()
                left = page.locator("#tree-canvas").bounding_box()
                clip = {
                    "x": left["x"] - 8,
                    "y": top["y"] - 8,
                    "width": left["width"] + 16,
                    "height": bottom["y"] + bottom["height"] - top["y"] + 16,
                }
                Path(args.out).parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=args.out, clip=clip)
                browser.close()
        finally:
            server.shutdown()
            thread.join(timeout=10)
    print(f"Wrote {args.out} (tree of partner {root})")


if __name__ == "__main__":
    main()
