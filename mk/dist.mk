# Release tarballs with static programs (issue 23).
#
#   make dist       build $(DIST_DIR)/stockroom-<version>-linux-<arch>.tar.gz
#                   for each of DIST_ARCHS (x86_64 aarch64), and SHA256SUMS
#                   beside them
#   make dist-test  make dist, then tests/dist for every architecture: each
#                   tarball unpacked into an empty root and into an older
#                   Debian (debootstrap, cached in $(BUILD)/userland), every
#                   program run there as CGI (aarch64 under qemu-user-static),
#                   and one tarball served by Apache from a user directory
#                   (make test runs the x86_64 part, as its "dist" level)
#
# Each tarball holds the tree `make install` lays out, in one directory
# stockroom-<version>/, with every program and tool linked statically
# against glibc (-static-pie, so still position-independent), SQLite,
# libfcgi, libscrypt, libmd (barcode.cgi's md5), cJSON and libgd with its
# PNG, JPEG and WebP codecs.
# The static archives are Debian's, unpacked from the target architecture's
# -dev packages (tools/dist-sysroot.sh; not installed); cJSON, which Debian
# ships only as a shared library, is built from Debian's source package
# (tools/dist-cjson.sh).  What is compiled is the main Makefile's own
# lists: each architecture is the main Makefile run again with another
# BUILD, CC, LDFLAGS and LIBS.
#
# glibc, not musl: Debian's static archives are built against glibc (musl
# cannot link them: __memcpy_chk, fcntl64), so musl would mean building
# SQLite, libfcgi, libscrypt, libgd and its codecs from source.  glibc's
# static-linking warnings left name code never reached here: SQLite's
# dlopen (load_extension, which Stockroom never calls) and libfcgi's
# gethostbyname (only for a host:port to bind, never under a web server).
# BENCHMARKS.md has the sizes and start costs measured.

DIST_DIR	?= $(CURDIR)/$(BUILD)/dist
DIST_ARCHS	?= x86_64 aarch64
# The one version: lib/stockroom.h (also what /api/ reports and
# `stockroom --version` prints), wherever the header lives.
DIST_VERSION_H	:= $(or $(wildcard lib/stockroom.h),$(firstword $(shell \
		   grep -rl --include=stockroom.h --exclude-dir=build \
		   --exclude-dir=node_modules --exclude-dir=.git \
		   'define STOCKROOM_VERSION' . 2>/dev/null)))
DIST_VERSION	:= $(shell sed -n 's/^[#]define[[:space:]]*STOCKROOM_VERSION[[:space:]]*"\([^"]*\)".*/\1/p' $(DIST_VERSION_H))
DIST_NAME	= stockroom-$(DIST_VERSION)
DIST_TARBALLS	= $(DIST_ARCHS:%=$(DIST_DIR)/$(DIST_NAME)-linux-%.tar.gz)
# The architecture whose build runs here and lays out the tree (its tool
# migrates the database); the others get the same tree with their programs.
DIST_HOST	:= $(shell uname -m)
# Debian's name for each architecture.
DIST_DEB_x86_64	 = amd64
DIST_DEB_aarch64 = arm64
# The -dev packages whose static archives are linked.
DIST_DEV_PKGS	= libsqlite3-dev libfcgi-dev libscrypt-dev libgd-dev \
		  libpng-dev libjpeg62-turbo-dev libwebp-dev zlib1g-dev \
		  libmd-dev libcsv-dev
DIST_STATIC_LIBS = -lsqlite3 -lfcgi -lscrypt -lgd -lpng16 -ljpeg -lwebp \
		  -lz -lmd -lcsv -lm
# The native gcc is also <arch>-linux-gnu-gcc; other architectures need
# Debian's cross compiler (gcc-aarch64-linux-gnu, gcc-x86-64-linux-gnu).
DIST_DEPS	= dpkg-dev $(foreach a,$(filter-out $(DIST_HOST),$(DIST_ARCHS)),\
		  gcc-$(subst _,-,$(a))-linux-gnu)
# The x86_64 part of tests/dist runs in make test.
DEPS_TEST	+= debootstrap dpkg-dev
DIST_TEST_DEPS	= debootstrap qemu-user-static

# dist-<arch>, dist-build-<arch>, dist-tree-<arch> and dist-tarball-<arch>
# are pattern rules, which .PHONY would switch off; no such files exist.
.PHONY: dist dist-deps dist-test dist-test-deps dist-binaries dist-swap \
	dist-version

dist-deps: deps
	@sh tools/deps.sh $(DIST_DEPS)
	@sh tools/dist-apt.sh src $(foreach a,$(DIST_ARCHS),$(DIST_DEB_$(a)))

dist-test-deps:
	@sh tools/deps.sh $(DIST_TEST_DEPS)

dist: dist-deps
	@test -n "$(DIST_VERSION)" || { echo "dist: no STOCKROOM_VERSION in $(DIST_VERSION_H)"; exit 1; }
	@$(MAKE) --no-print-directory $(DIST_ARCHS:%=dist-%)
	@cd $(DIST_DIR) && rm -f SHA256SUMS && \
	    sha256sum $(notdir $(DIST_TARBALLS)) > SHA256SUMS.tmp && \
	    mv SHA256SUMS.tmp SHA256SUMS
	@cd $(DIST_DIR) && ls -l $(notdir $(DIST_TARBALLS)) SHA256SUMS

