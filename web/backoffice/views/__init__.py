"""The back office's pages, one module per domain; each view parses a form, calls one service or
selector, and renders. Access checks are in `access`."""
