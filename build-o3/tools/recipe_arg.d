build-o3/tools/recipe_arg.o: tools/recipe_arg.c tools/recipe_arg.h \
 tools/../common/bytebuf.h tools/../common/recipe.h tools/../common/err.h
tools/recipe_arg.h:
tools/../common/bytebuf.h:
tools/../common/recipe.h:
tools/../common/err.h:
