build-o3/common/container.o: common/container.c common/container.h \
 common/bytebuf.h common/recipe.h common/codec.h common/err.h
common/container.h:
common/bytebuf.h:
common/recipe.h:
common/codec.h:
common/err.h:
