"""`make bench`: speed and memory targets, measured with pytest-benchmark (never by timed
assertions in the test suite). Fixtures from tests/conftest.py are shared."""

from tests.conftest import *  # noqa: F403