# Per architecture: its sysroot, its cJSON, its programs (the main Makefile
# again, with the static flags), the tree, the tarball.
dist-%: dist-tree-$(DIST_HOST)
	@$(MAKE) --no-print-directory dist-tarball-$*

DIST_SUB = $(MAKE) --no-print-directory BUILD=$(DIST_DIR:$(CURDIR)/%=%)/$(1) \
	DIST_DIR=$(DIST_DIR) CC=$(1)-linux-gnu-gcc \
	CFLAGS="-DSTOCKROOM_GD_LINKED -DSTOCKROOM_STATIC -I$(DIST_DIR)/$(1)/cjson/include -I$(DIST_DIR)/$(1)/sysroot/usr/include" \
	LDFLAGS="-static-pie" LIBMD= LIBCSV= \
	LIBS="$(DIST_DIR)/$(1)/cjson/lib/libcjson.a -L$(DIST_DIR)/$(1)/sysroot/usr/lib/$(1)-linux-gnu -L$(DIST_DIR)/$(1)/sysroot/usr/lib $(DIST_STATIC_LIBS)"

$(DIST_DIR)/%/sysroot/.done:
	sh tools/dist-sysroot.sh $(DIST_DEB_$*) $(@D) $(DIST_DEV_PKGS)
	@touch $@

$(DIST_DIR)/%/cjson/lib/libcjson.a:
	sh tools/dist-cjson.sh $(DIST_DIR)/src $*-linux-gnu-gcc $(DIST_DIR)/$*/cjson

dist-build-%: $(DIST_DIR)/%/sysroot/.done $(DIST_DIR)/%/cjson/lib/libcjson.a
	@$(call DIST_SUB,$*) dist-binaries

# In the sub-make (BUILD is the architecture's): what make install needs.
dist-binaries: $(PROGRAMS) $(TOOLS)

# The tree, laid out once by make install with the build that runs here,
# less what make install's `stockroom migrate` left in data/: a database,
# and above all a secret_key, would be every site's that unpacks the same
# tarball.  Its stockroom.conf lets the first request create the database,
# as the host's user (hosts without a shell; README, shared hosting).
DIST_CONF = '\# Settings: docs/README.md, "Configuration".' \
	'\# The first request creates the database and applies new migrations.' \
	'AUTO_MIGRATE = true' \
	'\# The names the site is reached by; until set, other names are served' \
	'\# but left out of the links the API writes (README, ALLOWED_HOSTS).' \
	'\# ALLOWED_HOSTS = example.org www.example.org'
dist-tree-%: dist-build-%
	@rm -rf $(DIST_DIR)/tree
	@$(call DIST_SUB,$*) install DESTDIR=$(DIST_DIR)/tree/$(DIST_NAME) >/dev/null
	@find $(DIST_DIR)/tree/$(DIST_NAME)/data -mindepth 1 ! -name .htaccess -delete
	@printf '%s\n' $(DIST_CONF) > $(DIST_DIR)/tree/$(DIST_NAME)/stockroom.conf
	@chmod 0644 $(DIST_DIR)/tree/$(DIST_NAME)/stockroom.conf
	@mkdir -p $(DIST_DIR)/tree/$(DIST_NAME)/docs
	@install -m 0644 README.md BENCHMARKS.md $(DIST_DIR)/tree/$(DIST_NAME)/docs/
	@install -m 0644 docs/*.md $(DIST_DIR)/tree/$(DIST_NAME)/docs/

# In the sub-make: the installed tree's programs and tools replaced by this
# build's, as make install copies them, stripped of their debug sections.
dist-swap:
	install -m 0755 $(PROGRAMS) "$(DESTDIR)/cgi-bin/"
	install -m 0755 $(TOOLS) "$(DESTDIR)/bin/"
	$(STRIP) $(addprefix "$(DESTDIR)"/cgi-bin/,$(notdir $(PROGRAMS))) \
	    $(addprefix "$(DESTDIR)"/bin/,$(notdir $(TOOLS)))

dist-tarball-%: dist-build-%
	@rm -rf $(DIST_DIR)/$*/tree
	@mkdir -p $(DIST_DIR)/$*/tree
	@cp -a $(DIST_DIR)/tree/$(DIST_NAME) $(DIST_DIR)/$*/tree/
	@$(call DIST_SUB,$*) STRIP=$*-linux-gnu-strip \
	    DESTDIR=$(DIST_DIR)/$*/tree/$(DIST_NAME) dist-swap >/dev/null
	@tar -C $(DIST_DIR)/$*/tree --sort=name --owner=0 --group=0 \
	    --numeric-owner -czf $(DIST_DIR)/$(DIST_NAME)-linux-$*.tar.gz.tmp \
	    $(DIST_NAME)
	@mv $(DIST_DIR)/$(DIST_NAME)-linux-$*.tar.gz.tmp \
	    $(DIST_DIR)/$(DIST_NAME)-linux-$*.tar.gz
	@echo "dist: $(DIST_DIR)/$(DIST_NAME)-linux-$*.tar.gz"

dist-test: dist dist-test-deps
	@BUILD="$(BUILD)" DIST_DIR="$(DIST_DIR)" DIST_ARCHS="$(DIST_ARCHS)" \
	    DIST_VERSION="$(DIST_VERSION)" $(PYTHON) -m pytest -q \
	    -p no:cacheprovider --rootdir=tests tests/dist

dist-version:
	@echo $(DIST_VERSION)
