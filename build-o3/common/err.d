build-o3/common/err.o: common/err.c common/err.h
common/err.h:
