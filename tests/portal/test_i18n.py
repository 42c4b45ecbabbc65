"""Every catalogue is complete: no untranslated or fuzzy entry in zh_Hans or zh_Hant."""

import subprocess
import sys
from pathlib import Path

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
    for base in (
        "locale",
        "portal/locale",
        "dealers/locale",
        "inventory/locale",
        "commissions/locale",
        "conflicts/locale",
    ):
        for lang in ("zh_Hans", "zh_Hant"):
            assert (ROOT / base / lang / "LC_MESSAGES" / "django.po").is_file(), (base, lang)
