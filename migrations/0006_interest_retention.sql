-- 0006: contact details in registrations and declarations of interest are
-- personal data.  Once a registration or declaration is closed (withdrawn,
-- declined or archived) its contact details are blanked after two years;
-- erasing a person blanks those given with their address at once.
INSERT INTO retention_rules (record_type, keep_days, valid_from, note) VALUES
    ('interest_contacts', 730, '2026-11-01',
     'contact details of withdrawn or declined registrations of interest, counted from the last change'),
    ('declaration_contacts', 730, '2026-11-01',
     'contact details of withdrawn, declined or archived declarations of interest, counted from the last change');
