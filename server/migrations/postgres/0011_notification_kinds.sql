-- Notifications of suggestions and reviews (issue 24): the kinds a notification may have.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'mention', 'reply', 'comment', 'shared', 'suggestion', 'decided', 'review_requested', 'reviewed'));
