build-clang/common/models/ctxmap.o: common/models/ctxmap.c \
  common/models/ctxmap.h common/models/bithist.h common/models/../err.h

common/models/ctxmap.h:

common/models/bithist.h:

common/models/../err.h:
