"""Page facts for the house checks, read with tests/html.py: the document's <title> (the one in
<head>; SVG titles in the body are tooltips) and any markup inside it, every <script src>, the main
navigation's links and highlighted link, and every element id."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.html import parse


@dataclass
class PageFacts:
    is_document: bool = False
    titles: list[str] = field(default_factory=list)
    tags_in_title: list[str] = field(default_factory=list)
    script_srcs: list[str] = field(default_factory=list)
    nav_current: list[str] = field(default_factory=list)  # hrefs of aria-current links in #main-nav
    nav_links: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # every element id, in document order


def probe(html: str) -> PageFacts:
    root = parse(html)
    head = root.find("head")
    titles = head.find_all("title") if head is not None else []
    nav = root.find("ul", id="main-nav")
    links = nav.find_all("a") if nav is not None else []
    return PageFacts(
        is_document=root.find("html") is not None,
        # the raw text: markup inside a title shows as tags_in_title, entities are decoded
        titles=["".join(c for c in t.children if isinstance(c, str)) for t in titles],
        tags_in_title=[element.tag for t in titles for element in t.iter()],
        script_srcs=[s["src"] for s in root.find_all("script", src=True)],
        nav_links=[a.get("href") or "" for a in links],
        nav_current=[a.get("href") or "" for a in links if a.get("aria-current") == "page"],
        ids=[e["id"] for e in root.iter() if e.get("id")],
    )
