-- 0008: automatic triage notes (a repeated registration that named another
-- contact) hold what a visitor typed, personal data of someone who may not
-- be the contact.  They are deleted two years after they were written, and
-- erasing a person deletes those that name their address.
INSERT INTO retention_rules (record_type, keep_days, valid_from, note) VALUES
    ('automatic_notes', 730, '2026-11-01',
     'automatic triage notes recording what a repeated registration typed, counted from writing');
