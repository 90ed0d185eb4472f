"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py kia.wsgi`.

Every value can be changed with an environment variable (docs/operations.md, "Settings").

Slow clients: gunicorn's workers are meant to sit behind a buffering reverse proxy
(nginx, as in compose.yaml and deploy/nginx.conf), which reads the whole request from a
slow client before passing it on and takes the response at once. Reached directly, the
worker defends itself: `kia.server.DeadlineThreadWorker` is gunicorn's threaded worker
(`gthread`) with a deadline for reading each request (20 s plus a second per 500 bytes, so
a byte every two seconds is cut and a large upload on a slow line is not) and a limit on
each write of the answer. We chose threaded sync workers over an ASGI server with uvicorn
workers: the app and its database access are synchronous, so async workers would run every
view in a thread pool anyway. The request size limits (kia.middleware) and `timeout` bound
what one request can cost once it is read.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# (2 x cores) + 1 processes, each with a few threads: blocking on the database or on
# reading a PDF from storage does not hold a whole process.
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or "kia.server.DeadlineThreadWorker"
threads = _int("GUNICORN_THREADS", 4)
# A request that takes longer than this is killed and logged; no page should come near it.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle processes now and then so that no slow leak grows for ever.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Small request lines and headers (the bodies are bounded by kia.middleware).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# The proxy's address, whose X-Forwarded-* headers gunicorn believes.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files in memory, not on a possibly slow disk (containers have /dev/shm).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Logs to stdout/stderr; the app logs JSON lines itself.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Load the app once before forking: faster start, shared memory pages.
preload_app = True
