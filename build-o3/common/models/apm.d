build-o3/common/models/apm.o: common/models/apm.c common/models/apm.h \
 common/models/../fixmath.h common/models/statemap.h
common/models/apm.h:
common/models/../fixmath.h:
common/models/statemap.h:
