"""What each staff group may do with meetings, action items and announcements."""

_VIEW = [
    "collaboration.view_meeting",
    "collaboration.view_actionitem",
    "collaboration.view_announcement",
    "collaboration.view_announcementreceipt",
]
GROUP_PERMISSIONS = {
    "channel_manager": [
        *_VIEW,
        "collaboration.add_meeting",
        "collaboration.change_meeting",
        "collaboration.add_actionitem",
        "collaboration.change_actionitem",
        "collaboration.add_announcement",
        "collaboration.change_announcement",
        "collaboration.publish_announcement",
    ],
    "executive": _VIEW,
    "support": [
        "collaboration.view_meeting",
        "collaboration.view_actionitem",
        "collaboration.view_announcement",
    ],
    "legal": ["collaboration.view_announcement"],
}
