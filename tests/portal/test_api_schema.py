"""The API's OpenAPI schema tells the truth (issue 11, item 4).

Schemathesis generates requests from ``/api/schema/`` and sends them to gunicorn (the
production server, ``portal.wsgi``) on loopback, serving the test database with the demo
data seeded, once with a dealer key and once with a manufacturer
key. Every response must be: not a server error, a documented status code, of the
documented content type, with a body and headers that match the documented schema.

Path parameters are drawn both from what Schemathesis generates (mostly 404s) and from the
real objects the key can list, so that the documented 200s are exercised too.

Why gunicorn and not pytest-django's ``live_server``: that one is Django's development
server (``http.server``), which answers a malformed request line on a kept-alive
connection with an HTTP/0.9 error page, no status line; a CI run once read that page as the
answer to the next request (``BadStatusLine('<!DOCTYPE HTML>')``) and failed on the
transport, not on the API. The server under test is the one that serves the API.
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from urllib.parse import urljoin

import hypothesis
import pytest
import requests
import schemathesis
from django.core.management import call_command
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dealers.models import Dealer
from portal.services import api_key_issue
from tests.processes import ROOT, database_env

pytestmark = pytest.mark.django_db(transaction=True)

#: generated requests per operation and key kind (bounded: the whole run stays ~2 minutes)
MAX_EXAMPLES = 8
#: the demo dealer whose key is used
DEALER_CODE = "DEMO-SZ"

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

#: Operations left out of this run, each with its reason. Empty is the goal: an entry here
#: is a bug to fix, not a licence.
EXCLUDED_OPERATIONS: dict[str, str] = {}

#: Inputs not sent in this run because they hit a known server error whose fix is on its
#: way. Each entry: (why, predicate on every string of the request). Empty: since issue 11
#: item 3 landed, NUL characters and out-of-range time-zone offsets are generated too.
KNOWN_INPUT_CLASSES: dict[str, tuple[str, Callable[[str], bool]]] = {}


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, bytes):
        yield value.decode("utf-8", "replace")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _is_known_input_class(case) -> bool:
    parts = [case.path_parameters, case.query, case.headers, case.cookies]
    body = getattr(case, "body", None)
    if isinstance(body, str | bytes | dict | list):
        parts.append(body)
    return any(
        predicate(text)
        for part in parts
        for text in _strings(part or {})
        for _why, predicate in KNOWN_INPUT_CLASSES.values()
    )


def _issue_keys() -> dict[str, str]:
    unlimited = "1000000/min"  # 429s are documented; the run wants to reach the views
    dealer = Dealer.objects.get(code=DEALER_CODE)
    return {
        "dealer": api_key_issue(name="schemathesis dealer", dealer=dealer, rate=unlimited)[1],
        "manufacturer": api_key_issue(name="schemathesis mfr", manufacturer=True, rate=unlimited)[
            1
        ],
    }


def _real_path_values(session, base_url, path: str, name: str, seen: dict) -> list[str]:
    """The values of ``name`` for objects the caller can list at ``path``'s collection
    (each collection fetched once: ``seen``)."""
    collection = path.split("{" + name + "}")[0]
    if "{" in collection:
        return []
    if collection not in seen:
        response = session.get(urljoin(base_url, collection), timeout=60)
        body = response.json() if response.status_code == 200 else {}
        seen[collection] = body.get("results", []) if isinstance(body, dict) else body
    rows = seen[collection]
    return [str(row[name]) for row in rows if isinstance(row, dict) and row.get(name)][:20]


def _with_real_parameter(operation, values_by_name):
    generated = operation.as_strategy().filter(lambda case: not _is_known_input_class(case))
    if not values_by_name:
        return generated

    def use(pair):
        case, chosen = pair
        case.path_parameters = {**(case.path_parameters or {}), **chosen}
        return case

    chosen = st.fixed_dictionaries(
        {name: st.sampled_from(values) for name, values in values_by_name.items()}
    )
    return st.one_of(st.tuples(generated, chosen).map(use), generated)


def _run_operation(operation, *, base_url, session, strategy) -> list[str]:
    failures: list[str] = []

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=strategy)
    def run(case):
        try:
            case.call_and_validate(base_url=base_url, session=session, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # collect every failure, keep going
            failures.append(str(exc)[:3000])

    run()
    return failures


def _failures_with_key(schema, *, base_url: str, secret: str) -> dict[str, list[str]]:
    session = requests.Session()
    session.headers["Authorization"] = f"Api-Key {secret}"
    report: dict[str, list[str]] = {}
    seen: dict[str, list] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if label in EXCLUDED_OPERATIONS:
            continue
        real = {
            p.name: values
            for p in operation.path_parameters
            if (values := _real_path_values(session, base_url, operation.full_path, p.name, seen))
        }
        strategy = _with_real_parameter(operation, real)
        failures = _run_operation(operation, base_url=base_url, session=session, strategy=strategy)
        if failures:
            report[label] = failures
    return report


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def api_server(transactional_db, tmp_path):
    """gunicorn serving ``portal.wsgi`` on a free loopback port, on the test database (the
    test's data is committed: ``transaction=True``). Yields the base URL."""
    port = _free_port()
    log_path = tmp_path / "gunicorn.log"
    log = log_path.open("w")
    env = database_env(PORTAL_TESTING="1")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited: {log_path.read_text()[-2000:]}")
            try:
                requests.get(f"{url}/healthz", timeout=5)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    pytest.fail("gunicorn did not answer within 60 s")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.mark.schemathesis
@pytest.mark.timeout(1200)  # about two minutes on an idle machine; a shared one is slower
def test_schema_tells_the_truth(api_server):
    call_command("seed_demo", stdout=io.StringIO())
    keys = _issue_keys()
    schema = schemathesis.openapi.from_url(f"{api_server}/api/schema/?format=json", timeout=120)
    report = []
    # The dealer's run first: the manufacturer's may suspend or terminate that dealer.
    for kind in ("dealer", "manufacturer"):
        failures = _failures_with_key(schema, base_url=api_server, secret=keys[kind])
        report += [
            f"== {kind} key, {label}:\n" + "\n--\n".join(dict.fromkeys(fails))
            for label, fails in failures.items()
        ]
    assert not report, f"{len(report)} operations failed:\n\n" + "\n\n".join(report)
