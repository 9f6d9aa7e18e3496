-- PostgreSQL twin of db/migrations/0001_foundation.sql (see docs/postgresql.md
-- for the conventions every file here follows).
--
-- Besides the settings table, this first migration defines what the other
-- migrations and the rewritten queries (lib/dialect.h) need before any table:
--
--   * schema_migrations, the record of applied migrations.  On SQLite the
--     runner (lib/db.c) creates it before each migration and keeps the
--     version in PRAGMA user_version as well; PostgreSQL has no user_version,
--     so there the version is max(version) of this table, and the runner
--     records each migration in it in the migration's own transaction.
--     It is created here rather than by the runner because its default needs
--     sr_strftime(), below.
--
--   * sr_strftime, sr_date, sr_datetime, sr_unixepoch and sr_json_each: the
--     functions dialect_pg() renames SQLite's strftime, date, datetime,
--     unixepoch and json_each to, with SQLite's (3.40) meaning for what
--     Stockroom's SQL uses.  Times are UTC, to the millisecond, as SQLite
--     keeps them; 'now' is the time of the current statement (SQLite's is
--     fixed for one sqlite3_step()).
--
--   * sr_sync_identities(), for whatever inserts rows with their ids.
--
-- STRICT (SQLite's type checking) has no equivalent to write: PostgreSQL's
-- columns are always strictly typed.

-- The time functions below read a time value as SQLite does, apply its
-- modifiers, and write it in a format: a UTC timestamp to the millisecond
-- in between, or NULL where SQLite gives NULL (a value or a modifier it
-- cannot read).  Modifiers SQLite knows but Stockroom never uses and that
-- cannot be reproduced here ('localtime', 'utc': the time zone of a SQLite
-- process) raise an error rather than mean something else.  The common
-- cases (a format the programs use, 'now', Unix seconds) take short paths:
-- list pages call these once per row.

-- Modifiers from modifiers[first] on, applied to t.
CREATE FUNCTION sr_time_modify(t timestamp, modifiers text[], first integer)
RETURNS timestamp
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	m	text;
	g	text[];
	n	double precision;
	whole	bigint;
	y	integer;
	mo	integer;
BEGIN
	FOR i IN first .. coalesce(array_length(modifiers, 1), 0) LOOP
		EXIT WHEN t IS NULL;
		m := lower(btrim(modifiers[i]));
		IF m IS NULL THEN
			RETURN NULL;
		END IF;
		g := regexp_match(m, '^([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))\s*'
		    '(day|hour|minute|second|month|year)s?$');
		IF g IS NOT NULL THEN
			n := g[1]::double precision;
			IF g[2] IN ('month', 'year') THEN
				-- SQLite adds whole months to the month and
				-- lets the day roll over (January 31 + 1 month
				-- is March 2 or 3); a fraction counts 30 (or
				-- 365) days.
				whole := trunc(n);
				y := extract(year FROM t)::int;
				mo := extract(month FROM t)::int - 1 +
				    (CASE g[2] WHEN 'month' THEN whole
				    ELSE whole * 12 END)::int;
				t := make_date(y + div(mo, 12)::int -
				    CASE WHEN mo < 0 AND mo % 12 <> 0 THEN 1
				    ELSE 0 END,
				    ((mo % 12 + 12) % 12) + 1, 1)
				    + (extract(day FROM t)::int - 1)
				    + (t - date_trunc('day', t));
				t := t + make_interval(secs => (n - whole) *
				    CASE g[2] WHEN 'month' THEN 30.0
				    ELSE 365.0 END * 86400.0);
			ELSE
				t := t + make_interval(secs => n *
				    CASE g[2] WHEN 'day' THEN 86400.0
				    WHEN 'hour' THEN 3600.0
				    WHEN 'minute' THEN 60.0 ELSE 1.0 END);
			END IF;
			t := date_trunc('milliseconds', t);
		ELSIF m = 'start of day' THEN
			t := date_trunc('day', t);
		ELSIF m = 'start of month' THEN
			t := date_trunc('month', t);
		ELSIF m = 'start of year' THEN
			t := date_trunc('year', t);
		ELSIF m ~ '^weekday [0-6]$' THEN
			t := t + make_interval(days => (substr(m, 9, 1)::int -
			    extract(dow FROM t)::int + 7) % 7);
		ELSIF m IN ('localtime', 'utc') THEN
			RAISE EXCEPTION 'sr_time: modifier % has no PostgreSQL '
			    'twin (SQLite applies its own time zone)', m;
		ELSE
			RETURN NULL;	-- SQLite: NULL for a modifier it refuses
		END IF;
	END LOOP;
	RETURN t;
END;
$$;

-- A number as a time value: a Julian day, or Unix seconds when the first
-- modifier is 'unixepoch'.
CREATE FUNCTION sr_time(value double precision, modifiers text[])
RETURNS timestamp
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	unix	boolean := coalesce(lower(btrim(modifiers[1])) = 'unixepoch',
		    false);
	t	timestamp;
BEGIN
	IF value IS NULL THEN
		RETURN NULL;
	END IF;
	t := date_trunc('milliseconds', to_timestamp(CASE WHEN unix
	    THEN value ELSE (value - 2440587.5) * 86400.0 END)
	    AT TIME ZONE 'UTC');
	IF coalesce(array_length(modifiers, 1), 0) <= (CASE WHEN unix THEN 1
	    ELSE 0 END) THEN
		RETURN t;
	END IF;
	RETURN sr_time_modify(t, modifiers, CASE WHEN unix THEN 2 ELSE 1 END);
END;
$$;

-- Text as a time value: 'now', a number, or YYYY-MM-DD [HH:MM[:SS[.SSS]]]
-- [Z|+HH:MM] (T or space between), or HH:MM[:SS[.SSS]] alone (on
-- 2000-01-01).  Days beyond the month's end roll over, as SQLite computes
-- them (but SQLite prints 2023-02-31 unchanged when no modifier follows;
-- the programs validate dates before they store or compare them).
CREATE FUNCTION sr_time(value text, modifiers text[])
RETURNS timestamp
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	t	timestamp;
	g	text[];
BEGIN
	IF value IS NULL THEN
		RETURN NULL;
	END IF;
	value := btrim(value);
	IF lower(value) = 'now' THEN
		t := date_trunc('milliseconds',
		    statement_timestamp() AT TIME ZONE 'UTC');
	ELSIF value ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$' THEN
		RETURN sr_time(value::double precision, modifiers);
	ELSE
		g := regexp_match(value, '^(?:([0-9]{4})-([0-9]{2})-([0-9]{2}))?'
		    '(?:(?:^|[T ])([0-9]{2}):([0-9]{2})(?::([0-9]{2}(?:\.[0-9]*)?))?)?'
		    '\s*(Z|[+-][0-9]{2}:[0-9]{2})?$');
		IF g IS NULL OR (g[1] IS NULL AND g[4] IS NULL) OR
		    (g[1] IS NOT NULL AND (g[2]::int NOT BETWEEN 1 AND 12 OR
		    g[3]::int NOT BETWEEN 1 AND 31)) OR
		    (g[4] IS NOT NULL AND (g[4]::int > 24 OR g[5]::int > 59 OR
		    coalesce(g[6], '0')::numeric >= 60)) THEN
			RETURN NULL;
		END IF;
		t := make_date(coalesce(g[1], '2000')::int,
		    coalesce(g[2], '1')::int, 1)
		    + (coalesce(g[3], '1')::int - 1)
		    + make_interval(hours => coalesce(g[4], '0')::int,
			mins => coalesce(g[5], '0')::int,
			secs => coalesce(g[6], '0')::double precision);
		IF g[7] IS NOT NULL AND g[7] <> 'Z' THEN
			t := t - (substr(g[7], 1, 1) || '1')::int *
			    make_interval(hours => substr(g[7], 2, 2)::int,
				mins => substr(g[7], 5, 2)::int);
		END IF;
		t := date_trunc('milliseconds', t);
	END IF;
	IF coalesce(array_length(modifiers, 1), 0) = 0 THEN
		RETURN t;
	END IF;
	RETURN sr_time_modify(t, modifiers, 1);
END;
$$;

-- t in SQLite's strftime format: %d %f %H %j %J %m %M %s %S %w %W %Y %%
-- as SQLite 3.40 writes them; any other conversion gives NULL, as there.
CREATE FUNCTION sr_time_format(format text, t timestamp)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	res	text := '';
	c	text;
	i	integer := 1;
	doy	integer;
BEGIN
	IF t IS NULL OR format IS NULL THEN
		RETURN NULL;
	END IF;
	CASE format
	WHEN '%Y-%m-%dT%H:%M:%SZ' THEN
		RETURN to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
	WHEN '%Y-%m-%dT%H:%M:%fZ' THEN
		RETURN to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
	WHEN '%Y-%m-%d' THEN
		RETURN to_char(t, 'YYYY-MM-DD');
	WHEN '%Y-%m-%d %H:%M:%S' THEN
		RETURN to_char(t, 'YYYY-MM-DD HH24:MI:SS');
	ELSE
	END CASE;
	WHILE i <= length(format) LOOP
		c := substr(format, i, 1);
		IF c <> '%' THEN
			res := res || c;
			i := i + 1;
			CONTINUE;
		END IF;
		c := substr(format, i + 1, 1);
		i := i + 2;
		CASE c
		WHEN 'd' THEN res := res || to_char(t, 'DD');
		WHEN 'f' THEN res := res || to_char(t, 'SS.MS');
		WHEN 'H' THEN res := res || to_char(t, 'HH24');
		WHEN 'j' THEN res := res || to_char(t, 'DDD');
		WHEN 'J' THEN res := res || (extract(epoch FROM t) / 86400.0 +
		    2440587.5)::double precision::text;
		WHEN 'm' THEN res := res || to_char(t, 'MM');
		WHEN 'M' THEN res := res || to_char(t, 'MI');
		WHEN 's' THEN res := res || floor(extract(epoch FROM t))::bigint;
		WHEN 'S' THEN res := res || to_char(t, 'SS');
		WHEN 'w' THEN res := res || extract(dow FROM t)::int;
		WHEN 'W' THEN
			-- SQLite: (days since January 1 + 7 - weekday) / 7,
			-- the weekday counted from Monday = 0.
			doy := extract(doy FROM t)::int - 1;
			res := res || lpad(((doy + 7 -
			    (extract(isodow FROM t)::int - 1)) / 7)::text, 2,
			    '0');
		WHEN 'Y' THEN res := res || to_char(t, 'YYYY');
		WHEN '%' THEN res := res || '%';
		ELSE RETURN NULL;
		END CASE;
	END LOOP;
	RETURN res;
END;
$$;

-- SQLite's strftime, date, datetime and unixepoch.  Each has a text form
-- (what PostgreSQL picks for literals such as 'now' and for parameters)
-- and a number form (for columns of Unix seconds and numeric literals):
-- SQLite reads numbers and text alike.
CREATE FUNCTION sr_strftime(format text, value text,
    VARIADIC modifiers text[] DEFAULT '{}')
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN sr_time_format(format, sr_time(value, modifiers));

CREATE FUNCTION sr_strftime(format text, value double precision,
    VARIADIC modifiers text[] DEFAULT '{}')
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN sr_time_format(format, sr_time(value, modifiers));

CREATE FUNCTION sr_date(value text, VARIADIC modifiers text[] DEFAULT '{}')
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN sr_time_format('%Y-%m-%d', sr_time(value, modifiers));

CREATE FUNCTION sr_date(value double precision,
    VARIADIC modifiers text[] DEFAULT '{}')
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN sr_time_format('%Y-%m-%d', sr_time(value, modifiers));

CREATE FUNCTION sr_datetime(value text, VARIADIC modifiers text[] DEFAULT '{}')
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN sr_time_format('%Y-%m-%d %H:%M:%S', sr_time(value, modifiers));

CREATE FUNCTION sr_datetime(value double precision,
    VARIADIC modifiers text[] DEFAULT '{}')
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN sr_time_format('%Y-%m-%d %H:%M:%S', sr_time(value, modifiers));

-- unixepoch(): whole Unix seconds, now or of a time value.
CREATE FUNCTION sr_unixepoch()
RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
RETURN floor(extract(epoch FROM statement_timestamp()))::bigint;

CREATE FUNCTION sr_unixepoch(value text, VARIADIC modifiers text[] DEFAULT '{}')
RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
RETURN floor(extract(epoch FROM sr_time(value, modifiers)))::bigint;

CREATE FUNCTION sr_unixepoch(value double precision,
    VARIADIC modifiers text[] DEFAULT '{}')
RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
RETURN floor(extract(epoch FROM sr_time(value, modifiers)))::bigint;

-- SQLite's json_each(doc): one row per element of an array (key 0, 1, ...)
-- or member of an object (in document order, duplicates kept), or the one
-- row of a scalar (key NULL); type as SQLite names it.  A PostgreSQL
-- function has one type per column where SQLite's value column takes each
-- element's own: value is bigint, because the one use (lib/list.c, a
-- page's ids, "id IN (SELECT value FROM json_each(?))") compares it with
-- ids, and a bigint keeps the primary key index usable.  An element that
-- is not an integer or null is refused with an error, never converted.
CREATE FUNCTION sr_json_each(doc text)
RETURNS TABLE (key text, value bigint, type text)
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 50
AS $$
DECLARE
	j	json := doc::json;
	k	text;
	v	json;
	tp	text;
BEGIN
	FOR k, v IN
		SELECT NULL::text, j WHERE json_typeof(j) NOT IN ('array', 'object')
		UNION ALL
		SELECT (e.n - 1)::text, e.v FROM json_array_elements(
		    CASE json_typeof(j) WHEN 'array' THEN j END)
		    WITH ORDINALITY AS e(v, n)
		UNION ALL
		SELECT o.key, o.value FROM json_each(
		    CASE json_typeof(j) WHEN 'object' THEN j END) AS o
	LOOP
		tp := json_typeof(v);
		tp := CASE tp
		    WHEN 'number' THEN CASE WHEN v::text ~ '^-?[0-9]+$'
			THEN 'integer' ELSE 'real' END
		    WHEN 'string' THEN 'text'
		    WHEN 'boolean' THEN v::text
		    ELSE tp END;
		IF tp NOT IN ('integer', 'null') THEN
			RAISE EXCEPTION 'sr_json_each: element % is %, and '
			    'only integer elements have a value here',
			    coalesce(k, '(the document)'), tp;
		END IF;
		key := k;
		value := CASE tp WHEN 'integer' THEN v::text::bigint END;
		type := tp;
		RETURN NEXT;
	END LOOP;
END;
$$;

-- Moves every identity of the schema past the highest id its table holds.
-- SQLite's rowids follow explicitly inserted ids by themselves; an identity
-- does not, so whatever inserts rows with their ids (a bulk copy from
-- SQLite, tools/inventory.c's generator) calls this once afterwards, or the
-- next insert without an id collides.
CREATE FUNCTION sr_sync_identities()
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	r	record;
BEGIN
	FOR r IN
		SELECT c.oid::regclass AS tbl, a.attname AS col,
		    pg_get_serial_sequence(c.oid::regclass::text, a.attname)
			AS seq
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		WHERE a.attidentity <> '' AND NOT a.attisdropped AND
		    c.relnamespace = current_schema()::regnamespace
	LOOP
		EXECUTE format('SELECT setval(%L, coalesce((SELECT max(%I) '
		    'FROM %s), 0) + 1, false)', r.seq, r.col, r.tbl);
	END LOOP;
END;
$$;

CREATE TABLE schema_migrations (
	version		bigint PRIMARY KEY,
	name		text COLLATE "C" NOT NULL,
	applied_at	text COLLATE "C" NOT NULL
			DEFAULT (sr_strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- The migrations marked "-- compatible" (lib/db.h), by version: on SQLite
-- the runner creates this table; here it is made with the other record.
CREATE TABLE schema_compatible (
	version		bigint PRIMARY KEY
);

-- Foundation: instance-wide settings kept in the database (key/value), for
-- what an administrator may change at run time rather than in the config file.
CREATE TABLE setting (
	key	text COLLATE "C" PRIMARY KEY NOT NULL
		CHECK (length(key) BETWEEN 1 AND 100),
	value	text COLLATE "C" NOT NULL CHECK (length(value) <= 10000)
);
