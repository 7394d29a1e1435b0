"""Exports of the editorial work, one module per format, each streamed in bounded batches.

- ``lossless``: JSON that round-trips (export -> import into an empty database -> export
  gives the same document); ``lossless.import_document`` reads it back or merges it.
- ``sentences_csv``: one row per sentence (status, verdict, claims, assignee, flags),
  formula-safe cells.
- ``claimreview``: schema.org ClaimReview JSON-LD for the sentences and claims with a verdict.
- ``w3c``: a W3C Web Annotation ``AnnotationCollection`` of claims, flags and fact checks.

Every ``export_*`` function takes a queryset of articles and yields text chunks; ``FORMATS``
names them for the ``export`` command and the download views.
"""
