"""A check schemathesis does not have: a refused request changes nothing.

Before every unsafe request the hook takes a snapshot of everything the signed-in user can
see (each document's revision and status, the trash, the members of the run's document);
after a refusal (4xx) it takes another, and any difference fails the run. Runs with one
worker, so no other request of the run falls in between.
"""

import json
import os
import urllib.request

import schemathesis

BASE = os.environ["CONCORD_URL"].rstrip("/")
COOKIE = "concord_session=" + os.environ["CONCORD_SESSION"]
DOC_ID = os.environ["CONCORD_DOC_ID"]
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

_before = {}


def _get(path):
    request = urllib.request.Request(BASE + path, headers={"Cookie": COOKIE})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def snapshot():
    docs, cursor = [], None
    while True:
        page = _get("/api/docs?limit=100" + (f"&cursor={cursor}" if cursor else ""))
        docs += [(d["id"], d["rev"], d["status"], d["title"], d["slug"], d["tags"]) for d in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    trash = [(d["id"], d["rev"]) for d in _get("/api/trash")["items"]]
    try:
        members = _get(f"/api/docs/{DOC_ID}/members")
        members = sorted((m["user"]["name"], m["role"]) for m in members["members"])
    except urllib.error.HTTPError as error:
        members = error.code
    return {"docs": sorted(docs), "trash": sorted(trash), "members": members}


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.method.upper() in UNSAFE:
        _before[id(case)] = snapshot()


@schemathesis.check
def refused_request_changes_nothing(ctx, response, case):
    before = _before.pop(id(case), None)
    if before is None or not 400 <= response.status_code < 500:
        return None
    after = snapshot()
    if after != before:
        changed = [key for key in before if before[key] != after[key]]
        raise AssertionError(
            f"A refused request ({response.status_code}) changed data: {', '.join(changed)}"
        )
    return None
