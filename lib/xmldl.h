/*
 * xmldl: libexpat, loaded with dlopen() on first use by the programs that
 * read XML (an imported XLSX workbook, xlsxread.c; udunits2's unit
 * database, domain/inventory/units.c), so that no other program pays for
 * it at start.  xmldl_load() fills xmldl once; NULL, or why it could not
 * (the library missing, a function it lacks, a static release build).
 */
#ifndef SR_XMLDL_H
#define SR_XMLDL_H

#ifndef STOCKROOM_STATIC
#include <expat.h>

extern struct xmldl {
	XML_Parser	 (*create)(const XML_Char *);
	void		 (*free)(XML_Parser);
	void		 (*set_user_data)(XML_Parser, void *);
	void		 (*set_element_handler)(XML_Parser,
			    XML_StartElementHandler, XML_EndElementHandler);
	void		 (*set_character_data_handler)(XML_Parser,
			    XML_CharacterDataHandler);
	void		 (*set_doctype_handler)(XML_Parser,
			    XML_StartDoctypeDeclHandler);
	enum XML_Status	 (*parse)(XML_Parser, const char *, int, int);
	enum XML_Status	 (*stop)(XML_Parser, XML_Bool);
	enum XML_Error	 (*error_code)(XML_Parser);
	const XML_LChar	*(*error_string)(enum XML_Error);
} xmldl;
#endif

const char	*xmldl_load(void);

#endif
