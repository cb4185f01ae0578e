build-o3/tests/bench/slbench.o: tests/bench/slbench.c \
 tests/bench/../../common/codec.h tests/bench/../../common/bytebuf.h \
 tests/bench/../../common/recipe.h tests/bench/../../common/err.h \
 tests/bench/../../common/recipe.h tests/bench/../../tools/recipe_arg.h \
 tests/bench/../../tools/../common/bytebuf.h \
 tests/bench/../../tools/../common/recipe.h
tests/bench/../../common/codec.h:
tests/bench/../../common/bytebuf.h:
tests/bench/../../common/recipe.h:
tests/bench/../../common/err.h:
tests/bench/../../common/recipe.h:
tests/bench/../../tools/recipe_arg.h:
tests/bench/../../tools/../common/bytebuf.h:
tests/bench/../../tools/../common/recipe.h:
