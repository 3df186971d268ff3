"""The live server's WSGI wrapper: every response's body is closed once it has been sent.

Werkzeug's development server closes a response only after draining the request socket; when the
browser resets the connection (a page navigated away mid-request), the drain raises and the body
(an open static file) is left to the garbage collector — a ResourceWarning that fails whichever
test happens to be running."""

from __future__ import annotations


def close_when_sent(app):
    def wrapped(environ, start_response):
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return wrapped
