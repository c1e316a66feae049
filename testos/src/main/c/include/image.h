/* Symbols the linker script defines around the loaded image. */
#ifndef TESTOS_IMAGE_H
#define TESTOS_IMAGE_H

extern const char __image_start[], __image_end[];

#endif
