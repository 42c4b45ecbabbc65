"""A test hook for the resilience tests: kill this process outright (SIGKILL, as the OOM
killer or a lost machine would) at a named point of a batch job, after its N-th pass.

Inactive unless ``PORTAL_CRASH_AT=<point>:<N>`` is in the environment, which only
tests/portal/test_crash_recovery.py sets, for a subprocess it starts. Points:
``job.advance`` (a job run's progress: a statement or a quarterly review done) and
``escalation.ticket`` (a ticket of the escalation sweep done)."""

import os
import signal

_passes: dict[str, int] = {}


def crash_point(name: str) -> None:
    spec = os.environ.get("PORTAL_CRASH_AT")
    if not spec:
        return
    point, _, after = spec.partition(":")
    if point != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] >= int(after or 1):
        os.kill(os.getpid(), signal.SIGKILL)
