build-o3/common/recipe.o: common/recipe.c common/recipe.h common/err.h
common/recipe.h:
common/err.h:
