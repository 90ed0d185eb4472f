"""The "someone else is editing this" notice is shared through the cache: across processes
with Redis (``CACHE_URL=redis://…``), and within one process with the default setups."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import override_settings

from assessments.infra import presence

REDIS_URL = os.environ.get("KIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
ROOT = Path(__file__).resolve().parent.parent

# A process of its own, configured as a deployment would be: for each line "touch ITEM" or
# "leave ITEM" on stdin, it sends that heartbeat and prints the others it was told of.
_CHILD = """
import json, sys
import django
django.setup()
from assessments.infra import presence
assessment_id, name = int(sys.argv[1]), sys.argv[2]
for line in sys.stdin:
    action, item = line.split()
    if action == "leave":
        presence.leave(assessment_id, item, name)
        print(json.dumps([]), flush=True)
    else:
        print(json.dumps(presence.touch(assessment_id, item, name)), flush=True)
"""


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


class Editor:
    """One user's browser, served by a process of its own that shares Redis."""

    def __init__(self, assessment_id: int, name: str) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "CACHE_URL": REDIS_URL}
        self.process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(assessment_id), name],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def send(self, action: str, item: str) -> list[str]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(f"{action} {item}\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.communicate(timeout=30)  # closes stdin, so the loop ends; reads the rest


@pytest.mark.skipif(not _redis_answers(), reason=f"no Redis server answers at {REDIS_URL}")
def test_processes_sharing_redis_see_each_other():
    # A random assessment id: these keys meet nothing else in the Redis database.
    assessment_id = 10**9 + secrets.randbelow(10**9)
    item = f"/a/kia-{assessment_id}/risks/1/"
    anna, ben = Editor(assessment_id, "anna"), Editor(assessment_id, "ben")
    try:
        assert anna.send("touch", item) == []
        assert ben.send("touch", item) == ["anna"]
        assert anna.send("touch", item) == ["ben"]
        assert ben.send("touch", "/a/other/") == []  # per item
        ben.send("leave", item)
        assert anna.send("touch", item) == []
        anna.send("leave", item)
        assert anna.process.pid != ben.process.pid != os.getpid()
    finally:
        anna.close()
        ben.close()


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@override_settings(CACHES=LOCMEM)
def test_one_process_without_redis_still_works():
    """``CACHE_URL=locmem`` (development): the editors of one process see each other."""
    caches["default"].clear()
    assert presence.touch(1, "/a/x/goals/1/", "anna") == []
    assert presence.touch(1, "/a/x/goals/1/", "ben") == ["anna"]
    assert presence.others(1, "/a/x/goals/1/", "anna") == ["ben"]
    presence.leave(1, "/a/x/goals/1/", "ben")
    assert presence.others(1, "/a/x/goals/1/", "anna") == []


@pytest.mark.django_db
def test_the_default_database_cache_works_too():
    """Without ``CACHE_URL`` the cache is a database table, shared by every process that
    uses the same database."""
    assert caches["default"].__class__.__name__ == "DatabaseCache"
    caches["default"].clear()
    assert presence.touch(2, "/a/y/", "anna") == []
    assert presence.touch(2, "/a/y/", "ben") == ["anna"]
