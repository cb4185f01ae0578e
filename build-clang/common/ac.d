build-clang/common/ac.o: common/ac.c common/ac.h common/bytebuf.h \
  common/err.h

common/ac.h:

common/bytebuf.h:

common/err.h:
