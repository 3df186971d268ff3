"""One simulated user of bench/load.py: logs in like a browser, then reads pages and writes until the
deadline, keeping a record of every request and of every write the server confirmed.

Like a browser it keeps the session cookie (the production cookie is `Secure`, which a browser sends
to a local address; Python's cookie jar would not, so the cookies are kept here by hand) and sends
unsafe requests with the CSRF token of the page in the `X-CSRFToken` header, as htmx does with the
`hx-headers` of templates/base.html. A write is confirmed when the server answers it with a redirect
(each form's success); a refusal (422, e.g. a referral that would make a loop) is recorded, not
confirmed. Redirects are not followed: every request counts once.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode

TOKEN_IN_PAGE = re.compile(r'"X-CSRFToken":\s*"([^"]+)"')
TOKEN_IN_FORM = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
READS = (
    "/partners/",
    "/partners/?sort=updated&dir=desc",
    "/partners/?q=studio",
    "/partners/{partner}",
    "/partners/{partner}/timeline",
    "/dashboard",
    "/reminders/",
    "/deals/",
    "/deals/list",
    "/ledger",
    "/activity",
    "/referrals/",
)
# share of the requests, in percent: 70 reads, 30 writes
WEIGHTS = {"read": 70, "interaction": 10, "deal": 8, "paid": 4, "terms": 4, "referrer": 4}
STAGES = ("lead", "proposal", "negotiation", "won", "lost")


@dataclass
class Targets:
    """What one client may write to: rows of its own (deals, commissions, terms, referrals), so that the
    last write it confirmed on a row is that row's final state; interactions go to any partner."""

    partner_ids: list[int]  # every partner (reads, interactions, referrers)
    deals: dict[int, str]  # deal id -> stage
    owed: list[int]  # owed commission ids
    terms_partner_ids: list[int]
    referral_partner_ids: list[int]


@dataclass
class Request:
    kind: str
    status: int
    ms: float
    url: str
    at: float


@dataclass
class Write:
    kind: str  # interaction | deal | paid | terms | referrer
    row: int  # the partner, deal or commission written
    value: object  # what it wrote (a marker text, a stage, a referrer id)


