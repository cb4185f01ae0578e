build-clang/common/bytebuf.o: common/bytebuf.c common/bytebuf.h \
  common/err.h

common/bytebuf.h:

common/err.h:
