"""What each staff group may do with quarterly reviews and their weights."""

_VIEW = ["reviews.view_quarterlyreview", "reviews.view_reviewweights"]
GROUP_PERMISSIONS = {
    "channel_manager": [
        *_VIEW,
        "reviews.change_quarterlyreview",
        "reviews.finalise_quarterlyreview",
    ],
    "executive": [*_VIEW, "reviews.change_reviewweights"],
    "finance": ["reviews.view_quarterlyreview"],
}
