"""Background jobs: long imports, URL imports, re-detections and exports.

A ``Job`` row (``models``) is what the pages and the admin show: state, progress, counts
and per-file errors, and a cancel request. The work itself runs as a task of Django's
Tasks framework (``tasks``): the ORM backend from django-tasks-db by default, RQ with
``NEWSROOM_TASKS_BACKEND=rq``. ``services`` starts, runs, cancels and recovers jobs;
``worker`` is the loop behind ``manage.py run_jobs``.
"""
