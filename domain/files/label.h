/*
 * label: InvenTree's label templates (/api/label/template/) and the data
 * outputs that printing makes (/api/data-output/), as resources.  The
 * templates are the built-in ones of migration 0030 (read-only); an
 * output is visible to the user who printed it (and superusers), and its
 * PDF is a stored file of media kind LABEL_MEDIA_KIND that media_owner()
 * gives to that user alone.  The printing itself is cgi-bin/label.c.
 */
#ifndef SR_LABEL_H
#define SR_LABEL_H

struct resource;

#define LABEL_MEDIA_KIND	"label"

extern const struct resource label_template_resource;
extern const struct resource data_output_resource;

#endif
