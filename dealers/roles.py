"""What each staff group may do with dealer data (synchronised onto the groups after migrate)."""

_VIEW_ALL = [
    "dealers.view_region",
    "dealers.view_productline",
    "dealers.view_tier",
    "dealers.view_dealer",
    "dealers.view_dealermembership",
    "dealers.view_territory",
    "dealers.view_agreement",
    "dealers.view_certificationprogram",
    "dealers.view_certification",
    "dealers.view_tierevaluation",
    "dealers.view_tierchange",
]

GROUP_PERMISSIONS = {
    "channel_manager": [
        *_VIEW_ALL,
        "dealers.view_application",
        "dealers.change_application",
        "dealers.view_applicationdocument",
        "dealers.change_dealer",
        "dealers.add_territory",
        "dealers.change_territory",
        "dealers.add_agreement",
        "dealers.change_agreement",
        "dealers.add_certification",
        "dealers.change_certification",
        "dealers.add_certificationprogram",
        "dealers.change_certificationprogram",
    ],
    "legal": [*_VIEW_ALL, "dealers.change_agreement", "dealers.view_application"],
    "finance": [*_VIEW_ALL],
    "support": [*_VIEW_ALL],
    "executive": [*_VIEW_ALL, "dealers.view_application", "dealers.change_tier"],
}
