"""Demo data for this app (called by `manage.py seed_demo`; must be idempotent)."""


def seed(stdout):
    """Create what is missing; return [(username, password, description)] of demo log-ins."""
    return []
