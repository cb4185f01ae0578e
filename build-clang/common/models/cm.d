build-clang/common/models/cm.o: common/models/cm.c \
  common/models/../model.h common/models/../recipe.h \
  common/models/../err.h common/models/../fixmath.h common/models/apm.h \
  common/models/bithist.h common/models/ctxmap.h common/models/match.h \
  common/models/statemap.h common/models/mixer.h

common/models/../model.h:

common/models/../recipe.h:

common/models/../err.h:

common/models/../fixmath.h:

common/models/apm.h:

common/models/bithist.h:

common/models/ctxmap.h:

common/models/match.h:

common/models/statemap.h:

common/models/mixer.h:
