-- 0009: one international local government per folded name and country.
-- The declaration form looks a municipality up before it adds one, but two
-- first declarations at the same moment both found nothing and added it
-- twice; with this index the second insert does nothing and the form uses
-- the first.
CREATE UNIQUE INDEX organisations_local_government_name
    ON organisations (name_folded, country_iso2) WHERE kind = 'local_government';
