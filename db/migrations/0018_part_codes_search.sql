-- A part is found by its manufacturer part numbers and its suppliers'
-- SKUs too (InvenTree's part search_fields have manufacturer_parts__MPN
-- and supplier_parts__SKU; issue 15).
--
-- part_fts gets two columns: the part's MPNs, and its SKUs, each list
-- joined by newlines (a search word never holds one, so no word matches
-- across two numbers).  part_search_text is what a part's row of the index
-- holds; the programs write a part's row from it when the part changes (as
-- before), when one of its manufacturer or supplier parts does, and when
-- a company goes with its own (domain/purchasing/company.c).  Not by
-- triggers: SQLite refuses a virtual table in a trigger while
-- trusted_schema is off (lib/db.c), which it is.
--
-- Not "compatible": the programs before this write part_fts rows without
-- the numbers.  PostgreSQL has no FTS5: its twin indexes MPN and SKU with
-- pg_trgm.

CREATE VIEW part_search_text AS
    SELECT p.id AS id, p.name AS name, p.IPN AS IPN,
	p.description AS description, p.keywords AS keywords,
	(SELECT group_concat(MPN, char(10)) FROM manufacturer_part
	    WHERE part = p.id) AS MPN,
	(SELECT group_concat(SKU, char(10)) FROM supplier_part
	    WHERE part = p.id) AS SKU
    FROM part p;

DROP TABLE part_fts;
CREATE VIRTUAL TABLE part_fts USING fts5(name, IPN, description, keywords,
    MPN, SKU, tokenize = 'trigram');
INSERT INTO part_fts (rowid, name, IPN, description, keywords, MPN, SKU)
    SELECT * FROM part_search_text;
INSERT INTO part_fts (part_fts) VALUES ('optimize');
