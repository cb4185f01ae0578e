build-o3/common/digest.o: common/digest.c common/model.h common/recipe.h
common/model.h:
common/recipe.h:
