"""One function per intent of a reader or moderator; each owns its transaction
(``persistence.database.write_transaction``) and takes its settings as arguments."""
