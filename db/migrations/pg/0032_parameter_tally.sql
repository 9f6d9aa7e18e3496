-- compatible: programs built for schema 31 may run on it (rows of tally
-- and the triggers that keep them).
-- PostgreSQL twin of db/migrations/0032_parameter_tally.sql: each
-- template's count of parameters kept in tally.  See the SQLite migration
-- for the why.
DELETE FROM tally WHERE name = 'part_parameter.template';
INSERT INTO tally (name, id, n)
	SELECT 'part_parameter.template', template, count(*)
	FROM part_parameter GROUP BY template;
CREATE FUNCTION part_parameter_tally() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		UPDATE tally SET n = n - 1
		    WHERE name = 'part_parameter.template' AND id = OLD.template;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO tally (name, id, n)
		    VALUES ('part_parameter.template', NEW.template, 1)
		    ON CONFLICT (id, name) DO UPDATE SET n = tally.n + 1;
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER part_parameter_tally_ai AFTER INSERT ON part_parameter
	FOR EACH ROW EXECUTE FUNCTION part_parameter_tally();
CREATE TRIGGER part_parameter_tally_ad AFTER DELETE ON part_parameter
	FOR EACH ROW EXECUTE FUNCTION part_parameter_tally();
CREATE TRIGGER part_parameter_tally_au AFTER UPDATE OF template
    ON part_parameter FOR EACH ROW WHEN (NEW.template <> OLD.template)
	EXECUTE FUNCTION part_parameter_tally();
