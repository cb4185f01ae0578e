build-clang/common/models/apm.o: common/models/apm.c common/models/apm.h \
  common/models/../fixmath.h common/models/../err.h

common/models/apm.h:

common/models/../fixmath.h:

common/models/../err.h:
