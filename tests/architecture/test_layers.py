"""The layering of docs/architecture.md, beyond what import-linter checks (pyproject.toml):
no hidden imports inside functions, no module too big to read, every app in the contract."""

import ast
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APPS = list(settings.PROJECT_APPS)

#: The only places where one app imports another inside a function, each with its reason.
#: (module, imported module) → why. At most five.
FUNCTION_LEVEL_IMPORTS = {
    ("conflicts/apps.py", "portal"): "AppConfig.ready(): subscribes to the outbox's events",
    ("commissions/apps.py", "dealers.selectors"): "AppConfig.ready(): gives tiers their sales",
    ("webhooks/apps.py", "portal"): "AppConfig.ready(): subscribes to every topic of the outbox",
    ("pricing/apps.py", "portal"): "AppConfig.ready(): subscribes to sales.recorded (breaches)",
}
MAX_LINES = 500


def _sources(root=ROOT):
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def function_level_cross_app_imports(root=ROOT) -> set[tuple[str, str]]:
    found = set()
    for app, path in _sources(root):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for sub in ast.walk(node):
                if isinstance(sub, ast.ImportFrom) and sub.level == 0 and sub.module:
                    names = [sub.module]
                elif isinstance(sub, ast.Import):
                    names = [alias.name for alias in sub.names]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in APPS and top != app:
                        found.add((path.relative_to(root).as_posix(), name))
    return found


def test_no_hidden_cross_app_imports_outside_the_allow_list():
    assert len(FUNCTION_LEVEL_IMPORTS) <= 5
    unexpected = function_level_cross_app_imports() - set(FUNCTION_LEVEL_IMPORTS)
    assert not unexpected, (
        "import other apps at module level (and only apps below: docs/architecture.md), "
        f"or tell them through portal.events: {sorted(unexpected)}"
    )


def test_the_check_finds_a_function_level_import(tmp_path):
    """The scan is not vacuous: a function-level upward import in an app is found."""
    (tmp_path / "dealers").mkdir()
    (tmp_path / "dealers" / "probe.py").write_text(
        "def f():\n    from commissions.models import SaleLine\n", encoding="utf-8"
    )
    assert function_level_cross_app_imports(tmp_path) == {
        ("dealers/probe.py", "commissions.models")
    }


def test_no_module_is_too_long():
    long = [
        (path.relative_to(ROOT).as_posix(), n)
        for _app, path in _sources()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not long, f"split these by sub-domain (docs/architecture.md): {long}"


def test_the_import_contract_lists_every_app_in_settings_order():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    contract = config["importlinter"]
    assert sorted(contract["root_packages"]) == sorted(APPS)
    layers = next(c for c in contract["contracts"] if c["type"] == "layers")["layers"]
    flattened = [app.strip() for layer in reversed(layers) for app in layer.split("|")]
    assert sorted(flattened) == sorted(APPS)
    # settings.PROJECT_APPS lists the apps bottom first, in an order the layers allow
    position = {
        app: i
        for i, layer in enumerate(reversed(layers))
        for app in [a.strip() for a in layer.split("|")]
    }
    assert [position[a] for a in APPS] == sorted(position[a] for a in APPS)
