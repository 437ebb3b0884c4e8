-- The product slug of the endoflife.date-compatible API; NULL means the repository's name.
ALTER TABLE repositories ADD COLUMN product TEXT;
