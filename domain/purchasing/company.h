/*
 * company: InvenTree's company app -- companies (suppliers, manufacturers,
 * customers), their contacts and addresses, manufacturer parts, supplier
 * parts and the suppliers' price breaks.
 *
 * Each is a resource (res.h) described in company.c, served by
 * cgi-bin/company.c under /api/company/, in InvenTree's purchase_order
 * rule set.  The rules a field cannot say, and where they live:
 *
 *   - one primary address per company, and a company's only address is
 *     its primary one: triggers of migration 0013, so every writer keeps
 *     them;
 *   - (part, manufacturer, MPN), (part, supplier, SKU) and (part,
 *     quantity) of a price break are unique: the descriptions' unique
 *     sets (res_unique), and UNIQUE indexes;
 *   - a supplier part's supplier is a supplier, its part purchaseable, a
 *     manufacturer part's manufacturer a manufacturer (InvenTree's
 *     limit_choices_to): the fields' ref_if;
 *   - a supplier part's manufacturer part is of the same part, and its
 *     pack quantity a positive number (in the part's units, when given
 *     with them), kept as pack_quantity_native: the validate hook;
 *   - availability_updated follows each change of available, updated
 *     each write: the validate hooks.
 */
#ifndef SR_COMPANY_H
#define SR_COMPANY_H

struct resource;

extern const struct resource company_resource, contact_resource,
    address_resource, manufacturer_part_resource, supplier_part_resource,
    price_break_resource;

#endif
