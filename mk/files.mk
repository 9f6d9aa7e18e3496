# Files (issue 5): part images and thumbnails need libgd.
#
# lib/image.c needs libgd's header (libgd-dev) to build and libgd3 to run.

DEPS_BUILD += libgd-dev
# libgd itself is loaded by lib/image.c when an image is uploaded (dlopen),
# so that programs do not load its many libraries on every request.
DEPS_BUILD += libgd3
# The HTTP tests check MEDIA_SENDFILE = apache through mod_xsendfile (they
# skip that case when it is missing).
DEPS_TEST += libapache2-mod-xsendfile
