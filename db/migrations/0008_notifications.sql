-- Notifications: subscriptions to parts and categories (InvenTree's
-- PartStar and PartCategoryStar, shown as "starred"), the notifications
-- users receive (InvenTree's NotificationMessage, /api/notifications/),
-- and the state that keeps low-stock notifications to one per dip below
-- a part's minimum (see lib/notify.h).
--
-- A subscription to a category covers its parts and every category below
-- it, as InvenTree's get_subscribers() does.  Deleting a user, part or
-- category deletes its subscriptions; deleting a user deletes their
-- notifications.  A notification's target is a model name and an id (a
-- foreign key cannot name several tables); a target that is gone shows
-- as null.

CREATE TABLE part_star (
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	part		INTEGER NOT NULL REFERENCES part(id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, part)
) STRICT;
CREATE INDEX part_star_part ON part_star(part);

CREATE TABLE part_category_star (
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	category	INTEGER NOT NULL
			REFERENCES part_category(id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, category)
) STRICT;
CREATE INDEX part_category_star_category ON part_category_star(category);

CREATE TABLE notification (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	category	TEXT NOT NULL CHECK (length(category) BETWEEN 1 AND 100),
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 250),
	message		TEXT NOT NULL DEFAULT '' CHECK (length(message) <= 2000),
	target_model	TEXT CHECK (target_model IS NULL OR
			    target_model IN ('part')),
	target_id	INTEGER CHECK (target_id IS NULL OR target_id > 0),
	creation	INTEGER NOT NULL DEFAULT (unixepoch()),
	read		INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
	CHECK ((target_model IS NULL) = (target_id IS NULL))
) STRICT;
-- A user's list, newest first, and its read=true/false filter.
CREATE INDEX notification_user ON notification(user_id, read, id);
CREATE INDEX notification_target ON notification(target_model, target_id);

-- 1 while the part's subscribers have been told that it is below its
-- minimum and it has not come back up since.  Parts already low when
-- this migration runs count as told: nobody had subscribed to them yet.
ALTER TABLE part ADD COLUMN low_stock_notified INTEGER NOT NULL DEFAULT 0
	CHECK (low_stock_notified IN (0, 1));
UPDATE part SET low_stock_notified = 1
	WHERE minimum_stock > 0 AND in_stock < minimum_stock;
