"""What each staff group may do with inventory (synchronised onto the groups after migrate)."""

VIEW = [
    "inventory.view_product",
    "inventory.view_warehouse",
    "inventory.view_stocklevel",
    "inventory.view_stockmovement",
    "inventory.view_reorderrule",
    "inventory.view_stockalert",
]

GROUP_PERMISSIONS = {
    "channel_manager": [
        *VIEW,
        "inventory.add_product",
        "inventory.change_product",
        "inventory.add_warehouse",
        "inventory.change_warehouse",
        "inventory.change_stocklevel",
        "inventory.add_reorderrule",
        "inventory.change_reorderrule",
        "inventory.delete_reorderrule",
        "inventory.view_stockupload",
    ],
    "executive": VIEW,
    "finance": ["inventory.view_product", "inventory.view_stocklevel"],
    "support": ["inventory.view_product", "inventory.view_warehouse", "inventory.view_stocklevel"],
}
