"""Load and fault test of the production stack (``make loadtest``; loopback only, bounded).

1. Concurrent editors: N = 5, 20, 50 threads, each its own HTTP client, open an answer form
   and save it with the version it was loaded from, again and again for a few seconds,
   against gunicorn on PostgreSQL and on SQLite; all on the same answer, or each on its own.
   Afterwards the database must show, per answer: as many new versions as saves that
   succeeded (none lost, none phantom), a final text that was saved successfully, and no
   refused text. Reports requests per second, p50/p95/p99 latency and server errors.
2. Faults, on PostgreSQL: the worker killed (SIGKILL) during a render; the database
   unreachable for 30 s (a TCP relay between the app and PostgreSQL is cut); the storage
   unwritable. Reports the time to recover from each.

Environment: LOADTEST_SECONDS (per scenario, default 6), LOADTEST_N (default "5,20,50"),
LOADTEST_OUTAGE_SECONDS (default 30). Prints one JSON summary at the end and writes it to
var/loadtest.json.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.multiprocess.dbproxy import Relay
from tests.multiprocess.stack import ROOT, Stack, csrf, log_in, postgres_url, wait_until

SLUG = "voorbeeld-huiswerkapp"
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "6"))
NS = [int(n) for n in os.environ.get("LOADTEST_N", "5,20,50").split(",")]
OUTAGE = float(os.environ.get("LOADTEST_OUTAGE_SECONDS", "30"))
VERSION = re.compile(r'name="lock_version" value="(\d*)"')

READ_ANSWERS = (
    "import json; from assessments.domain.models import Answer;"
    f"print(json.dumps({{a.question: [a.lock_version, a.text] for a in "
    f"Answer.objects.filter(assessment__slug='{SLUG}')}}))"
)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    saved: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    refused: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    active: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, started: float, status: int) -> None:
        with self.lock:
            self.latencies.append(time.perf_counter() - started)
            self.statuses[status] += 1


def answers(stack: Stack) -> dict[str, list]:
    return json.loads(stack.manage("shell", "-c", READ_ANSWERS).strip().splitlines()[-1])


def editor(
    client: httpx.Client, base: str, key: str, who: int, start: threading.Barrier, tally: Tally
) -> None:
    url = f"{base}/a/{SLUG}/answer/{key}/"
    start.wait()  # every editor is ready: the clock starts now
    until = time.monotonic() + SECONDS
    with client:
        seq = 0
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                page = client.get(url)
                tally.hit(started, page.status_code)
                match = VERSION.search(page.text)
                text = f"editor {who} save {seq} of {key}"
                started = time.perf_counter()
                response = client.post(
                    url,
                    data={
                        "text": text,
                        "lock_version": match.group(1) if match else "",
                        "csrfmiddlewaretoken": csrf(client),
                    },
                    headers={"Referer": url},
                )
                tally.hit(started, response.status_code)
            except httpx.HTTPError as error:
                with tally.lock:
                    tally.errors.append(f"{type(error).__name__}: {error}")
                continue
            with tally.lock:
                tally.active.add(who)
                if response.status_code == 302:
                    tally.saved[key].append(text)
                elif response.status_code == 409:
                    tally.refused[key].append(text)
            seq += 1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000, 1)


def scenario(stack: Stack, base: str, cookies, keys: list[str], n: int, same: bool) -> dict:
    before = answers(stack)
    tally = Tally()
    chosen = [keys[0] if same else keys[i % len(keys)] for i in range(n)]
    # Clients are made before the clock starts (each builds an SSL context: slow).
    clients = [httpx.Client(cookies=cookies, timeout=60) for _ in chosen]
    start = threading.Barrier(n + 1)
    threads = [
        threading.Thread(target=editor, args=(client, base, key, i, start, tally))
        for i, (client, key) in enumerate(zip(clients, chosen, strict=True))
    ]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    after = answers(stack)
    lost = phantom = wrong_final = 0
    for key in set(chosen):
        delta = after.get(key, [0, ""])[0] - before.get(key, [0, ""])[0]
        successes = len(tally.saved[key])
        lost += max(0, successes - delta)
        phantom += max(0, delta - successes)
        final = after.get(key, [0, ""])[1]
        if successes and (final not in tally.saved[key] or final in tally.refused[key]):
            wrong_final += 1
    requests = sum(tally.statuses.values())
    return {
        "editors": n,
        "editors_who_saved_or_were_refused": len(tally.active),
        "answers": "same" if same else "different",
        "requests": requests,
        "req_per_s": round(requests / elapsed, 1),
        "p50_ms": percentile(tally.latencies, 50),
        "p95_ms": percentile(tally.latencies, 95),
        "p99_ms": percentile(tally.latencies, 99),
        "saves": sum(len(v) for v in tally.saved.values()),
        "conflicts_409": sum(len(v) for v in tally.refused.values()),
        "server_errors": sum(c for s, c in tally.statuses.items() if s >= 500),
        "client_errors": tally.errors[:3],
        "lost_saves": lost,
        "phantom_saves": phantom,
        "wrong_final_text": wrong_final,
    }


def load(stack: Stack, label: str) -> list[dict]:
    user, password = stack.prepare()
    keys = stack.manage(
        "shell", "-c", "from assessments.domain import instrument; print(*instrument.ANSWER_KEYS)"
    )
    keys = keys.strip().splitlines()[-1].split()
    base = stack.start_web("web")
    with httpx.Client(timeout=30) as client:
        assert log_in(client, base, user, password).status_code == 302
        cookies = httpx.Cookies(client.cookies)
    results = []
    for n in NS:
        for same in (True, False):
            result = {"database": label, **scenario(stack, base, cookies, keys, n, same)}
            print(json.dumps(result), flush=True)
            results.append(result)
    return results


# --- faults -------------------------------------------------------------------------------


def report_status(client: httpx.Client, base: str) -> dict:
    return client.get(f"{base}/a/{SLUG}/report/status").json()


def start_render(client: httpx.Client, base: str) -> None:
    client.post(
        f"{base}/a/{SLUG}/report/start",
        data={"csrfmiddlewaretoken": csrf(client)},
        headers={"Referer": f"{base}/a/{SLUG}/report/"},
    )


def change_answer(client: httpx.Client, base: str, text: str) -> None:
    url = f"{base}/a/{SLUG}/answer/2.1/"
    version = VERSION.search(client.get(url).text).group(1)
    data = {"text": text, "lock_version": version, "csrfmiddlewaretoken": csrf(client)}
    assert client.post(url, data=data, headers={"Referer": url}).status_code == 302


def faults() -> dict:
    relay = Relay(("127.0.0.1", 5432))
    port = relay.start()
    url = postgres_url("kia_loadtest_faults").replace("127.0.0.1:5432", f"127.0.0.1:{port}")
    results: dict[str, dict] = {}
    with Stack(url, cache_url="redis://127.0.0.1:6379/8") as stack, httpx.Client(timeout=30) as c:
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/8").flushdb()
        user, password = stack.prepare()
        base = stack.start_web("web")
        stack.start_worker()
        assert log_in(c, base, user, password).status_code == 302

        # 1. The worker is killed (SIGKILL) while it renders; a supervisor starts a new one.
        change_answer(c, base, "Fault 1: the worker dies during the render.")
        start_render(c, base)
        wait_until(lambda: report_status(c, base)["status"] == "running", 60, every=0.1)
        stack.kill("worker")
        killed = time.monotonic()
        stack.start_worker()
        stale_seen = wait_until(lambda: report_status(c, base)["stale"], 120, every=0.5) and (
            time.monotonic() - killed
        )
        wait_until(lambda: report_status(c, base)["ready"], 240, every=0.5)
        results["worker_killed_mid_render"] = {
            "stale_shown_after_s": round(stale_seen, 1),
            "pdf_ready_after_s": round(time.monotonic() - killed, 1),
        }
        print(json.dumps(results), flush=True)

        # 2. The database is unreachable for OUTAGE seconds.
        relay.cut()
        cut = time.monotonic()
        during = {"health": [], "ready": [], "page": []}
        while time.monotonic() - cut < OUTAGE:
            for name, path in (("health", "/health/"), ("ready", "/ready/"), ("page", "/")):
                try:
                    during[name].append(c.get(f"{base}{path}", timeout=10).status_code)
                except httpx.HTTPError:
                    during[name].append(0)
            time.sleep(1)
        relay.start()
        restored = time.monotonic()
        wait_until(lambda: c.get(f"{base}/ready/").status_code == 200, 120, every=0.2)
        ready_after = time.monotonic() - restored
        change_answer(c, base, "Fault 2: after the database outage.")
        start_render(c, base)
        wait_until(lambda: report_status(c, base)["ready"], 240, every=0.5)
        results["database_unreachable"] = {
            "outage_s": OUTAGE,
            "during_outage_status_codes": {k: sorted(set(v)) for k, v in during.items()},
            "worker_survived": stack.processes["worker"].poll() is None,
            "ready_after_s": round(ready_after, 1),
            "new_pdf_after_s": round(time.monotonic() - restored, 1),
        }
        print(json.dumps(results), flush=True)

        # 3. The storage cannot be written (a file where the folder should be).
        away = stack.media.with_name("media-away")
        stack.media.rename(away)
        stack.media.write_text("not a folder")
        change_answer(c, base, "Fault 3: the storage is unwritable.")
        start_render(c, base)
        failed = wait_until(lambda: (s := report_status(c, base))["status"] == "failed" and s, 120)
        ready_down = c.get(f"{base}/ready/")
        stack.media.unlink()
        away.rename(stack.media)
        restored = time.monotonic()
        wait_until(lambda: c.get(f"{base}/ready/").status_code == 200, 60, every=0.2)
        ready_after = time.monotonic() - restored
        start_render(c, base)  # the page's "try again"
        wait_until(lambda: report_status(c, base)["ready"], 240, every=0.5)
        results["storage_unwritable"] = {
            "render_failed_with": failed["error"],
            "ready_during": [ready_down.status_code, ready_down.json()["parts"]["storage"]],
            "ready_after_s": round(ready_after, 1),
            "pdf_after_try_again_s": round(time.monotonic() - restored, 1),
        }
        print(json.dumps(results), flush=True)
    relay.cut()
    return results


def main() -> int:
    summary: dict = {"seconds_per_scenario": SECONDS, "load": []}
    with Stack(postgres_url("kia_loadtest"), cache_url="redis://127.0.0.1:6379/9") as stack:
        summary["load"] += load(stack, "postgresql")
    sqlite = Path(ROOT / "var" / "loadtest.sqlite3")
    sqlite.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    with Stack(f"sqlite:///{sqlite}") as stack:
        summary["load"] += load(stack, "sqlite")
    if os.environ.get("LOADTEST_FAULTS", "1") != "0":
        summary["faults"] = faults()
    bad = [
        r
        for r in summary["load"]
        if r["server_errors"] or r["lost_saves"] or r["phantom_saves"] or r["wrong_final_text"]
    ]
    summary["verdict"] = "ok" if not bad else f"{len(bad)} scenarios with errors or lost saves"
    out = ROOT / "var" / "loadtest.json"
    out.write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
