"""mzkb (民政知识库): compile civil-affairs guidance in Markdown into a static site."""

__version__ = "0.1.0"
