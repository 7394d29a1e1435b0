"""The one extension point newsroom offers to the apps above it.

``article_imported`` is sent inside the import transaction, once per newly saved
article, with ``article`` (the saved Article, its blocks and sentences already
written) and ``findings`` (the artifact findings of the text core). A receiver
that raises rolls the whole import of that article back.
"""

from django.dispatch import Signal

article_imported = Signal()
