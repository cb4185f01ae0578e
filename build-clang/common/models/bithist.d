build-clang/common/models/bithist.o: common/models/bithist.c \
  common/models/bithist.h

common/models/bithist.h:
