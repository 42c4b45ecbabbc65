"""Fixtures of the pricing tests: the dealers tests' settable clock."""

from tests.dealers.conftest import clock  # noqa: F401  (a fixture)
