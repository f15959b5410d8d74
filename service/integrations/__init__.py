"""Other comment systems' exports, read as a stream of :class:`records.Record`: Disqus XML,
WordPress WXR, an Isso SQLite database, and this service's own JSON Lines export.
Nothing here touches the database; ``usecases/imports.py`` stores what these yield."""
