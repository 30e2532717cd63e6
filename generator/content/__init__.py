"""Content stages: load files, validate front matter, link documents together."""
