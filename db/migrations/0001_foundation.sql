-- Foundation: instance-wide settings kept in the database (key/value), for
-- what an administrator may change at run time rather than in the config file.
CREATE TABLE setting (
	key	TEXT PRIMARY KEY NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
	value	TEXT NOT NULL CHECK (length(value) <= 10000)
) STRICT;
