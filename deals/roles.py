"""What each staff group may do with deal registrations (synchronised onto the groups after
migrate). Approving is for the channel manager of the customer's region (the service checks
the region too)."""

VIEW = ["deals.view_dealregistration", "deals.view_dealmatch"]

GROUP_PERMISSIONS = {
    "channel_manager": [*VIEW, "deals.add_dealregistration", "deals.change_dealregistration"],
    "executive": VIEW,
    "support": VIEW,
    "finance": VIEW,
    "legal": VIEW,
}
