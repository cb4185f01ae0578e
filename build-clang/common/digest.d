build-clang/common/digest.o: common/digest.c common/model.h \
  common/recipe.h

common/model.h:

common/recipe.h:
