"""Stage 4, render: the only package that knows about MkDocs and Material."""
