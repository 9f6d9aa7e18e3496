# The web server configurations (issue 12): lighttpd.conf,
# lighttpd-fastcgi.conf, apache.conf and htdocs/.htaccess take their URL
# routes from one list, the programs' own route tables (--routes).
# tools/server-routes.py writes the routes of each into $(BUILD)/servers/,
# and make install puts them in the tree (db/ and .htaccess), so a new
# program in cgi-bin/ needs no edit to any configuration.

DEPS_BUILD	+= python3
SERVER_ROUTES	= $(addprefix $(BUILD)/servers/,lighttpd-routes.conf \
		  lighttpd-fastcgi-routes.conf apache-routes.conf htaccess)

all: $(SERVER_ROUTES)
install: $(SERVER_ROUTES)

$(SERVER_ROUTES) &: $(PROGRAMS) tools/server-routes.py htdocs/.htaccess
	$(PYTHON) tools/server-routes.py --out $(BUILD)/servers \
	    --htaccess htdocs/.htaccess $(PROGRAMS)

# Apache's mod_fcgid (issue 21): apache.conf and the .htaccess files run the
# programs under it where it is loaded; the HTTP tests serve every tree with
# and without it.
DEPS_TEST	+= libapache2-mod-fcgid
