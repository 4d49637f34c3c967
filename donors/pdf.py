"""PDF documents (receipts, statements) rendered from our own HTML templates with WeasyPrint."""

from django.template.loader import render_to_string


def _no_fetch(url: str, *args, **kwargs):
    # Everything a document needs is inline: it never fetches a URL (nor a file) a name could smuggle in.
    raise ValueError(f"PDF documents fetch nothing: {url[:40]!r}")


def pdf_render(*, template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only these views need

    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
