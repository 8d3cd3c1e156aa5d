-- The affected rows of a package, in the order a scan reads them, straight
-- from one index: it holds every column a scan needs (the entry's compact
-- data included), so that loading neither looks each row up in the table
-- nor sorts the result. It replaces the index on pkg_key alone.
CREATE INDEX affected_by_package ON affected (pkg_key, advisory_id, ordinal, ecosystem, data);
DROP INDEX affected_pkg_key;
