"""Date formats for English pages and the admin: every time carries its zone's name.

Times are shown in ``TIME_ZONE`` (``NEWSROOM_TIME_ZONE``), so a reader must see which zone
that is: ``T`` is the zone's abbreviation at that date ("UTC", "CET", "EEST", or "+03"
where the zone has none).
"""

DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATETIME_FORMAT = "Y-m-d H:i T"
