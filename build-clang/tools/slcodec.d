build-clang/tools/slcodec.o: tools/slcodec.c tools/../common/codec.h \
  tools/../common/bytebuf.h tools/../common/recipe.h \
  tools/../common/container.h tools/../common/err.h tools/recipe_arg.h

tools/../common/codec.h:

tools/../common/bytebuf.h:

tools/../common/recipe.h:

tools/../common/container.h:

tools/../common/err.h:

tools/recipe_arg.h:
