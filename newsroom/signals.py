"""The extension points newsroom offers to the apps above it.

The signals are sent inside the import transaction, after the articles' rows (the
Article, its blocks and sentences) are written; a receiver that raises rolls back what
it was sent, and the importer then saves the articles one by one so that only the
article the receiver refuses fails.

``articles_imported`` is sent once per batch of newly saved articles with ``items``, a
list of ``(article, findings)`` pairs (the saved Article and the artifact findings of the
text core). It may be sent again for the same articles one at a time (``items`` of one)
after a batch was rolled back, so a receiver writes only through the database.

``article_revised`` is sent once per re-imported article whose text changed (same
identity, another content hash: a new revision), inside that article's savepoint, with
``article`` (already holding the new text, revision number and the new blocks and
sentences), ``previous`` (the ArticleRevision just written: the old text and offsets),
``findings`` (the detector's findings on the new text) and ``user`` (who imported).
The old blocks and sentences still exist while it runs, at positions shifted by
``RETIRED_POSITION``, so that a receiver can move what points to them; the importer
deletes them (and whatever still points to them) right after. A receiver that raises
rolls the revision back: the article keeps its previous text and the record fails.
"""

from django.dispatch import Signal

articles_imported = Signal()
article_revised = Signal()

# Added to the positions of an article's old blocks and sentences while a revision is
# written (``article_revised`` receivers tell old rows from new ones by it).
RETIRED_POSITION = 1_000_000_000
