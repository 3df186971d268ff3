"""Global search: GET /search (the full results page, grouped by kind with "more" → the paginated
page of one kind; works without JavaScript) and GET /search/palette (the command palette's fragment:
the matching actions, then the hits grouped by kind). Both only read, in the current workspace.

Queries: the search itself (A's index behind app.services.search, a constant number of statements
per kind whatever the book's size) plus the page frame; the palette fragment has no frame."""

from __future__ import annotations

from flask import g, make_response, render_template, request
from flask_babel import gettext as _

from app.extensions import db
from app.search import bp
from app.search.links import KIND_HEADINGS, KIND_MORE, HitLinks, log_actions, palette_actions
from app.services.search import KINDS, Results, highlight, search
from app.web import nav_section, page_arg, per_page, url_template

MAX_QUERY = 200  # characters of the query that are searched
GROUP_SIZE = 5  # hits per kind on the grouped page
PALETTE_SIZE = 5  # hits per kind in the palette


def _query() -> str:
    return " ".join(request.args.get("q", "")[:MAX_QUERY].split())


def _kind() -> str:
    kind = request.args.get("kind", "")
    return kind if kind in KINDS else ""


def _archived() -> bool:
    return request.args.get("archived") == "1"


@bp.app_template_global()
def search_url_template(endpoint: str, param: str) -> str:
    """An endpoint's URL with "{id}" where `param` goes, for the shortcuts script (app.web.url_template)."""
    return str(url_template(endpoint, param))


@bp.route("/search")
@nav_section(None)
def results():
    query, kind, archived = _query(), _kind(), _archived()
    page = page_arg() if kind else 1
    size = per_page() if kind else GROUP_SIZE
    if query:
        found = search(
            db.session,
            g.workspace.id,
            query,
            kinds=(kind,) if kind else KINDS,
            include_archived=archived,
            limit=size,
            offset=(page - 1) * size,
        )
    else:
        found = Results(query="", terms=())
    return render_template(
        "search/results.html",
        query=query,
        kind=kind,
        archived=archived,
        page=page,
        found=found,
        kinds=KINDS,
        headings=KIND_HEADINGS,
        more_labels=KIND_MORE,
        link=HitLinks(),
        highlight=highlight,
        title=_("Search: %(q)s", q=query) if query else _("Search"),
    )


@bp.route("/search/palette")
@nav_section(None)
def palette():
    """The palette's listbox: always a fragment (the full page is /search)."""
    query = _query()
    found = search(db.session, g.workspace.id, query, limit=PALETTE_SIZE) if query else Results(query="", terms=())
    links = HitLinks()
    response = make_response(
        render_template(
            "search/_palette_results.html",
            query=query,
            found=found,
            headings=KIND_HEADINGS,
            link=links,
            highlight=highlight,
            actions=palette_actions(query),
            log_actions=log_actions(found.groups.get("partner", []), links),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
