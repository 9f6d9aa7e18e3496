/*
 * fuzz_image: image_dimensions() (domain/files/image.c), which reads the
 * width and height of an uploaded PNG, GIF, JPEG or WebP from its header
 * before anything is decoded, and media_sniff() (domain/files/media.c).  Input: the first
 * bytes of a file.  Checks that dimensions are only reported for a
 * recognised signature, within the formats' own limits (65535 for PNG
 * here, whose larger sizes it refuses; 16383 for VP8; 2^24 for VP8X).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stockroom.h"
#include "files/image.h"
#include "files/media.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A heap copy of exactly the input, so reading past it is caught. */
	unsigned char *b = malloc(size ? size : 1);
	int w = -1, h = -1;

	memcpy(b, data, size);
	enum media_image t = media_sniff(b, size);
	if (image_dimensions(b, size, &w, &h) == 0) {
		if (t == MEDIA_NOT_IMAGE || w < 0 || h < 0 ||
		    w > (1 << 24) + 1 || h > (1 << 24) + 1)
			abort();
		if (t != MEDIA_WEBP && (w > 65535 || h > 65535))
			abort();
	}
	if ((t == MEDIA_NOT_IMAGE) != (media_image_type(t) == NULL))
		abort();
	free(b);
	return 0;
}
