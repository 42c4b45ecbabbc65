"""Stock rotation writes (DOMAIN.md §16): the nightly suggestions and the transfer steps.

One module per sub-domain; the public names are re-exported here."""

from rotation.services.suggestions import transfer_suggestions_compute
from rotation.services.transfers import (
    transfer_accept,
    transfer_cancel,
    transfer_propose,
    transfer_propose_from_suggestion,
    transfer_receive,
    transfer_ship,
)

__all__ = [
    "transfer_accept",
    "transfer_cancel",
    "transfer_propose",
    "transfer_propose_from_suggestion",
    "transfer_receive",
    "transfer_ship",
    "transfer_suggestions_compute",
]
