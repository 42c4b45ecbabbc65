"""The README's "Configuration" lists every setting the code reads from the environment."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT_DIRS = ["portal", "dealers", "commissions", "inventory", "conflicts", "collaboration",
                "reviews", "dashboards"]
READS = re.compile(
    r"""(?:\benv\.\w+\(\s*|os\.environ(?:\.get)?[\[(]\s*|os\.getenv\(\s*)["']([A-Z][A-Z0-9_]+)["']"""
)
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def variables_read_by_the_code() -> set[str]:
    names = set()
    for directory in PROJECT_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            names |= set(READS.findall(path.read_text()))
    return names - NOT_SETTINGS


def test_readme_lists_every_environment_setting():
    readme = (ROOT / "README.md").read_text()
    configuration = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    variables = variables_read_by_the_code()
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV"} <= variables  # the scan works
    missing = sorted(name for name in variables if f"`{name}`" not in configuration)
    assert missing == [], f"README.md 'Configuration' lacks: {missing}"
