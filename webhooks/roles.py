"""What each staff group may do with webhook endpoints (the manufacturer's and dealers')."""

_VIEW = [
    "webhooks.view_webhookendpoint",
    "webhooks.view_webhookdelivery",
    "webhooks.view_webhookattempt",
]
GROUP_PERMISSIONS = {
    "channel_manager": [
        *_VIEW,
        "webhooks.add_webhookendpoint",
        "webhooks.change_webhookendpoint",
    ],
    "support": _VIEW,
    "executive": _VIEW,
}
