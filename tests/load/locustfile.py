"""A team of active editors on Concord, for the capacity figure (scripts/bench-capacity).

Each simulated person signs up, is given editor access to their team's document (five
people per team, each working on their own paragraph of it), keeps a live socket watching
it as the editor does, and then, with a pause of one to five seconds between actions:
reads the document (6 in 10), saves a change to their paragraph on the revision they last
read (3 in 10: a stale one meets 412 and is reloaded and made again, as "Reload and
reapply" does), or opens the list of documents (1 in 10). Only loopback addresses.
"""

import itertools
import json
import random
import threading

import gevent
import requests
import websocket
from locust import HttpUser, between, events, task

TEAM = 5
PASSWORD = "capacity benchmark"
_counter = itertools.count()
_lock = threading.Lock()
_lead = {}


def _paragraphs(team):
    return [f"Paragraph {p} of team {team}: nothing yet." for p in range(TEAM)]


@events.test_start.add_listener
def _sign_up_the_lead(environment, **_kwargs):
    lead = requests.Session()
    name = f"lead-{random.getrandbits(32):08x}"
    answer = lead.post(f"{environment.host}/api/auth/signup", json={"name": name, "password": PASSWORD})
    answer.raise_for_status()
    _lead.update(session=lead, host=environment.host, teams={}, run=name, environment=environment)


SETTLE = 15


@events.spawning_complete.add_listener
def _measure_once_settled(user_count, **_kwargs):
    """Statistics start SETTLE seconds after the last person started: signing up (a slow
    password hash by design) and joining a team are not what is measured."""
    runner = _lead["environment"].runner
    gevent.spawn_later(SETTLE, runner.stats.reset_all)


def _team_doc(team):
    """The team's document, created by the lead the first time anybody of it starts."""
    with _lock:
        teams = _lead["teams"]
        if team not in teams:
            answer = _lead["session"].post(
                f"{_lead['host']}/api/docs",
                json={"title": f"Team {team}", "slug": f"{_lead['run']}-team-{team}", "body": "\n\n".join(_paragraphs(team)) + "\n"},
            )
            answer.raise_for_status()
            teams[team] = answer.json()["id"]
        return teams[team]


class ActiveEditor(HttpUser):
    wait_time = between(1, 5)

    def on_start(self):
        number = next(_counter)
        self.team, self.part = divmod(number, TEAM)
        self.name = f"{_lead['run']}-{number}"
        # Signing up is not what is measured (a password hash is made to be slow): it
        # goes around Locust's statistics, and its session cookie into the user's client.
        answer = requests.post(f"{self.host}/api/auth/signup", json={"name": self.name, "password": PASSWORD})
        answer.raise_for_status()
        self.client.cookies.update(answer.cookies)
        self.doc_id = _team_doc(self.team)
        shared = _lead["session"].post(
            f"{_lead['host']}/api/docs/{self.doc_id}/members", json={"name": self.name, "role": "editor"}
        )
        shared.raise_for_status()
        self.doc = None
        self.read()
        self.watch()

    def watch(self):
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.client.cookies)
        url = self.host.replace("http://", "ws://") + "/api/live"
        self.socket = websocket.create_connection(url, cookie=cookie)
        self.socket.send(json.dumps({"type": "hello", "tab_id": f"tab-{self.name}"}))
        self.socket.send(json.dumps({"type": "watch", "doc_id": self.doc_id}))
        self.listening = gevent.spawn(self._drain)

    def _drain(self):
        try:
            while True:
                self.socket.recv()
        except Exception:  # the socket closed: the person left
            return

    def on_stop(self):
        self.listening.kill()
        self.socket.close()

    @task(6)
    def read(self):
        answer = self.client.get(f"/api/docs/{self.doc_id}", name="read document")
        if answer.ok:
            self.doc = answer.json()

    @task(1)
    def list_documents(self):
        self.client.get("/api/docs?limit=20", name="list documents")

    @task(3)
    def save(self):
        if self.doc is None:
            return self.read()
        for attempt in range(3):
            parts = self.doc["body"].rstrip("\n").split("\n\n")
            parts[self.part] = f"Paragraph {self.part} of team {self.team}: {random.getrandbits(48):012x}."
            body = "\n\n".join(parts) + "\n"
            with self.client.put(
                f"/api/docs/{self.doc_id}",
                json={"title": self.doc["title"], "slug": self.doc["slug"], "tags": self.doc["tags"], "body": body},
                headers={"If-Match": f'"{self.doc["rev"]}"'},
                name="save" if attempt == 0 else "save again after reload",
                catch_response=True,
            ) as answer:
                if answer.status_code == 200:
                    self.doc = answer.json()
                    return
                if answer.status_code == 412:
                    # Somebody of the team saved first: expected, and counted apart.
                    answer.request_meta["name"] = "save met a newer revision (412)"
                    answer.success()
                    self.read()
                    continue
                answer.failure(f"save answered {answer.status_code}")
                return
