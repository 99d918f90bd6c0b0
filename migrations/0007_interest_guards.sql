-- 0007: guards for the interest forms.  One unanswered contact request per
-- person and partner: the page checks before it stores, but a double
-- submission (a double click, two tabs) passes that check twice and would
-- mail the partner twice.  The index lets one through; the page answers
-- the other 409.
--
-- Double submissions made before this migration keep their first request;
-- the later copies were never answered (the partner's links to them stop
-- working, and the first one's still does).
DELETE FROM contact_requests WHERE status = 'sent' AND EXISTS (
    SELECT 1 FROM contact_requests earlier
    WHERE earlier.declaration_id = contact_requests.declaration_id
      AND earlier.requester_id = contact_requests.requester_id
      AND earlier.status = 'sent' AND earlier.id < contact_requests.id);
CREATE UNIQUE INDEX contact_requests_open ON contact_requests (declaration_id, requester_id)
    WHERE status = 'sent';
