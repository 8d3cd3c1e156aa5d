-- PostgreSQL twin of sqlite/0004_affected_by_package.sql: the affected rows
-- of a package in the order a scan reads them. The compact data is not in
-- the index (a B-tree entry is limited to about 2.7 kB and an entry with a
-- long versions[] list is larger); PostgreSQL reads it from the table.
-- It replaces the index on pkg_key alone.
CREATE INDEX affected_by_package ON affected (pkg_key, advisory_id, ordinal);
DROP INDEX affected_pkg_key;
