build-clang/common/models/statemap.o: common/models/statemap.c \
  common/models/statemap.h common/models/../err.h

common/models/statemap.h:

common/models/../err.h:
