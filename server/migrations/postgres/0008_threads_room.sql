-- A save rewrites the row of every passage it moves. With room left on each page,
-- PostgreSQL puts the new version beside the old one without touching the indexes (a
-- "heap-only tuple" update: no indexed column changes); full pages made every moved
-- passage cost two index entries more (docs/benchmarks.md).
ALTER TABLE threads SET (fillfactor = 50);
