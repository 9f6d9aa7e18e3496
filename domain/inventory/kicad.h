/*
 * kicad: KiCad's HTTP library (KiCad 8; docs/kicad.md), served from the
 * parts and their parameters (issue 17).
 *
 * KiCad asks {root_url}/v1/ for its endpoints, v1/categories.json for
 * the categories, v1/parts/category/<id>.json for a category's parts and
 * v1/parts/<id>.json for one part: its symbol (symbolIdStr), whether it
 * is left out of the BOM, the board and the simulation, and its fields
 * (value, footprint, datasheet, reference, description, keywords, IPN,
 * MPN, manufacturer), each with its value and visibility, all as
 * strings.  It sends "Authorization: Token <key>": an API token whose
 * user may view parts.
 *
 * Only the categories given a row of kicad_category_resource
 * (/api/kicad/category/, migration 0028) are shown; the row says how
 * their parts become symbols: default symbol, footprint and reference,
 * and the parameter templates whose value on a part overrides the symbol
 * and footprint and gives the value field (else the part's name).
 */
#ifndef SR_KICAD_H
#define SR_KICAD_H

struct ctx;
struct err;
struct resource;

extern const struct resource kicad_category_resource;

struct err	*kicad_root(struct ctx *);
struct err	*kicad_categories(struct ctx *);
struct err	*kicad_parts(struct ctx *);
struct err	*kicad_part(struct ctx *);

#endif
