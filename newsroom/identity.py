"""An article's identity beyond its text: a normalised url or an explicit external id.

Plain Python (no Django import). Two records with the same identity are two revisions of
one article; ``importing`` stores ``identity_key(...)`` hashed (``identity_hash``) in
``Article.identity``.

Url normalisation (``normalise_url``): the scheme is ``https`` for ``http`` and
``https`` alike, the host is lower-cased without a trailing dot or a leading ``www.``,
the default port (80, 443), user info and fragment are dropped, the path loses its
trailing slash, and the query loses its tracking parameters (``utm_*``, ``fbclid``,
``gclid`` and the others of ``TRACKING_PARAMETERS``), the rest sorted.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
        "ref_src",
        "ref_url",
        "cmpid",
        "ito",
        "at_medium",
        "at_campaign",
        "spm",
        "share",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(_TRACKING_PREFIXES)


def normalise_url(url: str) -> str:
    """The canonical form of an http(s) ``url`` (see the module docstring), or "".

    "" for an empty url, another scheme or a url without a host: such a record has no
    url identity. Never raises (a malformed port counts as no port).
    """
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").removeprefix("www.")
    if scheme not in _DEFAULT_PORTS or not host:
        return ""
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path.rstrip("/") or ""
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    )
    return urlunsplit(("https", netloc, path, urlencode(query), ""))


def identity_key(*, url: str = "", external_id: str = "", source: str = "") -> str:
    """What makes two records the same article, or "" when nothing does.

    An explicit ``external_id`` wins (scoped to the record's ``source``: two feeds may
    number their articles alike), since a correction often changes a url's slug; else
    the normalised ``url``.
    """
    external_id = external_id.strip()
    if external_id:
        return f"id:{source.strip()}\x1f{external_id}"
    normalised = normalise_url(url)
    return f"url:{normalised}" if normalised else ""


def identity_hash(*, url: str = "", external_id: str = "", source: str = "") -> str | None:
    """SHA-256 (hex) of ``identity_key``, or ``None`` when the record has no identity."""
    key = identity_key(url=url, external_id=external_id, source=source)
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest() if key else None
