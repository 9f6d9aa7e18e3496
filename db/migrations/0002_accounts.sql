-- Accounts: users, groups and rule sets, sessions, API tokens, audit log.
-- (Filled in by the accounts work; kept so migration numbers stay contiguous.)
SELECT 1;
