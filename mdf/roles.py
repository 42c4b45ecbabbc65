"""What each staff group may do with marketing funds (synchronised onto the groups after
migrate). Who decides what is checked by the services: channel managers approve requests,
executives the second step above 50,000.00, finance decides claims."""

VIEW = [
    "mdf.view_fund",
    "mdf.view_movement",
    "mdf.view_fundrequest",
    "mdf.view_claim",
    "mdf.view_claimproof",
]

GROUP_PERMISSIONS = {
    "channel_manager": [*VIEW, "mdf.change_fundrequest", "mdf.add_movement"],
    "executive": [*VIEW, "mdf.change_fundrequest"],
    "finance": [*VIEW, "mdf.change_claim", "mdf.add_movement"],
    "support": VIEW,
}
