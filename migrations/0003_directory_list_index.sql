-- 0003: an index holding every column the directory's list reads, in the
-- order of its default sort, so a page of 50 is read from the index alone.
CREATE INDEX organisations_list ON organisations
    (sort_key, id, kind, name, code, county_code, country_iso2, name_folded, population,
     population_year);
