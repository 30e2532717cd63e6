"""``mzkb import``: official documents (.docx, .pdf, .html, .txt, .md) -> checked Markdown.

Each format reader (``docx_reader``, ``pdf_reader``, ``html_reader``, ``text_reader``) produces
the same intermediate (``model.Extracted``: paragraphs with layout hints, tables, pictures);
``gongwen`` extracts the 公文 fields from it and ``writer`` writes front matter and Markdown.
``run.import_file`` ties them together for one file; ``attachments`` reads attachment text
for search.
"""
