-- The watch's reverse index, second half: from an SBOM to the version
-- whose current SBOM it is (VersionsWithPackages goes from package keys to
-- SBOMs through sbom_component_pkg, then here), so that finding the
-- versions a changed package is in reads the rows of that package, never
-- every version's components.
CREATE INDEX product_version_current ON product_version (current_sbom_id);
