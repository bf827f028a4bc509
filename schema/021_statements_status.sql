-- /metrics reads the imports by status and the last finished import on every scrape: from this index alone.
ALTER TABLE statements ADD KEY statements_status (status, finished_at);
