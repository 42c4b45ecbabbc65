"""What a test needs to run the portal in another process (a management command, gunicorn)
against the test database."""

import os
from pathlib import Path

from django.db import connection

#: the repository's root, where ``manage.py`` is
ROOT = Path(__file__).resolve().parents[1]


def database_env(**extra: str) -> dict[str, str]:
    """This process's environment with ``DATABASE_URL`` naming the test database (and
    ``extra`` on top)."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        **extra,
    }
