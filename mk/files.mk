# Files (issue 5): part images and thumbnails need libgd.
#
# Every program links the one static library, so every program is linked
# with libgd; only those that use lib/image.c pull its code in.

DEPS_BUILD += libgd-dev
LIBS += -lgd
# The HTTP tests check MEDIA_SENDFILE = apache through mod_xsendfile (they
# skip that case when it is missing).
DEPS_TEST += libapache2-mod-xsendfile
