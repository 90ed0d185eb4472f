"""Two web processes and one worker on different ports, sharing PostgreSQL, Redis and a
storage folder, serve one user consistently (issue 11, "Shared state"):

log in on A; request the PDF on B; the worker renders it; download it from A. Also: the
log-in throttle counts failures on A and B together; /ready/ is green on both.

Run with ``make twoprocess`` (needs PostgreSQL on 127.0.0.1:5432 and Redis on :6379).
Prints one line per step and "twoprocess: N passed, 0 failed" at the end.
"""

from __future__ import annotations

import sys
import time

import httpx

from tests.multiprocess.stack import Stack, csrf, log_in, postgres_url, wait_until

SLUG = "voorbeeld-huiswerkapp"
REDIS = "redis://127.0.0.1:6379/7"


def main() -> int:
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    passed = 0
    with Stack(postgres_url("kia_twoprocess"), cache_url=REDIS) as stack:
        user, password = stack.prepare()
        a, b = stack.start_web("web-a"), stack.start_web("web-b")
        stack.start_worker()
        print(f"web A {a}, web B {b}, worker, PostgreSQL, Redis, media {stack.media}")

        def check(name: str, ok: bool, detail: str = "") -> None:
            nonlocal passed
            print(f"{'ok  ' if ok else 'FAIL'} {name} {detail}")
            if not ok:
                for process in ("web-a", "web-b", "worker"):
                    print(f"--- {process} log ---\n{stack.log(process)[-3000:]}")
                raise SystemExit(f"twoprocess: {passed} passed, 1 failed")
            passed += 1

        ready = wait_until(lambda: httpx.get(f"{b}/ready/").status_code == 200, 30)
        check("/ready/ on B reports every part", ready)
        parts = httpx.get(f"{a}/ready/").json()["parts"]
        check("/ready/ on A", all(p["status"] == "ok" for p in parts.values()), str(parts))

        with httpx.Client(timeout=30) as client:
            response = log_in(client, a, user, password)
            check("log in on A", response.status_code == 302, str(response.status_code))
            page = client.get(f"{b}/a/{SLUG}/report/")
            check("B knows the session made on A", page.status_code == 200)
            started = client.post(
                f"{b}/a/{SLUG}/report/start",
                data={"csrfmiddlewaretoken": csrf(client)},
                headers={"Referer": f"{b}/a/{SLUG}/report/"},
            )
            check("request the PDF on B", started.status_code == 302, str(started.status_code))
            t0 = time.monotonic()
            status = wait_until(
                lambda: (s := client.get(f"{b}/a/{SLUG}/report/status").json())["ready"] and s,
                180,
                every=0.5,
            )
            check(
                "the worker rendered it",
                status["pages"] > 0,
                f"({status['pages']} pages in {time.monotonic() - t0:.1f} s)",
            )
            pdf = client.get(f"{a}/a/{SLUG}/report.pdf")
            check(
                "download it from A",
                pdf.status_code == 200 and pdf.content.startswith(b"%PDF"),
                f"({len(pdf.content)} bytes)",
            )

        # The log-in throttle is shared: failures on A and on B count together.
        with httpx.Client(timeout=30) as attacker:
            for i in range(5):
                log_in(attacker, (a, b)[i % 2], user, "wrong password")
            refused = log_in(attacker, b, user, password)
            check(
                "5 failures spread over A and B hold up the 6th try",
                refused.status_code == 200 and "_auth_user_id" not in refused.text,
            )
        with httpx.Client(timeout=30) as other:
            # Another address is not possible on loopback; a browser that logged in before
            # is (the "known device" cookie): it is let in despite the failures above.
            other.cookies.update(client.cookies)
            other.cookies.delete("sessionid")
            response = log_in(other, a, user, password)
            check("the owner's own browser still logs in", response.status_code == 302)
    print(f"twoprocess: {passed} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
