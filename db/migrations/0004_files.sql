-- Files: attachments of parts and stock items, and part thumbnails.
--
-- Uploaded files live under DATA_DIR/media/ with generated names (see
-- lib/media.h); a row keeps the path relative to that directory and the
-- client's original filename, which is used only in Content-Disposition.
-- An attachment is either a file or a link, never both.
--
-- model_type/model_id name the object an attachment belongs to, as
-- InvenTree's generic attachments do; a foreign key cannot span two tables,
-- so the triggers below remove the attachments of a deleted part or stock
-- item.  Every stored file that loses its row is recorded in media_orphan,
-- in the same transaction, so its bytes can be removed once the change has
-- committed (by the request that made it, or later by a sweep) and a
-- rolled-back delete never loses a file.

CREATE TABLE attachment (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	model_type	TEXT NOT NULL CHECK (model_type IN ('part', 'stockitem')),
	model_id	INTEGER NOT NULL CHECK (model_id > 0),
	file		TEXT CHECK (file IS NULL OR length(file) BETWEEN 1 AND 255),
	link		TEXT NOT NULL DEFAULT '' CHECK (length(link) <= 2000),
	comment		TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 250),
	filename	TEXT NOT NULL DEFAULT '' CHECK (length(filename) <= 255),
	file_size	INTEGER NOT NULL DEFAULT 0 CHECK (file_size >= 0),
	upload_date	TEXT NOT NULL DEFAULT (date('now')),
	upload_user	INTEGER REFERENCES users(id) ON DELETE SET NULL,
	CHECK ((file IS NULL) <> (link = ''))
) STRICT;
CREATE INDEX attachment_model ON attachment(model_type, model_id);
CREATE INDEX attachment_upload_user ON attachment(upload_user);
CREATE UNIQUE INDEX attachment_file ON attachment(file) WHERE file IS NOT NULL;

-- Part images (part.image, from 0003) get a thumbnail beside them.
ALTER TABLE part ADD COLUMN thumbnail TEXT
	CHECK (thumbnail IS NULL OR length(thumbnail) <= 255);
CREATE INDEX part_image ON part(image) WHERE image IS NOT NULL;
CREATE INDEX part_thumbnail ON part(thumbnail) WHERE thumbnail IS NOT NULL;

-- Files whose rows are gone; their bytes are removed after the commit.
CREATE TABLE media_orphan (
	path		TEXT PRIMARY KEY CHECK (length(path) BETWEEN 1 AND 255),
	created		INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

CREATE TRIGGER attachment_file_orphan AFTER DELETE ON attachment
WHEN old.file IS NOT NULL BEGIN
	INSERT OR IGNORE INTO media_orphan (path) VALUES (old.file);
END;

CREATE TRIGGER part_attachments_delete AFTER DELETE ON part BEGIN
	DELETE FROM attachment WHERE model_type = 'part' AND model_id = old.id;
	INSERT OR IGNORE INTO media_orphan (path)
	    SELECT old.image WHERE old.image IS NOT NULL;
	INSERT OR IGNORE INTO media_orphan (path)
	    SELECT old.thumbnail WHERE old.thumbnail IS NOT NULL;
END;

CREATE TRIGGER part_image_replaced AFTER UPDATE OF image, thumbnail ON part
BEGIN
	INSERT OR IGNORE INTO media_orphan (path)
	    SELECT old.image WHERE old.image IS NOT NULL AND
	    old.image IS NOT new.image;
	INSERT OR IGNORE INTO media_orphan (path)
	    SELECT old.thumbnail WHERE old.thumbnail IS NOT NULL AND
	    old.thumbnail IS NOT new.thumbnail;
END;

CREATE TRIGGER stock_item_attachments_delete AFTER DELETE ON stock_item BEGIN
	DELETE FROM attachment WHERE model_type = 'stockitem' AND
	    model_id = old.id;
END;
