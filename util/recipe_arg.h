/* util/recipe_arg.h — turn a command-line recipe argument into params: a
 * preset name, or else the path of a recipe file. On error it prints one
 * message naming the file and line to stderr, prefixed with prog, and
 * returns the code. C and libc only (slcodec uses it). */
#ifndef SL_RECIPE_ARG_H
#define SL_RECIPE_ARG_H

#include "../common/recipe.h"

int recipe_from_arg(const char *prog, const char *arg, recipe_params *p);

#endif
