"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py``.

Threaded workers (gthread): a request mostly waits on PostgreSQL, so a few threads per
process keep both cores busy, and each thread keeps its database connection between
requests (``DJANGO_CONN_MAX_AGE``, health-checked). Every value can be overridden from the
environment (``GUNICORN_WORKERS=3``) or the command line (``--workers 3``). Measured on the
2-core machine with ``bench/load.py``: README, "Production setup".
"""

import os

wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
# One process per core plus one: the GIL lets one thread of a process run Python at a time.
workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Browsers and the reverse proxy reuse connections; idle ones cost no thread with gthread.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# A request longer than this is killed and logged (the slowest page takes well under 1 s).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# Recycle workers now and then so that a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
# "" turns it off (scripts/serve does: the app logs each request with its user).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# Behind a reverse proxy on the same host: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
