-- A slug with the form of an id could shadow the record whose id it is: lookups now match ids
-- only when given an id's form, and such slugs lose their hyphens, as new ones do. The stored
-- representations of those organizations hold the old slug; start-up writes missing ones.
DELETE FROM organization_representations WHERE organization_id IN
    (SELECT id FROM organizations
     WHERE slug ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$');
UPDATE organizations SET slug = replace(slug, '-', '')
    WHERE slug ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
UPDATE programmes SET slug = replace(slug, '-', '')
    WHERE slug ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
