"""ebookmaker: PDF-extracted text in, EPUB 3 out."""

__version__ = "0.1.0"
