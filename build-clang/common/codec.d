build-clang/common/codec.o: common/codec.c common/codec.h \
  common/bytebuf.h common/recipe.h common/ac.h common/err.h \
  common/fixmath.h common/model.h

common/codec.h:

common/bytebuf.h:

common/recipe.h:

common/ac.h:

common/err.h:

common/fixmath.h:

common/model.h:
