-- The watch's reverse index, made to serve its two questions without
-- reading every version's components:
--
-- * which versions hold these packages (VersionsWithPackages): from the
--   package keys to the SBOMs holding them (the organisation and SBOM in
--   the index, so no table row is read), then to the versions whose
--   current SBOM they are;
-- * which components of these SBOMs are of these packages
--   (ComponentsOfSBOMs with keys): the key, organisation and SBOM are all
--   in the index.
--
-- It replaces sbom_component_pkg (pkg_key, sbom_id) of migration 0006,
-- which needed a table row per component for the organisation.
CREATE INDEX sbom_component_pkg_org ON sbom_component (pkg_key, org_id, sbom_id);
DROP INDEX sbom_component_pkg;
CREATE INDEX product_version_current ON product_version (current_sbom_id);