class _Form(HTMLParser):
    """The fields of the form posting to `action`: {name: value} as a browser would submit them."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action", "").split("?")[0] == self.action and a.get("method", "").lower() == "post"
        elif not self.inside:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select = a.get("name")
            self.fields.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self.inside and self._textarea:
            self.fields[self._textarea] += data


class Client(threading.Thread):
    def __init__(self, number, port, email, password, targets: Targets, run_id: str, start: threading.Barrier, seconds):
        super().__init__(name=f"load-client-{number}", daemon=True)
        self.number, self.port, self.email, self.password = number, port, email, password
        self.targets, self.run_id, self.start_together, self.seconds = targets, run_id, start, seconds
        self.rng = random.Random(number)
        self.cookies: dict[str, str] = {}
        self.token = None
        self.requests: list[Request] = []
        self.confirmed: list[Write] = []
        self.failures: list[str] = []  # exceptions (connection reset, timeout…)
        self._connection = None
        self._n = 0

    # --- HTTP -----------------------------------------------------------------------------------

    def _send(self, kind, method, url, form=None, unsafe=False):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if unsafe:  # a boosted form of the page, as htmx sends it
            headers.update({"X-CSRFToken": self.token, "HX-Request": "true", "HX-Boosted": "true"})
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                if self._connection is None:
                    self._connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self._connection.request(method, url, body=body, headers=headers)
                response = self._connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (ConnectionError, http.client.HTTPException, TimeoutError) as error:
                self._connection.close()
                self._connection = None
                # a read is tried once more on a fresh connection; a write never (it may have been done)
                if attempt == 2 or method != "GET":
                    self.failures.append(f"{method} {url}: {type(error).__name__}: {error}")
                    self.requests.append(Request(kind, 0, (time.perf_counter() - started) * 1000, url, started))
                    return 0, ""
        for cookie in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(cookie).items():
                self.cookies[name] = morsel.value
        self.requests.append(Request(kind, response.status, (time.perf_counter() - started) * 1000, url, started))
        if response.will_close:
            self._connection.close()
            self._connection = None
        return response.status, text

    def _post(self, kind, url, form):
        status, text = self._send(kind, "POST", url, form, unsafe=True)
        return status in (302, 303), status

    def log_in(self) -> bool:
        status, text = self._send("login", "GET", "/login")
        match = TOKEN_IN_FORM.search(text)
        if status != 200 or not match:
            self.failures.append(f"login page answered {status}")
            return False
        form = {"email": self.email, "password": self.password, "csrf_token": match.group(1)}
        status, _ = self._send("login", "POST", "/login", form)
        page_status, page = self._send("login", "GET", "/dashboard")
        match = TOKEN_IN_PAGE.search(page)
        if status != 302 or page_status != 200 or not match:
            self.failures.append(f"login answered {status}, then the dashboard {page_status}")
            return False
        self.token = match.group(1)
        return True

    # --- the workload ----------------------------------------------------------------------------

    def _marker(self) -> str:
        self._n += 1
        return f"load {self.run_id} client {self.number} #{self._n}"

    def read(self):
        url = self.rng.choice(READS).format(partner=self.rng.choice(self.targets.partner_ids))
        self._send("read", "GET", url)

    def interaction(self):
        partner = self.rng.choice(self.targets.partner_ids)
        marker = self._marker()
        form = {
            "kind": self.rng.choice(("call", "email", "meeting")),
            "direction": "ours",
            "contact_id": "",
            "occurred_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"),  # load users keep UTC
            "summary": marker,
            "follow_up": "",
        }
        ok, _ = self._post("interaction", f"/partners/{partner}/interactions", form)
        if ok:
            self.confirmed.append(Write("interaction", partner, marker))

    def deal(self):
        deal = self.rng.choice(list(self.targets.deals))
        stage = self.rng.choice([s for s in STAGES if s != self.targets.deals[deal]])
        form = {"stage": stage, "lost_reason": "Chose another supplier (load test)", "back": "deal"}
        ok, _ = self._post("deal", f"/deals/{deal}/stage", form)
        if ok:
            self.targets.deals[deal] = stage
            self.confirmed.append(Write("deal", deal, stage))

    def paid(self):
        if not self.targets.owed:
            return self.interaction()
        commission = self.targets.owed.pop()
        marker = self._marker()
        form = {"ids": commission, "paid_on": datetime.now(UTC).date().isoformat(), "payment_reference": marker[:120]}
        ok, _ = self._post("paid", "/ledger/pay", form)
        if ok:
            self.confirmed.append(Write("paid", commission, marker[:120]))

    def terms(self):
        partner = self.rng.choice(self.targets.terms_partner_ids)
        url = f"/partners/{partner}/terms"
        status, page = self._send("terms", "GET", url)  # the form first, for its version
        if status != 200:
            return
        parser = _Form(url)
        parser.feed(page)
        marker = self._marker()
        form = {**parser.fields, "clauses": marker, "commission_rate": self.rng.choice(("5", "7.5", "10", "12"))}
        form.pop("csrf_token", None)
        ok, _ = self._post("terms", url, form)
        if ok:
            self.confirmed.append(Write("terms", partner, marker))

    def referrer(self):
        partner = self.rng.choice(self.targets.referral_partner_ids)
        referrer = self.rng.choice(self.targets.partner_ids)
        if referrer == partner:
            return
        form = {"referred_by_id": referrer, "contact_id": "", "referred_on": "", "note": self._marker()}
        ok, _ = self._post("referrer", f"/partners/{partner}/referrals", form)
        if ok:
            self.confirmed.append(Write("referrer", partner, referrer))

    def run(self):
        try:
            logged_in = self.log_in()
        except Exception as error:
            self.failures.append(f"login: {type(error).__name__}: {error}")
            logged_in = False
        try:
            self.start_together.wait(timeout=600)  # every client logged in (or failed to): the run begins
        except threading.BrokenBarrierError:
            return
        deadline = time.monotonic() + self.seconds
        actions = {name: getattr(self, name) for name in WEIGHTS}
        names, weights = list(WEIGHTS), list(WEIGHTS.values())
        while logged_in and time.monotonic() < deadline:
            try:
                actions[self.rng.choices(names, weights)[0]]()
            except Exception as error:
                self.failures.append(f"{type(error).__name__}: {error}")
