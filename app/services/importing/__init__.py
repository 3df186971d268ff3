"""Bringing a book into Orchard: reading files (readers, formats), the field catalogue and mapping
(fields), and the import run itself — preview, duplicate matching, execution and undo."""
