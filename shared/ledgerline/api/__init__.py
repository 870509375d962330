"""HTTP shapes shared by every function: the two API families, request context, cursors, entrypoint."""
