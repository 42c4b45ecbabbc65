"""Deal-registration writes (DOMAIN.md §12). One module per sub-domain; the public names
are re-exported here:

- ``registrations``: submit, with the matching on submit under the customer's locks
- ``decisions``: approve, reject, extension (request, grant, decline), won, lost, expiry
- ``_common``: errors, who decides, the ``deal.status_changed`` event, notifications
"""

from deals.services.decisions import (
    deal_registration_approve,
    deal_registration_decide_extension,
    deal_registration_mark_lost,
    deal_registration_mark_won,
    deal_registration_reject,
    deal_registration_request_extension,
    deal_registrations_expire,
)
from deals.services.registrations import (
    customer_lock,
    deal_registration_submit,
    province_of,
    registration_matches,
)

__all__ = [
    "customer_lock",
    "deal_registration_approve",
    "deal_registration_decide_extension",
    "deal_registration_mark_lost",
    "deal_registration_mark_won",
    "deal_registration_reject",
    "deal_registration_request_extension",
    "deal_registration_submit",
    "deal_registrations_expire",
    "province_of",
    "registration_matches",
]
