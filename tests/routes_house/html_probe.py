"""A small HTML reader for page checks (the standard library's html.parser, no regexes): the
document's <title> (the one in <head>; SVG titles in the body are tooltips) and any markup inside it, every <script src>, and the main navigation's
highlighted link."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageFacts:
    is_document: bool = False
    titles: list[str] = field(default_factory=list)
    tags_in_title: list[str] = field(default_factory=list)
    script_srcs: list[str] = field(default_factory=list)
    nav_current: list[str] = field(default_factory=list)  # hrefs of aria-current links in #main-nav
    nav_links: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # every element id, in document order


class _Probe(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._title: list[str] | None = None
        self._nav_depth = 0  # > 0 while inside <ul id="main-nav">
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.facts.ids.append(values["id"])
        if tag == "html":
            self.facts.is_document = True
        if self._title is not None:
            self.facts.tags_in_title.append(tag)
        if tag == "head":
            self._in_head = True
        elif tag == "title" and self._in_head:
            self._title = []
        elif tag == "script" and values.get("src"):
            self.facts.script_srcs.append(values["src"])
        if tag == "ul":
            if self._nav_depth:
                self._nav_depth += 1
            elif values.get("id") == "main-nav":
                self._nav_depth = 1
        if tag == "a" and self._nav_depth:
            self.facts.nav_links.append(values.get("href") or "")
            if values.get("aria-current") == "page":
                self.facts.nav_current.append(values.get("href") or "")

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False
        if tag == "title" and self._title is not None:
            self.facts.titles.append("".join(self._title))
            self._title = None
        elif self._title is not None:
            self.facts.tags_in_title.append("/" + tag)
        if tag == "ul" and self._nav_depth:
            self._nav_depth -= 1

    def handle_data(self, data):
        if self._title is not None:
            self._title.append(data)


def probe(html: str) -> PageFacts:
    parser = _Probe()
    parser.feed(html)
    parser.close()
    return parser.facts
