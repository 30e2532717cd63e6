"""Generated pages: home, type listings, audience portals. Each returns Markdown text."""
