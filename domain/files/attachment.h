/*
 * attachment: files and links attached to the objects of other models,
 * as InvenTree's generic attachments (/api/attachment/).
 *
 * An attachment names its object by model_type and model_id.  Which
 * models take attachments, their table and their permission area all
 * come from the model registry (models.h): a model whose resource has
 * RES_ATTACHMENTS.  Permissions follow the object: viewing it lets a user
 * list and download its attachments (an attachment of an object the user
 * cannot view is a 404, as if it did not exist, and is left out of every
 * list); adding, changing or deleting one needs change on the object's
 * area.
 *
 * A file comes as a multipart upload in the field "attachment" and is
 * stored by media.h; a link is an http or https URL.  One attachment has
 * exactly one of them.  Only the comment, and a link attachment's link,
 * change afterwards.  A deleted attachment's file is removed by the
 * media_sweep task its event enqueues (tasks/event.h).
 */
#ifndef SR_ATTACHMENT_H
#define SR_ATTACHMENT_H

struct resource;

extern const struct resource attachment_resource;

#endif
