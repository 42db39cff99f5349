"""Pages that compose several apps, and the URLs that mount them: the record page (a record with its files,
usage, Cite box and every export format). This is the layer above every app but the wiring (`samla.urls`,
`samla.api`, `samla.cli`): a page that shows what apps of different layers hold is put together here, so no
app imports one above it."""
