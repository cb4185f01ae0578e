build-clang/common/fixmath.o: common/fixmath.c common/fixmath.h

common/fixmath.h:
