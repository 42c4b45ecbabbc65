"""Every catalogue is complete: no untranslated or fuzzy entry in zh_Hans or zh_Hant."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_catalogues_are_complete():
    result = subprocess.run(
        [sys.executable, "scripts/i18n.py", "missing"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, "untranslated entries:\n" + result.stdout


def test_both_chinese_catalogues_exist_for_every_app():
    for base in ("locale", *(f"{app}/locale" for app in settings.PROJECT_APPS)):
        for lang in ("zh_Hans", "zh_Hant"):
            assert (ROOT / base / lang / "LC_MESSAGES" / "django.po").is_file(), (base, lang)


# The source trees `make messages` extracts from, each with its catalogue directory.
SOURCE_TREES = {
    **{app: f"{app}/locale" for app in settings.PROJECT_APPS},
    "templates": "locale",
}


def test_makemessages_adds_nothing_untranslated(tmp_path, monkeypatch, settings):
    """Re-extract every tree into a scratch copy (as `make messages` does) and require that
    every resulting entry is translated: a string marked for translation but missing from a
    catalogue (someone forgot `make messages`) fails here, not in front of a user."""
    import shutil

    import polib
    from django.core.management import call_command

    # makemessages writes to LOCALE_PATHS[0] for files outside any ./locale; keep it away
    # from the real catalogues.
    settings.LOCALE_PATHS = []
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "locale")
    problems = []
    for tree, catalogue in SOURCE_TREES.items():
        copy = tmp_path / tree
        shutil.copytree(ROOT / tree, copy, ignore=ignore)
        shutil.copytree(ROOT / catalogue, copy / "locale", ignore=shutil.ignore_patterns("*.mo"))
        monkeypatch.chdir(copy)
        call_command("makemessages", locale=["zh_Hans", "zh_Hant"], no_obsolete=True, verbosity=0)
        for po_path in sorted((copy / "locale").glob("*/LC_MESSAGES/django.po")):
            original = {
                e.msgid
                for e in polib.pofile(str(ROOT / catalogue / po_path.relative_to(copy / "locale")))
            }
            for entry in polib.pofile(str(po_path)):
                if entry.obsolete:
                    continue
                if entry.msgid not in original:
                    problems.append(f"{catalogue} {po_path.parts[-3]}: new msgid {entry.msgid!r}")
                elif "fuzzy" in entry.flags or not entry.translated():
                    problems.append(
                        f"{catalogue} {po_path.parts[-3]}: untranslated {entry.msgid!r}"
                    )
    assert not problems, "run `make messages` and translate:\n" + "\n".join(problems)
