"""Run the PDF renderer in a child process with a time and a memory limit.

WeasyPrint's cost grows with the document; a huge table can take minutes and gigabytes.
The worker therefore forks a child for each render: the child sets its own limits
(``resource.setrlimit``: address space and CPU seconds), lays out the HTML and sends the
PDF back through a pipe. The parent waits at most ``seconds`` (wall clock), calling
``heartbeat`` every few seconds so that a render whose worker died can be told from one
that is still working. The child never touches the database: the HTML is built before.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import resource
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import cast

logger = logging.getLogger(__name__)


class RenderFailed(Exception):
    """The render did not produce a PDF. ``reason`` is plain text for the log and admin."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    seconds: int
    memory_mb: int
    heartbeat_seconds: float = 10.0


def _child(render: Callable, html: str, limits: Limits, send) -> None:
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = max(1, limits.seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        rendered = render(html)
        send.send(("ok", rendered))
    except MemoryError:
        send.send(("memory", ""))
    except BaseException:  # reported to the parent, which logs it
        send.send(("error", traceback.format_exc()))
    finally:
        send.close()


def _wait(limits: Limits, deadline: float) -> float:
    return max(0.0, min(limits.heartbeat_seconds, deadline - time.monotonic()))


def render_limited(
    render: Callable, html: str, limits: Limits, heartbeat: Callable[[], None] | None = None
):
    """``render(html)`` in a child process under ``limits``; its return value, or
    ``RenderFailed`` with a plain reason (the details go to the log)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(render, html, limits, send), daemon=True)
    child.start()
    send.close()
    deadline = time.monotonic() + limits.seconds
    try:
        while not receive.poll(_wait(limits, deadline)):
            if time.monotonic() >= deadline:
                raise RenderFailed(f"time limit of {limits.seconds} s exceeded")
            if heartbeat is not None:
                heartbeat()
        try:
            outcome, value = receive.recv()
        except EOFError:  # the child died without a word: a signal or the kernel killed it
            child.join(5)
            raise _failure("died", None, child.exitcode, limits) from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if outcome == "ok":
        return value
    raise _failure(outcome, value, child.exitcode, limits)


def _failure(
    outcome: str, value: object, exitcode: int | None, limits: Limits, key: str = ""
) -> RenderFailed:
    """The plain reason for a child's outcome other than "ok" (details go to the log)."""
    if outcome == "memory":
        return RenderFailed(f"memory limit of {limits.memory_mb} MB exceeded")
    if outcome == "died":
        if exitcode == -signal.SIGXCPU:
            return RenderFailed(f"time limit of {limits.seconds} s exceeded")
        return RenderFailed(f"renderer stopped (exit code {exitcode}); memory?")
    logger.error("The PDF renderer failed%s:\n%s", f" on {key}" if key else "", value)
    return RenderFailed("renderer error (details in the log)")


@dataclass(frozen=True)
class Job:
    """One of several renders for ``render_many``: ``render(html)`` under ``key``."""

    key: str
    render: Callable
    html: str


@dataclass
class _Running:
    job: Job
    process: multiprocessing.process.BaseProcess
    attempt: int


def _start(context, job: Job, limits: Limits, attempt: int, running: dict) -> None:
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(job.render, job.html, limits, send), daemon=True)
    process.start()
    send.close()
    running[receive] = _Running(job, process, attempt)


def _stop(running: dict) -> None:
    for receive, run in running.items():
        receive.close()
        if run.process.is_alive():
            run.process.kill()
        run.process.join(5)


def render_many(
    jobs: list[Job],
    limits: Limits,
    *,
    workers: int,
    heartbeat: Callable[[], None] | None = None,
) -> dict[str, object]:
    """Every job in its own child process, at most ``workers`` at a time, all within
    ``limits.seconds`` (wall clock, from now) and each under the memory limit. Returns
    each job's result by key. A child that dies without a word (killed) is replaced once
    and its job run again; a job that fails, a second death or the time limit stops the
    others and raises ``RenderFailed``: there is no result with a part missing."""
    context = multiprocessing.get_context("fork")
    pending = list(jobs)
    pending.reverse()  # pop() takes them in the order given
    running: dict = {}
    results: dict[str, object] = {}
    deadline = time.monotonic() + limits.seconds
    try:
        while pending or running:
            while pending and len(running) < max(1, workers):
                _start(context, pending.pop(), limits, 1, running)
            ready = multiprocessing.connection.wait(list(running), _wait(limits, deadline))
            if not ready:
                if time.monotonic() >= deadline:
                    raise RenderFailed(f"time limit of {limits.seconds} s exceeded")
                if heartbeat is not None:
                    heartbeat()
                continue
            for ready_one in ready:
                receive = cast(Connection, ready_one)
                run = running.pop(receive)
                try:
                    outcome, value = receive.recv()
                except EOFError:
                    outcome, value = "died", None
                finally:
                    receive.close()
                    run.process.join(5)
                if outcome == "ok":
                    results[run.job.key] = value
                elif outcome == "died" and run.attempt == 1:
                    logger.warning("A renderer died on %s; starting another.", run.job.key)
                    _start(context, run.job, limits, 2, running)
                else:
                    raise _failure(outcome, value, run.process.exitcode, limits, run.job.key)
    finally:
        _stop(running)
    return results
