"""What each staff group may do with pricing (synchronised onto the groups after migrate)."""

VIEW = [
    "pricing.view_priceguide",
    "pricing.view_campaign",
    "pricing.view_campaignmaterial",
    "pricing.view_promotion",
    "pricing.view_pricingticket",
    "pricing.view_pricebreach",
    "pricing.view_pricecheck",
]

GROUP_PERMISSIONS = {
    "channel_manager": [
        *VIEW,
        "pricing.add_priceguide",
        "pricing.add_campaign",
        "pricing.change_campaign",
        "pricing.add_campaignmaterial",
        "pricing.add_promotion",
        "pricing.change_promotion",
    ],
    "finance": VIEW,
    "executive": VIEW,
    "support": VIEW,
}
