"""Translation helpers (catalogues: `<app>/locale/` for each app, `locale/` for templates/).

    python scripts/i18n.py apps               the apps whose catalogues `make messages` extracts
    python scripts/i18n.py missing            list untranslated or fuzzy entries; exit 1 if any
    python scripts/i18n.py apply PO JSON      set msgstr from a {"msgid": "msgstr"} JSON file
                                               (plural entries: {"msgid": ["one", "other"]})
    python scripts/i18n.py hant               fill zh_Hant from zh_Hans with OpenCC (s2twp)
                                               where zh_Hant is empty; keeps manual entries
    python scripts/i18n.py carry SNAPSHOT     fill untranslated entries from a JSON snapshot
    python scripts/i18n.py snapshot SNAPSHOT  of every catalogue's translations (made before
                                               `make messages` when code moves between apps)

Workflow: `make messages`, translate the zh_Hans catalogue (edit it or `apply`), then
`python scripts/i18n.py hant`, review, and `make compilemessages`.
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
#: templates/ → locale/; each app of settings.PROJECT_APPS → <app>/locale/
sys.path.insert(0, str(ROOT))
from portal.settings import PROJECT_APPS as APPS  # noqa: E402

CATALOGUES = ["locale", *(f"{app}/locale" for app in APPS)]


def po_files(lang=None):
    for base in CATALOGUES:
        for path in sorted((ROOT / base).glob("*/LC_MESSAGES/django.po")):
            if lang is None or path.parts[-3] == lang:
                yield path


def apps() -> int:
    print(" ".join(APPS))
    return 0


def missing() -> int:
    problems = 0
    for path in po_files():
        po = polib.pofile(str(path))
        for entry in po:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags or not entry.translated():
                problems += 1
                print(f"{path.relative_to(ROOT)}: {entry.msgid!r}")
    return 1 if problems else 0


def apply(po_path: str, json_path: str) -> int:
    po = polib.pofile(po_path)
    mapping = json.loads(Path(json_path).read_text(encoding="utf-8"))
    for entry in po:
        if entry.msgid in mapping:
            value = mapping[entry.msgid]
            if entry.msgid_plural:
                values = value if isinstance(value, list) else [value]
                entry.msgstr_plural = {
                    i: values[min(i, len(values) - 1)] for i in range(len(values))
                }
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    return 0


def hant() -> int:
    import opencc

    converter = opencc.OpenCC("s2twp")
    for hans_path in po_files("zh_Hans"):
        hant_path = hans_path.parents[2] / "zh_Hant" / "LC_MESSAGES" / "django.po"
        if not hant_path.exists():
            continue
        # by context and msgid: "approved" as a deal status is not "approved" as a verb
        hans = {_key(e): e for e in polib.pofile(str(hans_path)) if not e.obsolete}
        po = polib.pofile(str(hant_path))
        for entry in po:
            source = hans.get(_key(entry))
            if source is None or (entry.translated() and "fuzzy" not in entry.flags):
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = {
                    k: converter.convert(v) for k, v in source.msgstr_plural.items()
                }
            elif source.msgstr:
                entry.msgstr = converter.convert(source.msgstr)
            if "fuzzy" in entry.flags and (entry.msgstr or any(entry.msgstr_plural.values())):
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
                entry.previous_msgctxt = None
        po.save()
    return 0


def _key(entry) -> str:
    return f"{entry.msgctxt or ''}\x04{entry.msgid}"


def snapshot(path: str) -> int:
    """Every translated entry of every catalogue: {language: {catalogue: {key: msgstr}}}."""
    data: dict[str, dict] = {}
    for po_path in po_files():
        catalogue = po_path.parents[2].relative_to(ROOT).as_posix()
        entries = data.setdefault(po_path.parts[-3], {}).setdefault(catalogue, {})
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or "fuzzy" in entry.flags or not entry.translated():
                continue
            entries[_key(entry)] = (
                {str(k): v for k, v in entry.msgstr_plural.items()}
                if entry.msgid_plural
                else entry.msgstr
            )
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def carry(path: str, *moves: str) -> int:
    """Fill untranslated entries from a snapshot, so that a string whose code moved to
    another app keeps its translation: first the catalogue's own old entry, then those of
    the apps named as its sources (``reviews:dealers`` = reviews' code came from dealers),
    then any catalogue."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    sources: dict[str, list[str]] = {}
    for move in moves:
        target, source = move.split(":")
        sources.setdefault(f"{target}/locale", []).append(f"{source}/locale")
    for po_path in po_files():
        catalogue = po_path.parents[2].relative_to(ROOT).as_posix()
        by_catalogue = data.get(po_path.parts[-3], {})
        order = [catalogue, *sources.get(catalogue, []), *sorted(by_catalogue)]
        po = polib.pofile(str(po_path))
        for entry in po:
            if entry.translated() and "fuzzy" not in entry.flags:
                continue
            value = next(
                (by_catalogue[c][_key(entry)] for c in order if _key(entry) in by_catalogue.get(c, {})),
                None,
            )
            if value is None:
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = {int(k): v for k, v in value.items()}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
                entry.previous_msgctxt = None
        po.save()
    return 0


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["missing"]
    sys.exit({
            "missing": missing,
            "apply": apply,
            "hant": hant,
            "snapshot": snapshot,
            "carry": carry,
            "apps": apps,
        }[command](*args))
