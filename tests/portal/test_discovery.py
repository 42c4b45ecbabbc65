"""The kernel finds the apps' conventional modules by name (portal.discovery)."""

import sys

import pytest

from portal.discovery import app_modules


@pytest.fixture
def apps_on_path(tmp_path, monkeypatch):
    for app, files in {
        "probe_low": {"roles.py": "X = 1\n", "api/__init__.py": "", "api/urls.py": "Y = 2\n"},
        "probe_high": {"roles.py": "import no_such_library_here\n"},
        "probe_bare": {},
    }.items():
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
        for name, text in files.items():
            (tmp_path / app / name).parent.mkdir(exist_ok=True)
            (tmp_path / app / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for name in [m for m in sys.modules if m.startswith("probe_")]:
        del sys.modules[name]


def test_modules_of_the_apps_that_have_one_in_order(apps_on_path):
    assert [m.__name__ for m in app_modules(["probe_bare", "probe_low"], "roles")] == [
        "probe_low.roles"
    ]
    # a missing sub-package is "no such module" too
    assert [m.Y for m in app_modules(["probe_bare", "probe_low"], "api.urls")] == [2]


def test_a_broken_import_inside_a_module_is_not_hidden(apps_on_path):
    with pytest.raises(ModuleNotFoundError, match="no_such_library_here"):
        app_modules(["probe_low", "probe_high"], "roles")
