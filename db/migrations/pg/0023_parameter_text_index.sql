-- compatible: programs built for schema 22 may run on it (an index).
-- The twin of ../0023_parameter_text_index.sql: the text of the
-- parameters without a number, for the text branch of a numeric filter.

CREATE INDEX part_parameter_text ON part_parameter (template, data, part)
	WHERE data_numeric IS NULL;
