"""Staff permissions granted by the commissions app (synchronised after migrate)."""

GROUP_PERMISSIONS = {
    "finance": [
        "commissions.view_commissionplan",
        "commissions.add_commissionplan",
        "commissions.change_commissionplan",
        "commissions.view_planstep",
        "commissions.add_planstep",
        "commissions.change_planstep",
        "commissions.delete_planstep",
        "commissions.view_plantierbonus",
        "commissions.add_plantierbonus",
        "commissions.change_plantierbonus",
        "commissions.delete_plantierbonus",
        "commissions.view_saleline",
        "commissions.add_saleline",
        "commissions.view_commissionstatement",
        "commissions.change_commissionstatement",
        "commissions.view_statementcomponent",
    ],
    "channel_manager": [
        "commissions.view_commissionplan",
        "commissions.view_planstep",
        "commissions.view_plantierbonus",
        "commissions.view_saleline",
        "commissions.view_commissionstatement",
        "commissions.view_statementcomponent",
    ],
    "executive": [
        "commissions.view_commissionplan",
        "commissions.view_saleline",
        "commissions.view_commissionstatement",
        "commissions.view_statementcomponent",
    ],
}
