build-o3/common/models/match.o: common/models/match.c \
 common/models/match.h common/models/statemap.h \
 common/models/../fixmath.h common/models/../model.h \
 common/models/../recipe.h common/models/../err.h
common/models/match.h:
common/models/statemap.h:
common/models/../fixmath.h:
common/models/../model.h:
common/models/../recipe.h:
common/models/../err.h:
