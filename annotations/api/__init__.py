"""The REST API (django-ninja) over articles and the editorial work.

``/api/`` in the site's urls. Every write calls the same service functions as the pages
(``annotations.services``, ``annotations.flagging``, ``newsroom.importing``), with the
same permissions (``annotations.roles``) and the same version checks, carried in
``If-Match``. Authentication: a per-user token (``ApiToken``, created and revoked in the
admin) as ``Authorization: Bearer <token>``, or the browser session (writes then need the
CSRF token). Modules: ``models`` (the token), ``auth``, ``schemas``, ``errors``,
``endpoints``, ``urls``, ``admin``.
"""
