"""Deal-registration arithmetic (DOMAIN.md §12): pure functions, no ORM.

- the **customer key**: the unified social credit code when given, else the normalised name;
- the **normalised name**: NFKC (full-width to half-width), lower case, whitespace and
  punctuation removed, then one trailing legal form removed;
- the **corporate e-mail domain** (free-mail domains never match);
- the **protection window**: through the last day, 23:59:59 in the manufacturer's zone
  (compared as the manufacturer's dates);
- the **similarity** of two names where PostgreSQL's ``pg_trgm`` is not available.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections.abc import Iterable

#: one of these is removed from the end of a normalised name (longest first, so that
#: 股份有限公司 is not cut to 股份 + 有限公司); after whitespace and punctuation are gone,
#: "Co., Ltd." reads "coltd".
LEGAL_FORMS = (
    "有限责任公司",
    "股份有限公司",
    "有限公司",
    "集团",
    "coltd",
    "gmbh",
    "inc",
    "llc",
    "ltd",
)

#: two names in a province are "similar" from this trigram similarity on (pg_trgm), and the
#: SQLite fallback uses the same threshold on difflib's ratio
SIMILARITY_THRESHOLD = 0.6


def _dropped(char: str) -> bool:
    """Whitespace, punctuation, symbols and control characters do not tell names apart."""
    category = unicodedata.category(char)
    return category[0] in ("Z", "P", "S", "C") or char.isspace()


def normalise_name(name: str) -> str:
    """``深圳市星河科技有限公司`` → ``深圳市星河科技``; ``Star River Tech Co., Ltd.`` →
    ``starrivertech``; full-width ``ＳＴＡＲ　ＲＩＶＥＲ`` → ``starriver``. One trailing legal
    form is removed, and only when something is left of the name."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = "".join(char for char in text if not _dropped(char))
    for form in LEGAL_FORMS:
        if text.endswith(form) and len(text) > len(form):
            return text[: -len(form)]
    return text


def normalise_credit_code(code: str) -> str:
    """A credit code as stored and compared: NFKC (full-width digits and letters), upper
    case, without spaces."""
    text = unicodedata.normalize("NFKC", code or "").upper()
    return "".join(text.split())


def customer_key(*, name: str, credit_code: str = "") -> str:
    """The credit code when given, else the normalised name."""
    code = normalise_credit_code(credit_code)
    return code or normalise_name(name)


def email_domain(email: str) -> str:
    """The lower-case domain of an address (NFKC), or "" without one."""
    text = unicodedata.normalize("NFKC", email or "").strip().lower()
    if "@" not in text:
        return ""
    return text.rsplit("@", 1)[1].strip().rstrip(".")


def corporate_domain(email: str, *, free_mail: Iterable[str]) -> str:
    """The address's domain unless it is a free-mail one (then ""): only corporate domains
    say two registrations name the same customer."""
    domain = email_domain(email)
    free = {d.strip().lower() for d in free_mail}
    return "" if domain in free else domain


def name_similarity(first: str, second: str) -> float:
    """The SQLite fallback of ``pg_trgm``'s similarity: difflib's ratio of the two
    normalised names (0 … 1). Not the same measure as trigrams, but the same threshold
    (:data:`SIMILARITY_THRESHOLD`) gives comparable answers for company names."""
    if not first or not second:
        return 0.0
    return difflib.SequenceMatcher(None, first, second, autojunk=False).ratio()


def protected_through(approved_on: dt.date, *, days: int) -> dt.date:
    """The last day of protection: ``days`` after the approval date (approved 2026-12-02,
    90 days → 2027-03-02); protected through 23:59:59 manufacturer time of that day."""
    return approved_on + dt.timedelta(days=days)


def days_left(last_day: dt.date | None, today: dt.date) -> int | None:
    """Whole days of protection left after today (0 on the last day), or None."""
    if last_day is None:
        return None
    return (last_day - today).days
