-- compatible: programs built for schema 13 may run on it (a new table that
-- they never read).
-- Settings per user (InvenTree's InvenTreeUserSetting, /api/settings/user/):
-- one row per user and key for each setting the user changed; a key
-- without a row has its default.  Which keys exist, their types, defaults
-- and checks are in domain/settings/setting.c: the table holds only the
-- value, as text, as InvenTree stores it ("True"/"False" for booleans).
-- Global settings stay in the table "setting" of migration 0001.
CREATE TABLE user_setting (
	user_id	INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	key	TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
	value	TEXT NOT NULL CHECK (length(value) <= 10000),
	PRIMARY KEY (user_id, key)
) STRICT;
