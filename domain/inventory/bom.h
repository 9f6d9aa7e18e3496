/*
 * bom: bills of materials, as InvenTree's part app serves them.
 *
 * Two resources (res.h), served by cgi-bin/part.c:
 *
 *   - bom_item_resource (/api/bom/): a line of an assembly's BOM, the
 *     component (sub_part) and how many of it one assembly takes;
 *   - bom_substitute_resource (/api/bom/substitute/): a part that may be
 *     used in place of a line's component.
 *
 * The rules a field cannot say, and where they live:
 *
 *   - only assemblies have BOMs, only components go in them (and are
 *     substitutes): the fields' ref_if, so another part is "Invalid pk";
 *   - no part contains itself, at any depth, through lines or
 *     substitutes: the validate hooks walk the BOMs below the new
 *     component (bom_path()) and a cycle is a 400 that names the path;
 *   - a trackable component is used in whole numbers, and makes its
 *     assembly trackable (as InvenTree); a locked assembly's lines are
 *     neither added, changed, moved, deleted nor copied into;
 *   - validation: a line's checksum is taken over the fields InvenTree
 *     hashes (part, sub_part, the quantities, reference, optional,
 *     inherited, consumable, allow_variants); a line is validated while
 *     its stored checksum matches, and a part's BOM while the checksum of
 *     its lines matches the one stored when it was validated (part_bom).
 *     Every write and delete of a line re-checks its assembly in the same
 *     transaction, so an edit clears the part's bom_validated at once;
 *     so does the deletion of a component (bom_part_deleting(), called
 *     by the part's deleting hook).
 *
 * "Can build": per line, whole assemblies the available stock (in stock
 * less what builds hold) of the component, its substitutes and -- when
 * the line allows variants -- the component's variants at any depth
 * allows, after the setup quantity and with the attrition (InvenTree's
 * can_build_quantity()); per assembly, the least over its lines with a
 * quantity (bom_can_build()).  A line's available_variant_stock is shown
 * whatever it allows, as InvenTree does; only lines that allow variants
 * count it (InvenTree's BOM table does the same; its server-side
 * annotation adds it for every line, though a build would refuse those
 * items).
 */
#ifndef SR_BOM_H
#define SR_BOM_H

#include "val.h"		/* struct field */

struct ctx;
struct err;
struct resource;

extern const struct resource bom_item_resource, bom_substitute_resource;

struct err	*bom_can_build(struct ctx *, long long part, long long *n);
struct err	*bom_part_deleting(struct ctx *, long long part);

/* Route handlers (cgi-bin/part.c). */
struct err	*bom_part_validation(struct ctx *);	/* GET bom-validate/ */
struct err	*bom_part_validate(struct ctx *);	/* PUT, PATCH */
struct err	*bom_item_validate(struct ctx *);	/* bom/<pk>/validate/ */
struct err	*bom_copy(struct ctx *);		/* bom-copy/ */
extern const struct field bom_copy_fields[];	/* what bom-copy/ takes */

#endif
