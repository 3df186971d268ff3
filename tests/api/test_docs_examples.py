"""The curl examples in docs/API.md work: each is run, in order, against a fresh workspace.

An example is a ```sh block whose command starts with `curl`. The HTML comment right above the block
says what it must answer and which values later examples reuse:

    <!-- expect 201; PARTNER_ID = id -->

`$ORCHARD` is the server, `$TOKEN` a write token of the workspace; `$NAME` variables set by an earlier
example are filled in. The curl options a reader would use are understood: -X, -H, -d/--data,
--data-binary, --json, -G with --data-urlencode, -s/-i/-f (ignored).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tests.api.conftest import make_token

DOC = Path(__file__).resolve().parents[2] / "docs" / "API.md"
EXAMPLE = re.compile(r"<!--\s*expect\s+(\d{3})\s*(?:;\s*(.*?))?\s*-->\s*```sh\n(.*?)```", re.S)


def examples() -> list[tuple[int, str, str]]:
    text = DOC.read_text(encoding="utf-8")
    found = [(int(status), sets or "", body.strip()) for status, sets, body in EXAMPLE.findall(text)]
    assert found, "docs/API.md has no tested curl examples"
    return found


def _request(command: str, variables: dict) -> dict:
    for name, value in sorted(variables.items(), key=lambda item: -len(item[0])):
        command = command.replace(f"${{{name}}}", str(value)).replace(f"${name}", str(value))
    words = shlex.split(command.replace("\\\n", " "))
    assert words[0] == "curl", command
    method, headers, body, url, get_params = None, {}, None, None, []
    as_get = False
    i = 1
    while i < len(words):
        word = words[i]
        if word in ("-X", "--request"):
            method = words[i + 1]
            i += 2
        elif word in ("-H", "--header"):
            name, _, value = words[i + 1].partition(":")
            headers[name.strip()] = value.strip()
            i += 2
        elif word in ("-d", "--data", "--data-binary", "--data-raw"):
            body = words[i + 1]
            i += 2
        elif word == "--json":
            body = words[i + 1]
            headers.setdefault("Content-Type", "application/json")
            headers.setdefault("Accept", "application/json")
            i += 2
        elif word == "--data-urlencode":
            key, _, value = words[i + 1].partition("=")
            get_params.append((key, value))
            i += 2
        elif word == "-G":
            as_get = True
            i += 1
        elif word.startswith("-"):
            i += 1  # -s, -i, -f, --fail-with-body: output options only
        else:
            url = word
            i += 1
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if as_get and get_params:
        path += ("&" if "?" in path else "?") + urlencode(get_params)
    method = method or ("GET" if as_get or body is None else "POST")
    return {"method": method, "path": path, "headers": headers, "data": body}


@pytest.mark.usefixtures("frozen_clock")
def test_every_curl_example_in_the_api_docs_answers_as_documented(client, user, workspace):
    variables = {"ORCHARD": "", "TOKEN": make_token(user, workspace)}
    for status, sets, command in examples():
        request = _request(command, variables)
        response = client.open(
            request["path"], method=request["method"], headers=request["headers"], data=request["data"]
        )
        assert response.status_code == status, (command, response.status_code, response.get_data(as_text=True)[:500])
        for assignment in filter(None, (part.strip() for part in sets.split(","))):
            name, _, field = (piece.strip() for piece in assignment.partition("="))
            value = response.get_json()
            for key in field.split("."):
                value = value[int(key)] if isinstance(value, list) else value[key]
            variables[name] = value
