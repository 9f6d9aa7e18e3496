-- compatible: programs built for schema 22 may run on it (an index).
-- A filter on a parameter by number (?parameter_<t>_gte=4.7k) also
-- compares the text of the parameters of that template that have no
-- number, as InvenTree does (domain/inventory/parameter.c).  That branch
-- read part_parameter_data's range of the text, "4.7k" to "5.1k", which
-- on numbers holds every value written from "4.7" to "5.0..." (a tenth
-- of the template's rows), and looked each row up to find it has a
-- number: 66 M instructions a page on the benchmark data (callgrind).
-- This index holds only the rows without a number, so that branch reads
-- those alone (none on numeric templates): 11.9 M.

CREATE INDEX part_parameter_text ON part_parameter(template, data, part)
	WHERE data_numeric IS NULL;
