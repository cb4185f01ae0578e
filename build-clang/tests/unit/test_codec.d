build-clang/tests/unit/test_codec.o: tests/unit/test_codec.c \
  tests/unit/../../common/codec.h tests/unit/../../common/bytebuf.h \
  tests/unit/../../common/recipe.h tests/unit/../../common/container.h \
  tests/unit/../../common/err.h tests/unit/testdata.h

tests/unit/../../common/codec.h:

tests/unit/../../common/bytebuf.h:

tests/unit/../../common/recipe.h:

tests/unit/../../common/container.h:

tests/unit/../../common/err.h:

tests/unit/testdata.h:
