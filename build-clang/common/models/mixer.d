build-clang/common/models/mixer.o: common/models/mixer.c \
  common/models/mixer.h common/models/../fixmath.h \
  common/models/../err.h

common/models/mixer.h:

common/models/../fixmath.h:

common/models/../err.h:
