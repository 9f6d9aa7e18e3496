/*
 * xmldl: libexpat loaded with dlopen() (xmldl.h).
 */
#include <stddef.h>

#include "xmldl.h"

#ifdef STOCKROOM_STATIC
const char *
xmldl_load(void)
{
	/* A static program cannot load a shared library (lib/pg.c). */
	return "libexpat cannot be loaded by a release build (static "
	    "programs)";
}
#else

#include <dlfcn.h>

struct xmldl xmldl;

const char *
xmldl_load(void)
{
	static const char *const names[] = { "XML_ParserCreate",
	    "XML_ParserFree", "XML_SetUserData", "XML_SetElementHandler",
	    "XML_SetCharacterDataHandler", "XML_SetStartDoctypeDeclHandler",
	    "XML_Parse", "XML_StopParser", "XML_GetErrorCode",
	    "XML_ErrorString" };
	void **slots[] = { (void **)&xmldl.create, (void **)&xmldl.free,
	    (void **)&xmldl.set_user_data, (void **)&xmldl.set_element_handler,
	    (void **)&xmldl.set_character_data_handler,
	    (void **)&xmldl.set_doctype_handler, (void **)&xmldl.parse,
	    (void **)&xmldl.stop, (void **)&xmldl.error_code,
	    (void **)&xmldl.error_string };
	static void *h;

	if (h != NULL)
		return NULL;
	void *lib = dlopen("libexpat.so.1", RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL)
		return "libexpat.so.1 cannot be loaded (install Debian's "
		    "libexpat1)";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((*slots[i] = dlsym(lib, names[i])) == NULL) {
			dlclose(lib);
			return "libexpat lacks a function it needs";
		}
	h = lib;
	return NULL;
}
#endif
