"""conftest.py — fixtures of the black-box API suite.

Each test module gets one real `docket serve` (module scope) on a free port
with a fresh SQLite database in a temporary directory; `start_server` starts
extra ones for tests that need an empty database. At the end the server is
stopped with SIGTERM; a sanitizer report in its log ('AddressSanitizer',
'LeakSanitizer', 'runtime error:') or a non-zero exit status fails the module
(as an error in the teardown of its last test).

The binary: $DOCKET_BIN, else build/test/docket under the repository root.
Helpers (Server, Api, SSEReader, expect_error) live in harness.py, object
shapes in shapes.py. Signed-in clients are module-scoped: an argon2id sign-in
costs about 0.1 s, so tests reuse them and make their own data unique
(harness.unique) instead of relying on an empty database.
"""
import os

import pytest

import harness
import pgcluster


def pytest_sessionstart(session):
    """DOCKET_TEST_BACKEND=pg runs every test on PostgreSQL: one throwaway
    cluster for the session, a fresh database per server."""
    if os.environ.get("DOCKET_TEST_BACKEND", "sqlite") == "pg":
        harness.PG_CLUSTER = pgcluster.PgCluster().start()


def pytest_sessionfinish(session, exitstatus):
    if harness.PG_CLUSTER:
        harness.PG_CLUSTER.stop()
        harness.PG_CLUSTER = None


def _start(tmp_path_factory, name, extra_env=None):
    server = harness.Server(tmp_path_factory.mktemp(name), extra_env)
    try:
        server.start()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    return server


def _finish(server):
    problems = server.stop()
    if problems:
        pytest.fail(server.report(problems), pytrace=False)


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    """The module's server (fresh database)."""
    name = "docket-" + request.module.__name__.rsplit(".", 1)[-1]
    s = _start(tmp_path_factory, name)
    yield s
    _finish(s)


@pytest.fixture
def start_server(tmp_path_factory):
    """Factory: start_server(extra_env=None) → a new Server with an empty
    database, stopped and checked after the test."""
    started = []

    def start(extra_env=None):
        s = _start(tmp_path_factory, "docket-extra", extra_env)
        started.append(s)
        return s

    yield start
    problems = []
    for s in started:
        p = s.stop()
        if p:
            problems.append(s.report(p))
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def admin(server):
    """The admin, signed in by cookie."""
    return server.admin()


@pytest.fixture(scope="module")
def agent_pair(server):
    return server.user_client(kind="agent")


@pytest.fixture(scope="module")
def agent(agent_pair):
    """An agent (role agent), signed in by cookie."""
    return agent_pair[1]


@pytest.fixture(scope="module")
def agent_user(agent_pair):
    return agent_pair[0]


@pytest.fixture(scope="module")
def agent2_pair(server):
    return server.user_client(kind="agent")


@pytest.fixture(scope="module")
def agent2(agent2_pair):
    return agent2_pair[1]


@pytest.fixture(scope="module")
def agent2_user(agent2_pair):
    return agent2_pair[0]


@pytest.fixture(scope="module")
def customer_pair(server):
    return server.user_client(kind="customer")


@pytest.fixture(scope="module")
def customer(customer_pair):
    """A customer, signed in by cookie."""
    return customer_pair[1]


@pytest.fixture(scope="module")
def customer_user(customer_pair):
    return customer_pair[0]


@pytest.fixture(scope="module")
def customer2_pair(server):
    return server.user_client(kind="customer")


@pytest.fixture(scope="module")
def customer2(customer2_pair):
    return customer2_pair[1]


@pytest.fixture(scope="module")
def customer2_user(customer2_pair):
    return customer2_pair[0]


@pytest.fixture(scope="module")
def agent_bearer(server, agent):
    """The same agent as `agent`, through a bearer token."""
    return server.token_client(agent)
