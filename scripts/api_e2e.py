"""End-to-end check of the REST API against a running server (``make run``).

    .venv/bin/python manage.py create_api_token demo --scope write --name e2e --days 1
    .venv/bin/python scripts/api_e2e.py http://127.0.0.1:8000 --token kia_…

It creates an assessment from the homework demo's JSON, edits a risk with If-Match, gets
412 on the stale ETag, finalises it (the token must be an owner's), downloads the PDF
(polling while the server answers 202), publishes it and reads it back without a token.
Each step prints one line; the first failure stops the script with exit code 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import httpx

DEMO = (
    Path(__file__).resolve().parents[1]
    / "assessments"
    / "interfaces"
    / "demo"
    / "voorbeeld-huiswerkapp.json"
)


def step(message: str) -> None:
    print(f"ok  {message}", flush=True)


def expect(response: httpx.Response, *statuses: int) -> httpx.Response:
    if response.status_code not in statuses:
        print(f"FAIL {response.request.method} {response.request.url} -> {response.status_code}")
        print(response.text[:2000])
        sys.exit(1)
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--token", required=True, help="an owner's read-write API token")
    parser.add_argument("--organisation", default="demo")
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for the PDF")
    args = parser.parse_args()
    api = f"{args.base_url.rstrip('/')}/api/v1"
    auth = {"Authorization": f"Bearer {args.token}", "Accept-Language": "en"}
    with httpx.Client(headers=auth, timeout=60) as client, httpx.Client(timeout=60) as anyone:
        document = json.loads(DEMO.read_text(encoding="utf-8"))
        document["assessment"]["slug"] = f"api-e2e-{int(time.time())}"
        document["assessment"]["title"] += " (API)"
        made = expect(
            client.post(f"{api}/assessments", params={"organisation": args.organisation},
                        json=document),
            201,
        )  # fmt: skip
        here = args.base_url.rstrip("/") + made.headers["Location"]
        step(f"created {made.json()['assessment']['slug']} from the homework demo ({here})")

        risks = expect(client.get(f"{here}/risks"), 200).json()
        risk_url = f"{here}/risks/{risks[0]['id']}"
        read = expect(client.get(risk_url), 200)
        etag = read.headers["ETag"]
        step(f"read risk {risks[0]['id']} ({read.json()['topic']!r}), ETag {etag}")

        changed = {"residual_description": read.json()["residual_description"] + " (API)"}
        saved = expect(client.patch(risk_url, json=changed, headers={"If-Match": etag}), 200)
        step(f"edited it with If-Match: new ETag {saved.headers['ETag']}")

        stale = expect(client.patch(risk_url, json=changed, headers={"If-Match": etag}), 412)
        problem = stale.json()
        step(f"stale ETag refused: {stale.status_code} {stale.headers['Content-Type']}: "
             f"{problem['title']}")  # fmt: skip
        expect(client.patch(risk_url, json=changed), 428)
        step("no If-Match refused: 428")

        final = expect(
            client.post(f"{here}/transitions/finalise", json={"attested": True}), 200
        ).json()
        step(f"finalised: status {final['status']}, version {final['version']}")

        pdf_url = f"{here}/versions/{final['version']}/report.pdf"
        deadline = time.monotonic() + args.timeout
        while True:
            pdf = expect(client.get(pdf_url), 200, 202)
            if pdf.status_code == 200:
                break
            if time.monotonic() > deadline:
                print("FAIL the PDF was not made in time")
                sys.exit(1)
            status_url = args.base_url.rstrip("/") + pdf.headers["Location"]
            state = expect(client.get(status_url), 200).json()
            step(f"PDF not ready (202, {state['status']}); polling {pdf.headers['Location']}")
            time.sleep(int(pdf.headers.get("Retry-After", "3")))
        assert pdf.content.startswith(b"%PDF"), "not a PDF"
        step(f"downloaded the PDF: {len(pdf.content)} bytes")

        published = expect(client.post(f"{here}/transitions/publish", json={}), 200).json()
        step(f"published: status {published['status']}, version {published['version']}")

        organisation, slug = here.rstrip("/").split("/")[-2:]
        public = expect(anyone.get(f"{api}/public/assessments/{organisation}/{slug}"), 200)
        title = public.json()["version"]["document"]["assessment"]["title"]
        step(f"read back without a token: {title!r}, version {public.json()['version']['number']}")
        expect(anyone.get(f"{here}"), 401)
        step("the private URL without a token: 401")
    print("all steps passed")


if __name__ == "__main__":
    main()
