"""What each staff group may do with inventory (synchronised onto the groups after migrate)."""

VIEW = [
    "dealers.view_product",
    "inventory.view_warehouse",
    "inventory.view_stocklevel",
    "inventory.view_stockmovement",
    "inventory.view_reorderrule",
    "inventory.view_stockalert",
]

GROUP_PERMISSIONS = {
    "channel_manager": [
        *VIEW,
        "dealers.add_product",
        "dealers.change_product",
        "inventory.add_warehouse",
        "inventory.change_warehouse",
        "inventory.change_stocklevel",
        "inventory.add_reorderrule",
        "inventory.change_reorderrule",
        "inventory.delete_reorderrule",
        "inventory.view_stockupload",
    ],
    "executive": VIEW,
    "finance": ["dealers.view_product", "inventory.view_stocklevel"],
    "support": ["dealers.view_product", "inventory.view_warehouse", "inventory.view_stocklevel"],
}
