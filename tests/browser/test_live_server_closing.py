"""A static file served to the browser is closed even when the server never calls close()."""

import io

from tests.browser.closing import close_when_sent


class _Body:
    def __init__(self):
        self.file = io.BytesIO(b"<svg/>")

    def __iter__(self):
        yield self.file.read()

    def close(self):
        self.file.close()


def _serve_without_closing(app):
    """What the development server does when the connection is reset before it closes the body."""
    sent = []
    body = app({}, lambda status, headers: None)
    for chunk in body:
        sent.append(chunk)
    return b"".join(sent)


def test_without_the_wrapper_the_body_stays_open():
    served = _Body()
    _serve_without_closing(lambda environ, start_response: served)
    assert not served.file.closed


def test_the_body_is_closed_once_it_has_been_sent():
    served = _Body()
    assert _serve_without_closing(close_when_sent(lambda environ, start_response: served)) == b"<svg/>"
    assert served.file.closed


def test_a_body_abandoned_mid_way_is_closed_when_dropped():
    served = _Body()
    body = close_when_sent(lambda environ, start_response: served)({}, lambda status, headers: None)
    next(iter(body))
    body.close()  # what the collector does to an abandoned generator
    assert served.file.closed
