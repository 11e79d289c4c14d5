"""Catalog documents, sections, entries, versions, diffs and search."""
