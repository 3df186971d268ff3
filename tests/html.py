"""Reading HTML in tests: parse a page with the standard library's html.parser, then find elements by
tag, id, class and attributes, so that assertions do not depend on attribute order, quoting or spacing.

    doc = parse(response.get_data(as_text=True))
    option = doc.one("option", selected=True)          # exactly one, else an AssertionError
    assert option["value"] == "60" and option.text == "60 days"
    links = doc.find_all("a", rel="next")              # attribute names: hx_get means hx-get
    row = doc.find(id="partner-42")                    # the first match, or None

Attribute values are strings ("" for a boolean attribute such as `selected`) and entities are decoded.
A filter value of True asks only that the attribute be present, a function is asked about the value
(href=lambda h: h.startswith("/login?")); `class_` matches one class among many."""

from __future__ import annotations

from html.parser import HTMLParser

# elements that never have content or an end tag
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None = None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        attrs = "".join(f' {k}="{v}"' for k, v in self.attrs.items())
        return f"<{self.tag}{attrs}>"

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    @property
    def text(self) -> str:
        """All the text inside, whitespace runs collapsed to one space."""
        parts: list[str] = []

        def walk(element: Element) -> None:
            for child in element.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def iter(self):
        """Every element inside, in document order."""
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def matches(self, tag: str | None = None, *, class_: str | None = None, **attrs) -> bool:
        if tag is not None and self.tag != tag:
            return False
        if class_ is not None and class_ not in self.classes:
            return False
        for key, wanted in attrs.items():
            name = key.replace("_", "-")
            if name not in self.attrs:
                return False
            value = self.attrs[name]
            if wanted is not True and not (wanted(value) if callable(wanted) else value == wanted):
                return False
        return True

    def find_all(self, tag: str | None = None, **filters) -> list[Element]:
        return [element for element in self.iter() if element.matches(tag, **filters)]

    def find(self, tag: str | None = None, **filters) -> Element | None:
        return next((element for element in self.iter() if element.matches(tag, **filters)), None)

    def one(self, tag: str | None = None, **filters) -> Element:
        found = self.find_all(tag, **filters)
        assert len(found) == 1, f"expected one <{tag or '*'}> with {filters}, found {len(found)}: {found[:5]}"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, {name: value or "" for name, value in attrs}, self.current))

    def handle_endtag(self, tag):
        # close up to the matching open element; a stray end tag is ignored
        element = self.current
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.current = element.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    """The document's root: find elements in it with find / find_all / one."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
