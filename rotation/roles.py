"""What each staff group may do with stock rotation (synchronised onto the groups after
migrate)."""

VIEW = ["rotation.view_transfersuggestion", "rotation.view_stocktransfer"]

GROUP_PERMISSIONS = {
    "channel_manager": [*VIEW, "rotation.add_stocktransfer", "rotation.change_stocktransfer"],
    "executive": VIEW,
    "support": VIEW,
}
