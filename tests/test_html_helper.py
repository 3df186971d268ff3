"""The tests' HTML reader (tests/html.py) finds the same element whatever the attribute order."""

import pytest

from tests.html import parse


@pytest.mark.parametrize(
    "markup",
    ['<option selected value="60">60 days</option>', '<option value="60" selected>60 days</option>'],
)
def test_attribute_order_does_not_matter(markup):
    option = parse(f"<select name=follow_up>{markup}<option value=7>7 days</option></select>").one(
        "option", selected=True
    )
    assert (option["value"], option.text, option.get("selected")) == ("60", "60 days", "")


def test_void_elements_entities_classes_and_stray_end_tags():
    doc = parse(
        '<body hx-headers=\'{"X-CSRFToken": "t"}\'><p class="a  b">Calendar &amp; <b>digest</b></p>'
        '<input name=q value="x &lt; y"><br></span><a href="/login?next=%2Fx" rel="next">Log in</a></body>'
    )
    assert doc.one("p", class_="b").text == "Calendar & digest"
    assert doc.one("input", name="q")["value"] == "x < y"
    assert doc.one("a", href=lambda href: href.startswith("/login?")).parent.tag == "body"
    assert doc.find("a", rel="prev") is None and len(doc.find_all(hx_headers=True)) == 1
    with pytest.raises(AssertionError, match="expected one <p>"):
        doc.one("p", id="missing")
