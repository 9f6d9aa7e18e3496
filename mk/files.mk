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

# Labels (issue 19): label.cgi draws the PDF with libharu and the codes
# with libqrencode (QR) and libdmtx (DataMatrix), all three loaded with
# dlopen() when a print is made (cgi-bin/label.c); their headers build it.
DEPS_BUILD += libhpdf-dev libqrencode-dev libdmtx-dev
DEPS_RUN += libhpdf-2.3.0 libqrencode4 libdmtx0b
# The label tests decode the printed codes (they skip that when missing).
DEPS_TEST += zbar-tools dmtx-utils
