"""Every catalogue is complete: no untranslated or fuzzy entry in zh_Hans or zh_Hant."""

import re
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


# --- the glossary (docs/glossary.md) ------------------------------------------------------

VARIANTS = ("zh_Hans", "zh_Hant")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sd]|\{[^}]*\}|<code>.*?</code>|<[^>]+>")


def _table(name: str) -> list[dict[str, str]]:
    """The rows of the markdown table between `<!-- glossary:NAME -->` markers."""
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    block = text.split(f"<!-- glossary:{name} -->")[1].split(f"<!-- /glossary:{name} -->")[0]
    lines = [line.strip() for line in block.strip().splitlines() if line.strip().startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [
        dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True))
        for line in lines[2:]
    ]


def glossary_terms() -> list[dict]:
    terms = []
    for row in _table("terms"):
        words = r"\s+".join(re.escape(w) for w in row["English"].split())
        terms.append(
            {
                **row,
                "pattern": re.compile(rf"(?<![\w-])({words})(?:e?s|'s)?(?![\w-])", re.IGNORECASE),
                "never_words": [w.strip() for w in row["never"].split(",") if w.strip()],
            }
        )
    return terms


def catalogue_entries():
    """(catalogue, variant, entry) for every live entry of every zh catalogue."""
    import polib

    for base in ("locale", *(f"{app}/locale" for app in settings.PROJECT_APPS)):
        for variant in VARIANTS:
            for entry in polib.pofile(str(ROOT / base / variant / "LC_MESSAGES" / "django.po")):
                if not entry.obsolete:
                    yield base, variant, entry


def _msgstrs(entry) -> list[str]:
    return [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())


def glossary_violations(entries) -> list[str]:
    """Every way the given entries break docs/glossary.md, one line each."""
    terms = glossary_terms()
    never = _table("never")
    problems = []
    for base, variant, entry in entries:
        where = f"{base} {variant} " + (f"[{entry.msgctxt}] " if entry.msgctxt else "")
        text = PLACEHOLDER.sub(" ", entry.msgid)
        # Each occurrence is judged by the longest term (with a fitting context) that covers it.
        matches = []
        for term in terms:
            if term["context"] and term["context"] != (entry.msgctxt or ""):
                continue
            for m in term["pattern"].finditer(text):
                matches.append((m.start(), m.end(), term))
        matches.sort(key=lambda m: (-(m[1] - m[0]), bool(not m[2]["context"])))
        taken: list[tuple[int, int]] = []
        for start, end, term in matches:
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            wanted = term[variant]
            for msgstr in _msgstrs(entry):
                if wanted not in msgstr:
                    problems.append(
                        f"{where}{entry.msgid!r} -> {msgstr!r}: "
                        f"{term['English']!r} is {wanted!r} in {variant}"
                    )
                for wrong in term["never_words"]:
                    if wrong in msgstr:
                        problems.append(
                            f"{where}{entry.msgid!r} -> {msgstr!r}: "
                            f"{term['English']!r} is never {wrong!r}"
                        )
        for rule in never:
            if rule["variant"] != variant:
                continue
            if rule["unless the msgid has"] and rule["unless the msgid has"] in entry.msgid:
                continue
            for msgstr in _msgstrs(entry):
                if rule["wrong"] in msgstr:
                    problems.append(
                        f"{where}{entry.msgid!r} -> {msgstr!r}: never {rule['wrong']!r}, "
                        f"use {rule['right']!r} ({rule['why']})"
                    )
    return problems


def test_catalogues_follow_the_glossary():
    problems = glossary_violations(catalogue_entries())
    assert not problems, "translations that break docs/glossary.md:\n" + "\n".join(problems)


def test_same_msgid_is_translated_the_same_in_every_catalogue():
    """Django merges the apps' catalogues: the same msgid (and context) translated two ways
    means one of them silently wins everywhere (how ticket status *resolved* became the
    stock alert's 解除时间). Give the meanings different contexts instead."""
    seen: dict[tuple, tuple[str, list[str]]] = {}
    problems = []
    for base, variant, entry in catalogue_entries():
        key = (variant, entry.msgctxt or "", entry.msgid)
        first = seen.setdefault(key, (base, _msgstrs(entry)))
        if first[1] != _msgstrs(entry):
            problems.append(
                f"{variant} [{entry.msgctxt or ''}] {entry.msgid!r}: "
                f"{first[0]} {first[1]!r} but {base} {_msgstrs(entry)!r}"
            )
    assert not problems, "one msgid, two translations:\n" + "\n".join(problems)


def test_glossary_check_catches_a_wrong_word():
    """The check itself: a catalogue entry with the wrong word fails it."""
    import polib

    wrong_code = polib.POEntry(msgid="unified social credit code", msgstr="統一社會信用程式碼")
    wrong_low = polib.POEntry(msgctxt="ticket priority", msgid="low", msgstr="不足")
    right = polib.POEntry(msgctxt="ticket priority", msgid="low", msgstr="低")
    problems = glossary_violations(
        [("dealers/locale", "zh_Hant", wrong_code), ("conflicts/locale", "zh_Hans", wrong_low)]
    )
    assert any("統一社會信用代碼" in p for p in problems)
    assert any("'low' is never '不足'" in p for p in problems)
    assert glossary_violations([("conflicts/locale", "zh_Hans", right)]) == []
