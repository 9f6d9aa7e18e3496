-- compatible: programs built for schema 31 may run on it (rows of tally
-- and the triggers that keep them).
-- How many parameters each template has (InvenTree's `parts` on a
-- template, issue 17), kept in tally (migration 0010) as
-- ('part_parameter.template', template) by triggers in the transaction of
-- every change, instead of counted at every read: on the benchmark data
-- (1,000,000 parameters of 10 templates) a list of templates counted
-- 100,000 index entries a row, and each parameter row's template_detail
-- counted its template again (issue 22: counts that do not walk rows).
-- A deleted template's parameters go by the cascade, each through the
-- delete trigger, leaving its row at 0.
DELETE FROM tally WHERE name = 'part_parameter.template';
INSERT INTO tally (name, id, n)
	SELECT 'part_parameter.template', template, count(*)
	FROM part_parameter GROUP BY template;
CREATE TRIGGER part_parameter_tally_ai AFTER INSERT ON part_parameter BEGIN
	INSERT INTO tally (name, id, n)
	    VALUES ('part_parameter.template', new.template, 1)
	    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER part_parameter_tally_ad AFTER DELETE ON part_parameter BEGIN
	UPDATE tally SET n = n - 1
	    WHERE name = 'part_parameter.template' AND id = old.template;
END;
CREATE TRIGGER part_parameter_tally_au AFTER UPDATE OF template
    ON part_parameter WHEN new.template <> old.template BEGIN
	UPDATE tally SET n = n - 1
	    WHERE name = 'part_parameter.template' AND id = old.template;
	INSERT INTO tally (name, id, n)
	    VALUES ('part_parameter.template', new.template, 1)
	    ON CONFLICT DO UPDATE SET n = n + 1;
END;
