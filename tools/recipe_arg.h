/* tools/recipe_arg.h — turn a command-line recipe argument into params:
 * a preset name, or else the path of a recipe file. Prints a message that
 * names the file and line on error and returns its code. */
#ifndef SL_RECIPE_ARG_H
#define SL_RECIPE_ARG_H

#include "../common/bytebuf.h"
#include "../common/recipe.h"

int recipe_from_arg(const char *prog, const char *arg, recipe_params *p);
/* Reads a whole file ("-" is stdin) into b; prints why on failure. */
int file_load(const char *prog, const char *path, bytebuf *b);

#endif
