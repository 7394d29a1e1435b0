"""The extension points newsroom offers to the apps above it.

Both signals are sent inside the import transaction, after the articles' rows (the
Article, its blocks and sentences) are written; a receiver that raises rolls back what
it was sent, and the importer then saves the articles one by one so that only the
article the receiver refuses fails.

``articles_imported`` is sent once per batch of newly saved articles with ``items``, a
list of ``(article, findings)`` pairs (the saved Article and the artifact findings of the
text core). It may be sent again for the same articles one at a time (``items`` of one)
after a batch was rolled back, so a receiver writes only through the database.

``article_imported`` is sent once per newly saved article with ``article`` and
``findings``. While it has receivers the importer saves every article in its own
savepoint (slower); new receivers should use ``articles_imported``.
"""

from django.dispatch import Signal

articles_imported = Signal()
article_imported = Signal()
