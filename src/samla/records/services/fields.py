"""Which Record columns carry input fields as they are, and which hold validated JSON lists."""

SIMPLE_FIELDS = [
    "state", "title", "subtitle", "title_language", "output_type", "content_type", "publication_status",
    "language", "issued", "host_title", "volume", "issue", "article_number", "pages_start", "pages_end",
    "page_count", "publisher", "place", "edition", "series_number", "conference", "licence",
    "access_condition", "available_from", "approved",
]  # fmt: skip
JSON_FIELDS = ["alternative_titles", "abstracts", "keywords", "funders", "notes", "links", "quality_flags"]
